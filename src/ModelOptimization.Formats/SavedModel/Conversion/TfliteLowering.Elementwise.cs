using ModelOptimization.Core.Graph;
using ModelOptimization.Core.TensorFlow;
using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Formats.SavedModel.Conversion;

internal sealed partial class TfliteLowering
{
    private ConvValue?[] LowerNode(FlatNode n)
    {
        ConvValue v = n.Op switch
        {
            FlatNode.VariableOp => Variable(n),
            "Const" => Constant(n),
            "Cast" => CastNode(n),
            "Add" or "AddV2" or "BiasAdd" or "BiasAddV1" => Binary(n, BinaryKind.Add),
            "Sub" => Binary(n, BinaryKind.Sub),
            "Mul" => Binary(n, BinaryKind.Mul),
            "RealDiv" => Binary(n, BinaryKind.Div),
            "Maximum" => Binary(n, BinaryKind.Max),
            "Minimum" => Binary(n, BinaryKind.Min),
            "Relu" => Activation(n, ActivationFunctionType.RELU, BuiltinOperator.RELU, x => Math.Max(x, 0)),
            "Relu6" => Activation(n, ActivationFunctionType.RELU6, BuiltinOperator.RELU6, x => Math.Min(Math.Max(x, 0), 6)),
            "Sigmoid" => Activation(n, ActivationFunctionType.NONE, BuiltinOperator.LOGISTIC, x => 1 / (1 + Math.Exp(-x))),
            "Tanh" => Activation(n, ActivationFunctionType.NONE, BuiltinOperator.TANH, Math.Tanh),
            "Rsqrt" => Activation(n, ActivationFunctionType.NONE, BuiltinOperator.RSQRT, x => 1 / Math.Sqrt(x)),
            "Sqrt" => Activation(n, ActivationFunctionType.NONE, BuiltinOperator.SQRT, Math.Sqrt),
            "Floor" => FloorNode(n),
            "Softmax" => SoftmaxNode(n),
            "RandomUniform" => RandomUniform(n),
            "MatMul" or "BatchMatMul" or "BatchMatMulV2" or "BatchMatMulV3" => MatMul(n),
            "Conv2D" => Conv2D(n),
            "DepthwiseConv2dNative" => DepthwiseConv2D(n),
            "FusedBatchNorm" or "FusedBatchNormV2" or "FusedBatchNormV3" => BatchNorm(n),
            "MaxPool" => Pool(n, BuiltinOperator.MAX_POOL_2D),
            "AvgPool" => Pool(n, BuiltinOperator.AVERAGE_POOL_2D),
            "Reshape" => Reshape(n),
            "Squeeze" => Squeeze(n),
            "ExpandDims" => ExpandDims(n),
            "ConcatV2" => Concat(n),
            "Pack" => Pack(n),
            "Mean" => Mean(n),
            "Pad" or "PadV2" => Pad(n),
            "Transpose" => Transpose(n),
            "Shape" => ShapeNode(n),
            "StridedSlice" => StridedSlice(n),
            _ => throw ConversionErrors.OperatorNotSupported(n.Op, n.Where, n.Name),
        };
        return [v];
    }

    private ConvValue Variable(FlatNode n)
    {
        var v = n.Variable!;
        if (!v.Shape.IsFullyDefined) throw NotSupported($"the variable '{v.Name}' has the shape {v.Shape}, which is not fully defined");
        var c = ConstTensor.FromBytes(v.DataType, v.Shape.Dimensions!.Select(d => checked((int)d)).ToArray(), v.Data.Span)
                ?? throw NotSupported($"the variable '{v.Name}' ({TfDataTypeInfo.ShortName(v.DataType)}{v.Shape}) is not a numeric tensor");
        return new ConstValue(c);
    }

    private ConvValue Constant(FlatNode n)
    {
        var t = n.Attr("value")?.Tensor ?? throw ConversionErrors.Structure($"{n.Where} has no value", n.Name);
        var c = ConstTensor.FromTfTensor(t) ?? throw NotSupported($"the constant ({t}) is not dense numeric data");
        return new ConstValue(c);
    }

