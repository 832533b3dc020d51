using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Optimization.Quantization.Codecs;
using ModelOptimization.Optimization.Quantization.OperatorQuantizers;

namespace ModelOptimization.Optimization.Quantization;

internal sealed partial class SubgraphQuantizer
{
    private readonly Dictionary<(int Tensor, TensorType Type), int> _reducedFloats = [];
    private readonly Dictionary<int, int> _dequantized = [];

    /// <summary>
    /// Float16/BFloat16: every float32 constant input of <paramref name="op"/> is stored as <paramref name="type"/>
    /// and read through a DEQUANTIZE op (scheduled before the op's first reader). Returns the number of inputs converted.
    /// </summary>
    public int ReduceFloatConstants(int op, TensorType type)
    {
        int converted = 0;
        var inputs = Op(op).Inputs;
        for (int s = 0; s < inputs.Length; s++)
        {
            int t = inputs[s];
            if (t < 0 || t >= _originalTensorCount) continue;
            var tensor = Graph.Tensors[t];
            if (tensor.Type != TensorType.Float32 || !Model.IsConstant(tensor) || tensor.Sparsity is not null) continue;
            if (tensor.ElementCount < Options.MinWeightElements) continue;
            if (!_reducedFloats.TryGetValue((t, type), out int output))
            {
                if (!_run.SharedReducedFloats.TryGetValue((tensor.Buffer, type), out uint buffer))
                {
                    var data = ConstantFloatMemory(t)!.Value;
                    var bytes = GC.AllocateUninitializedArray<byte>(data.Length * 2);
                    if (type == TensorType.Float16) WeightEncoder.ToFloat16Parallel(data, bytes);
                    else WeightEncoder.ToBFloat16(data.Span, bytes);
                    buffer = Model.AddBuffer(bytes);
                    _run.SharedReducedFloats[(tensor.Buffer, type)] = buffer;
                }

                int reduced = AddTensor(new Tensor
                {
                    Name = tensor.Name,
                    Type = type,
                    Shape = tensor.Shape.ToArray(),
                    ShapeSignature = tensor.ShapeSignature?.ToArray(),
                    HasRank = tensor.HasRank,
                    Buffer = buffer,
                });
                output = AddTensor(new Tensor
                {
                    Name = UniqueName(tensor.Name, "dequantized"),
                    Type = TensorType.Float32,
                    Shape = tensor.Shape.ToArray(),
                    ShapeSignature = tensor.ShapeSignature?.ToArray(),
                    HasRank = tensor.HasRank,
                });
                if (type == TensorType.BFloat16)
                {
                    // TFLite's DEQUANTIZE rejects BFLOAT16 (LiteRT 2.5.3: dequantize.cc type check); CAST (version 7)
                    // widens it, and LiteRT.js runs that.
                    var cast = NewOperator(BuiltinOperator.CAST, [reduced], [output]);
                    cast.BuiltinOptions!["in_data_type"] = (sbyte)TensorType.BFloat16;
                    cast.BuiltinOptions!["out_data_type"] = (sbyte)TensorType.Float32;
                    InsertAfter(op - 1, cast);
                }
                else
                {
                    InsertAfter(op - 1, NewOperator(BuiltinOperator.DEQUANTIZE, [reduced], [output]));
                }

                _reducedFloats[(t, type)] = output;
            }

            inputs[s] = output;
            converted++;
        }

        return converted;
    }

    /// <summary>
    /// Weight-only: each constant weight of the op is stored quantized (int8/int4, per channel or blockwise) and
    /// read through a DEQUANTIZE op; compute stays float. Returns a description of what was done, or null when the
    /// op has no usable weights.
    /// </summary>
    public string? QuantizeWeightsOnly(int op, OperatorQuantizer quantizer)
    {
        var type = Options.WeightBits == 4 ? TensorType.Int4 : TensorType.Int8;
        var done = new List<string>();
        foreach (var (slot, axis) in quantizer.WeightSlots(this, op).ToList())
        {
            int t = Input(op, slot);
            if (t < 0 || !IsFloatConstant(t) || !IsFinite(t) || Tensor(t).ElementCount < Options.MinWeightElements) continue;
            var granularity = Options.Granularity;
            string how;
            if (granularity == WeightGranularity.Blockwise && !(quantizer.SupportsBlockwise && SupportsBlockwise(t, Options.BlockSize)))
            {
                granularity = WeightGranularity.PerChannel;
                how = $"{TensorTypeInfo.ShortName(type)} per channel (blockwise needs a 2-D weight whose rows divide by {Options.BlockSize})";
            }
            else
            {
                how = TensorTypeInfo.ShortName(type) + granularity switch
                {
                    WeightGranularity.Blockwise => $" blockwise {Options.BlockSize}",
                    WeightGranularity.PerTensor => " per tensor",
                    _ => " per channel",
                };
            }

            int rank = Tensor(t).Shape.Length;
            var spec = new WeightSpec(type, granularity, rank == 0 ? 0 : Math.Clamp(axis, 0, rank - 1), granularity == WeightGranularity.Blockwise ? Options.BlockSize : 0);
            if (AdaptiveHessian(op, slot, spec) is not null) how += ", adaptive rounding";
            var qw = ReplaceWeight(op, slot, spec);
            if (granularity == WeightGranularity.Blockwise)
            {
                // LiteRT's DEQUANTIZE ignores BlockwiseQuantization (wrong values); its FULLY_CONNECTED reads int4
                // blockwise weights directly (XNNPACK qd8 × qb4w), as AI Edge Quantizer's dynamic_wi4 recipes write.
                done.Add(how + " read directly (hybrid: activations quantized on the fly)");
                continue;
            }

            if (!_dequantized.TryGetValue(qw.Tensor, out int output))
            {
                var w = Tensor(qw.Tensor);
                output = AddTensor(new Tensor
                {
                    Name = UniqueName(w.Name, "dequantized"),
                    Type = TensorType.Float32,
                    Shape = w.Shape.ToArray(),
                    ShapeSignature = w.ShapeSignature?.ToArray(),
                    HasRank = w.HasRank,
                });
                InsertAfter(op - 1, NewOperator(BuiltinOperator.DEQUANTIZE, [qw.Tensor], [output]));
                _dequantized[qw.Tensor] = output;
            }

            Op(op).Inputs[slot] = output;
            done.Add(how);
        }

        if (done.Count == 0) return null;
        MarkQuantized(op);
        return "weights " + string.Join(", ", done.Distinct().Select(d => d.EndsWith("on the fly)", StringComparison.Ordinal) ? d : d + " + DEQUANTIZE, float compute"));
    }
}
