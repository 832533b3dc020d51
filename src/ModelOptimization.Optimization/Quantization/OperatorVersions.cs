using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Optimization.Quantization;

/// <summary>
/// The operator version a TFLite runtime needs for the tensor types an op uses, after TFLite's
/// tools/versioning/op_version.cc (GetBuiltinOperatorVersion) for the ops the quantizer writes. As TFLite's
/// UpdateOpVersion, a version is only ever raised: the result is max(current, required).
/// </summary>
internal static class OperatorVersions
{
    /// <summary>Sets each op's operator code to the version its types need (never lowering one).</summary>
    public static void Update(Model model)
    {
        foreach (var sg in model.Subgraphs)
        {
            foreach (var op in sg.Operators)
            {
                var code = model.CodeOf(op);
                if (code.CustomCode is not null || code.Op == BuiltinOperator.CUSTOM) continue;
                int required = Required(model, sg, op, code.Op);
                if (required > code.Version) op.OpcodeIndex = model.GetOrAddOperatorCode(code.Op, required);
            }
        }
    }

    /// <summary>The version <paramref name="op"/> needs (1 when nothing about it needs more).</summary>
    public static int Required(Model model, Subgraph sg, Operator op, BuiltinOperator code)
    {
        TensorType In(int i) => i < op.Inputs.Length && op.Inputs[i] >= 0 ? sg.Tensors[op.Inputs[i]].Type : TensorType.Float32;
        TensorType Out(int i) => i < op.Outputs.Length && op.Outputs[i] >= 0 ? sg.Tensors[op.Outputs[i]].Type : TensorType.Float32;
        int Rank(int i) => i < op.Inputs.Length && op.Inputs[i] >= 0 ? sg.Tensors[op.Inputs[i]].Shape.Length : 0;
        Tensor? InT(int i) => i < op.Inputs.Length && op.Inputs[i] >= 0 ? sg.Tensors[op.Inputs[i]] : null;
        bool PerChannel(int i) => InT(i)?.Quantization is { Granularity: QuantizationGranularity.PerChannel };
        bool Blockwise(int i) => InT(i)?.Quantization is { Granularity: QuantizationGranularity.Blockwise };
        var o = op.BuiltinOptions;
        bool Flag(string f) => o is not null && o.Has(f) && o.GetBoolean(f);
        bool hybrid = In(0) == TensorType.Float32 && In(1) is TensorType.Int8 or TensorType.Int4 && Out(0) == TensorType.Float32;
        var i0 = In(0);

        switch (code)
        {
            case BuiltinOperator.CONV_2D:
                if (i0 == TensorType.Int16 && In(1) == TensorType.Int8) return 4;
                if (i0 == TensorType.Int8 && In(1) == TensorType.Int4) return 7;
                if (i0 == TensorType.Int8 && In(1) == TensorType.Int8) return 3;
                if (hybrid) return PerChannel(1) ? 5 : 2;
                return 1;
            case BuiltinOperator.DEPTHWISE_CONV_2D:
            {
                int dil = o is not null && (o.GetInt32("dilation_w_factor", 1) != 1 || o.GetInt32("dilation_h_factor", 1) != 1) ? 2 : 1;
                if (i0 == TensorType.Int16) return 5;
                if (hybrid) return PerChannel(1) ? 6 : 4;
                if (i0 == TensorType.Int8 && In(1) == TensorType.Int4) return 7;
                if (i0 == TensorType.Int8) return Math.Max(3, dil);
                return dil;
            }

            case BuiltinOperator.FULLY_CONNECTED:
            {
                int feature = op.Inputs.Length == 2 ? 6 : Flag("keep_num_dims") ? 5 : 1;
                if (hybrid && In(1) == TensorType.Int8 && PerChannel(1)) return 12;
                if (i0 == TensorType.Int16 && In(1) == TensorType.Int8) return Math.Max(7, feature);
                if (i0 == TensorType.Int8 && In(1) == TensorType.Int4) return Math.Max(10, feature);
                if (i0 == TensorType.Int8 && In(1) == TensorType.Int8) return Math.Max(4, feature);
                if (hybrid && In(1) == TensorType.Int4) return feature; // op_version.cc has no rule for float input + int4 weights
                if (hybrid) return Math.Max(Flag("asymmetric_quantize_inputs") ? 9 : 3, feature);
                return feature;
            }

            case BuiltinOperator.TRANSPOSE_CONV:
            {
                int v = In(1) == TensorType.Int8 ? 2 : 1;
                if (op.Inputs.Length == 4 && op.Inputs[3] >= 0) v = 3;
                if (o is not null && o.FusedActivation != ActivationFunctionType.NONE) v = 4;
                return v;
            }

            case BuiltinOperator.BATCH_MATMUL:
                if (i0 == TensorType.Int16) return 3;
                if (i0 == TensorType.Int8) return 2;
                if (hybrid && Flag("asymmetric_quantize_inputs")) return 4;
                return 1;
            case BuiltinOperator.EMBEDDING_LOOKUP:
                return In(1) == TensorType.Int4 || (In(1) == TensorType.Int8 && PerChannel(1)) ? 4 : 1;
            case BuiltinOperator.GATHER:
                if (i0 == TensorType.Int4) return 7;
                if (i0 == TensorType.Int16) return 4;
                if (i0 == TensorType.Int8) return 2;
                return 1;
            case BuiltinOperator.DEQUANTIZE:
                if (i0 == TensorType.Int4) return 6;
                if (i0 is TensorType.Int16 or TensorType.Float16 or TensorType.BFloat16) return 3;
                if (i0 == TensorType.Int8) return PerChannel(0) || Blockwise(0) ? 5 : 2;
                return 1;
            case BuiltinOperator.QUANTIZE:
                if (Out(0) == TensorType.Int4) return 4;
                if (Out(0) == TensorType.Int16) return 2;
                return 1;
            case BuiltinOperator.ADD:
                if (i0 == TensorType.Int16) return Flag("pot_scale_int16") ? 1 : 3;
                return i0 == TensorType.Int8 ? 2 : 1;
            case BuiltinOperator.SUB:
                if (i0 == TensorType.Int16) return Flag("pot_scale_int16") ? 1 : 5;
                if (i0 == TensorType.Int8) return Math.Max(2, Rank(0) > 4 || Rank(1) > 4 ? 3 : 2);
                return 1;
            case BuiltinOperator.MUL:
                if (i0 == TensorType.Int16) return 4;
                if (i0 == TensorType.Int8)
                {
                    float s1 = Scale(InT(0)), s2 = Scale(InT(1)), so = Scale(op.Outputs.Length > 0 && op.Outputs[0] >= 0 ? sg.Tensors[op.Outputs[0]] : null);
                    return s1 != 0 && s2 != 0 && so != 0 && s1 * s2 / so >= 1 ? 3 : 2;
                }

                return 1;
            case BuiltinOperator.MAX_POOL_2D:
            case BuiltinOperator.AVERAGE_POOL_2D:
                return i0 == TensorType.Int16 ? 3 : i0 == TensorType.Int8 ? 2 : 1;
            case BuiltinOperator.TRANSPOSE:
                if (Rank(0) > 5) return 6;
                if (i0 == TensorType.Int16) return 5;
                if (Rank(0) > 4) return 4;
                return i0 == TensorType.Int8 ? 2 : 1;
            case BuiltinOperator.SOFTMAX:
            case BuiltinOperator.MEAN:
            case BuiltinOperator.MIRROR_PAD:
            case BuiltinOperator.REDUCE_MAX:
            case BuiltinOperator.REDUCE_MIN:
            case BuiltinOperator.RELU6:
            case BuiltinOperator.RSQRT:
            case BuiltinOperator.CONCATENATION:
                return i0 == TensorType.Int16 ? 3 : i0 == TensorType.Int8 ? 2 : 1;
            case BuiltinOperator.RELU:
                return i0 == TensorType.Int16 ? 3 : i0 is TensorType.Int8 or TensorType.UInt8 ? 2 : 1;
            case BuiltinOperator.TANH:
            case BuiltinOperator.LOGISTIC:
                return i0 == TensorType.Int16 ? 3 : i0 == TensorType.Int8 ? 2 : 1;
            case BuiltinOperator.PAD:
            case BuiltinOperator.PADV2:
                if (Rank(0) > 4) return 4;
                return i0 == TensorType.Int16 ? 3 : i0 == TensorType.Int8 ? 2 : 1;
            case BuiltinOperator.STRIDED_SLICE:
                return i0 == TensorType.Int8 ? 2 : 1;
            case BuiltinOperator.SLICE:
                if (Rank(0) > 4) return 5;
                return i0 == TensorType.Int16 ? 4 : i0 == TensorType.Int8 ? 2 : 1;
            case BuiltinOperator.SPLIT:
                return In(1) == TensorType.Int16 ? 4 : In(1) == TensorType.Int8 ? 2 : 1;
            case BuiltinOperator.RESIZE_BILINEAR:
                if (i0 == TensorType.Int16) return 4;
                if (Flag("half_pixel_centers")) return 3;
                return i0 == TensorType.Int8 ? 2 : 1;
            case BuiltinOperator.RESIZE_NEAREST_NEIGHBOR:
                if (i0 == TensorType.Int16) return 4;
                if (Flag("half_pixel_centers") || Flag("align_corners")) return 3;
                return i0 == TensorType.Int8 ? 2 : 1;
            case BuiltinOperator.MAXIMUM:
            case BuiltinOperator.MINIMUM:
                return i0 == TensorType.Int16 ? 4 : i0 == TensorType.Int8 ? 2 : 1;
            case BuiltinOperator.PACK:
                return i0 == TensorType.Int16 ? 3 : i0 == TensorType.Int8 ? 2 : 1;
            case BuiltinOperator.UNPACK:
                return i0 == TensorType.Int16 ? 4 : i0 is TensorType.Int8 or TensorType.UInt8 ? 2 : 1;
            case BuiltinOperator.SPACE_TO_BATCH_ND:
            case BuiltinOperator.BATCH_TO_SPACE_ND:
                if (i0 == TensorType.Int16) return 4;
                if (Rank(0) != 4) return 3;
                return i0 == TensorType.Int8 ? 2 : 1;
            case BuiltinOperator.LEAKY_RELU:
                return i0 == TensorType.Int16 ? 2 : 1;
            case BuiltinOperator.ARG_MAX:
            case BuiltinOperator.ARG_MIN:
            case BuiltinOperator.SPACE_TO_DEPTH:
            case BuiltinOperator.DEPTH_TO_SPACE:
            case BuiltinOperator.SPLIT_V:
            case BuiltinOperator.SUM:
            case BuiltinOperator.LOG_SOFTMAX:
            case BuiltinOperator.GREATER:
            case BuiltinOperator.LESS_EQUAL:
            case BuiltinOperator.SQUARED_DIFFERENCE:
            case BuiltinOperator.NOT_EQUAL:
            case BuiltinOperator.SELECT:
            case BuiltinOperator.GELU:
                return i0 == TensorType.Int8 || (code is BuiltinOperator.SELECT && In(1) == TensorType.Int8) ? 2 : 1;
            case BuiltinOperator.EQUAL:
                return i0 == TensorType.Int16 ? 4 : i0 == TensorType.Int8 ? 2 : 1;
            case BuiltinOperator.LESS:
            case BuiltinOperator.GREATER_EQUAL:
                return i0 == TensorType.Int16 ? 3 : i0 == TensorType.Int8 ? 2 : 1;
            case BuiltinOperator.L2_NORMALIZATION:
                return Out(0) == TensorType.Int8 ? 2 : 1;
            case BuiltinOperator.TILE:
                return i0 == TensorType.Int8 ? 3 : 1;
            case BuiltinOperator.BROADCAST_TO:
                return i0 is TensorType.Int8 or TensorType.Int16 ? 3 : 2;
            case BuiltinOperator.REVERSE_V2:
                return i0 == TensorType.Int8 ? 3 : 1;
            case BuiltinOperator.CAST:
                if (i0 == TensorType.BFloat16 || Out(0) == TensorType.BFloat16) return 7;
                if (i0 is TensorType.Float16 or TensorType.Float64 || Out(0) is TensorType.Float16 or TensorType.Float64) return 5;
                if (i0 == TensorType.Int8 || Out(0) == TensorType.Int8) return 3;
                return 1;
            case BuiltinOperator.GATHER_ND:
                return i0 == TensorType.Int16 ? 3 : 1;
            default:
                return 1;
        }
    }

    private static float Scale(Tensor? t) => t?.Quantization?.Scale is { Length: > 0 } s ? s[0] : 0;
}