    private ConvValue CastNode(FlatNode n)
    {
        var to = TypeAttr(n, "DstT", TfDataType.Float);
        var x = In(n, 0);
        return x switch
        {
            ConstValue c => new ConstValue(c.A.Cast(to), c.B?.Cast(to)),
            RangeValue r => new RangeValue(ConstTensor.RoundTo(to, r.Lo), ConstTensor.RoundTo(to, r.Hi), to, r.Shape1, r.Shape2),
            TensorValue t when t.Type == to => t,
            TensorValue t => Cast(t, to, n.Name),
            _ => throw NotSupported("unexpected input"),
        };
    }

    private enum BinaryKind
    {
        Add,
        Sub,
        Mul,
        Div,
        Max,
        Min,
    }

    private static Func<double, double, double> BinaryFunction(BinaryKind kind) => kind switch
    {
        BinaryKind.Add => (a, b) => a + b,
        BinaryKind.Sub => (a, b) => a - b,
        BinaryKind.Mul => (a, b) => a * b,
        BinaryKind.Div => (a, b) => a / b,
        BinaryKind.Max => Math.Max,
        _ => Math.Min,
    };

    private ConvValue Binary(FlatNode n, BinaryKind kind)
    {
        var a = In(n, 0);
        var b = In(n, 1);
        var f = BinaryFunction(kind);
        if (a is ConstValue ca && b is ConstValue cb)
        {
            var r1 = Fold(() => ConstTensor.Binary(ca.A, cb.A, f), 0);
            var r2 = ca.IsStatic && cb.IsStatic ? null : Fold(() => ConstTensor.Binary(ca.Probe(1), cb.Probe(1), f), 1);
            return new ConstValue(r1, r2);
        }

        if (a is RangeValue || b is RangeValue) return RangeArithmetic(kind, a, b);

        // x + 0, x - 0, x * 1, x / 1: the input itself (when the constant does not broadcast it to a larger shape).
        if (a is TensorValue ta && IsIdentityOperand(kind, b, right: true) && KeepsShape(ta, b)) return ta;
        if (b is TensorValue tb && IsIdentityOperand(kind, a, right: false) && KeepsShape(tb, a)) return tb;

        if (kind is BinaryKind.Add or BinaryKind.Sub)
        {
            // BiasAdd / Add of a constant per-channel vector after a convolution or fully connected layer: its bias.
            if (a is TensorValue x && b is ConstValue { IsStatic: true } bias && Fusable(n, 0, x) && TryFuseBias(x, bias.A, kind == BinaryKind.Sub ? -1 : 1))
            {
                return Fused(x);
            }

            if (kind == BinaryKind.Add && b is TensorValue y && a is ConstValue { IsStatic: true } bias2 && Fusable(n, 1, y) && TryFuseBias(y, bias2.A, 1))
            {
                return Fused(y);
            }
        }

        var tensor = a as TensorValue ?? (TensorValue)b;
        var type = tensor.Type;
        var lhs = AsTensor(a, type, n.Name + "/x");
        var rhs = AsTensor(b, type, n.Name + "/y");
        var s1 = ConstTensor.BroadcastShape(lhs.Shape1, rhs.Shape1) ?? throw ShapeError(0, $"shapes [{string.Join(",", lhs.Shape1)}] and [{string.Join(",", rhs.Shape1)}] do not broadcast");
        var s2 = ConstTensor.BroadcastShape(lhs.Shape2, rhs.Shape2) ?? throw ShapeError(1, "shapes do not broadcast");
        var op = kind switch
        {
            BinaryKind.Add => BuiltinOperator.ADD,
            BinaryKind.Sub => BuiltinOperator.SUB,
            BinaryKind.Mul => BuiltinOperator.MUL,
            BinaryKind.Div => BuiltinOperator.DIV,
            BinaryKind.Max => BuiltinOperator.MAXIMUM,
            _ => BuiltinOperator.MINIMUM,
        };
        return Emit(op, [lhs.Tensor, rhs.Tensor], type, s1, s2, OperatorOptions.For(op));
    }

    private ConstTensor Fold(Func<ConstTensor> compute, int probe)
    {
        try
        {
            return compute();
        }
        catch (InvalidOperationException ex)
        {
            throw ShapeError(probe, ex.Message);
        }
    }

    private static bool IsIdentityOperand(BinaryKind kind, ConvValue v, bool right)
    {
        double unit = kind switch
        {
            BinaryKind.Add => 0,
            BinaryKind.Sub when right => 0,
            BinaryKind.Mul => 1,
            BinaryKind.Div when right => 1,
            _ => double.NaN,
        };
        if (double.IsNaN(unit)) return false;
        return v switch
        {
            ConstValue { IsStatic: true } c => Enumerable.Range(0, c.A.Count).All(i => c.A[i] == unit),
            RangeValue { IsExact: true } r => r.Lo == unit,
            _ => false,
        };
    }

    private static bool KeepsShape(TensorValue t, ConvValue operand)
    {
        (int[] o1, int[] o2) = operand switch
        {
            ConstValue c => (c.A.Shape, c.A.Shape),
            RangeValue r => (r.Shape1, r.Shape2),
            _ => ([], []),
        };
        var s1 = ConstTensor.BroadcastShape(t.Shape1, o1);
        var s2 = ConstTensor.BroadcastShape(t.Shape2, o2);
        return s1 is not null && s2 is not null && s1.AsSpan().SequenceEqual(t.Shape1) && s2.AsSpan().SequenceEqual(t.Shape2);
    }

    /// <summary>Adds a constant that varies at most along the last axis to the bias of a convolution or fully connected layer.</summary>
    private static bool TryFuseBias(TensorValue x, ConstTensor c, int sign)
    {
        var r = x.Producer!;
        if (!r.IsWeighted || r.Activation != ActivationFunctionType.NONE) return false;
        if (!KeepsShape(x, new ConstValue(c))) return false;
        int channels = r.Channels;
        var dims = c.Shape.SkipWhile(d => d == 1).ToArray();
        bool perChannel = dims.Length == 1 && dims[0] == channels && c.Shape[^1] == channels;
        if (!perChannel && c.Count != 1) return false;
        var bias = r.Bias!;
        for (int i = 0; i < channels; i++) bias[i] = (float)(bias[i] + (sign * c[perChannel ? i : 0]));
        return true;
    }

    private ConvValue RangeArithmetic(BinaryKind kind, ConvValue a, ConvValue b)
    {
        // Only scalar constants with a range: enough for tf.nn.dropout's random_uniform * (max - min) + min + keep_prob.
        RangeValue r;
        double c;
        bool rangeLeft;
        if (a is RangeValue ra && b is ConstValue { IsStatic: true } cb && cb.A.Count == 1)
        {
            (r, c, rangeLeft) = (ra, cb.A[0], true);
        }
        else if (b is RangeValue rb && a is ConstValue { IsStatic: true } ca && ca.A.Count == 1)
        {
            (r, c, rangeLeft) = (rb, ca.A[0], false);
        }
        else if (kind == BinaryKind.Mul && a is TensorValue t1 && b is RangeValue { IsExact: true } e1 && e1.Lo == 1 && KeepsShape(t1, e1))
        {
            return t1;
        }
        else if (kind == BinaryKind.Mul && b is TensorValue t2 && a is RangeValue { IsExact: true } e2 && e2.Lo == 1 && KeepsShape(t2, e2))
        {
            return t2;
        }
        else if (a is RangeValue { IsExact: true } ea && b is TensorValue tb && ea.Shape1.AsSpan().SequenceEqual(ea.Shape2))
        {
            return Binary2(kind, AsTensor(ea, tb.Type, _current.Name + "/x"), tb);
        }
        else if (b is RangeValue { IsExact: true } eb && a is TensorValue ta && eb.Shape1.AsSpan().SequenceEqual(eb.Shape2))
        {
            return Binary2(kind, ta, AsTensor(eb, ta.Type, _current.Name + "/y"));
        }
        else
        {
            throw NotSupported("a random value (RandomUniform) is combined with a run-time tensor; only dropout with keep probability 1 can be folded");
        }

        (double lo, double hi) = kind switch
        {
            BinaryKind.Add => (r.Lo + c, r.Hi + c),
            BinaryKind.Sub when rangeLeft => (r.Lo - c, r.Hi - c),
            BinaryKind.Mul when c >= 0 => (r.Lo * c, r.Hi * c),
            BinaryKind.Div when rangeLeft && c > 0 => (r.Lo / c, r.Hi / c),
            _ => throw NotSupported("a random value (RandomUniform) is used in arithmetic the converter cannot bound"),
        };
        return new RangeValue(lo, hi, r.Type, r.Shape1, r.Shape2);
    }

    private TensorValue Binary2(BinaryKind kind, TensorValue lhs, TensorValue rhs)
    {
        var s1 = ConstTensor.BroadcastShape(lhs.Shape1, rhs.Shape1) ?? throw ShapeError(0, "shapes do not broadcast");
        var s2 = ConstTensor.BroadcastShape(lhs.Shape2, rhs.Shape2) ?? throw ShapeError(1, "shapes do not broadcast");
        var op = kind switch
        {
            BinaryKind.Add => BuiltinOperator.ADD,
            BinaryKind.Sub => BuiltinOperator.SUB,
            BinaryKind.Mul => BuiltinOperator.MUL,
            BinaryKind.Div => BuiltinOperator.DIV,
            BinaryKind.Max => BuiltinOperator.MAXIMUM,
            _ => BuiltinOperator.MINIMUM,
        };
        return Emit(op, [lhs.Tensor, rhs.Tensor], lhs.Type, s1, s2, OperatorOptions.For(op));
    }

    private ConvValue Activation(FlatNode n, ActivationFunctionType fused, BuiltinOperator op, Func<double, double> f)
    {
        var x = In(n, 0);
        switch (x)
        {
            case ConstValue c:
                return new ConstValue(c.A.Map(f), c.B?.Map(f));
            case RangeValue { IsExact: true } r:
                return new RangeValue(f(r.Lo), f(r.Lo), r.Type, r.Shape1, r.Shape2);
            case TensorValue t:
                if (fused != ActivationFunctionType.NONE && t.Producer is { CanFuseActivation: true } p && Fusable(n, 0, t))
                {
                    p.Op.BuiltinOptions!["fused_activation_function"] = (sbyte)fused;
                    return Fused(t);
                }

                return Emit(op, [t.Tensor], t.Type, t.Shape1, t.Shape2, OperatorOptions.For(op));
            default:
                throw NotSupported("a random value (RandomUniform) is used where it cannot be folded");
        }
    }

    private ConvValue FloorNode(FlatNode n)
    {
        var x = In(n, 0);
        if (x is RangeValue r)
        {
            double lo = Math.Floor(r.Lo);
            if (r.IsExact || Math.Ceiling(r.Hi) - 1 <= lo) return new RangeValue(lo, lo, r.Type, r.Shape1, r.Shape2);
            throw NotSupported("floor of a random value (dropout with a keep probability below 1) cannot be folded; export the model for inference (keep probability 1)");
        }

        return Activation(n, ActivationFunctionType.NONE, BuiltinOperator.FLOOR, Math.Floor);
    }

    private ConvValue SoftmaxNode(FlatNode n)
    {
        var x = AsTensor(In(n, 0), TfDataType.Float, n.Name + "/x");
        if (x.Rank < 1) throw NotSupported("Softmax of a scalar");
        var opts = OperatorOptions.For(BuiltinOperator.SOFTMAX)!;
        opts["beta"] = 1.0f;
        return Emit(BuiltinOperator.SOFTMAX, [x.Tensor], x.Type, x.Shape1, x.Shape2, opts);
    }

    private ConvValue RandomUniform(FlatNode n)
    {
        if (In(n, 0) is not ConstValue shape) throw NotSupported("the shape of the random tensor is not known");
        var type = TypeAttr(n, "dtype", TfDataType.Float);
        return new RangeValue(0, 1, type, shape.A.ToInt32s(), shape.Probe(1).ToInt32s());
    }
}
