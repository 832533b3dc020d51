using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>The comparison a <see cref="ComparisonOperator"/> computes.</summary>
internal enum ComparisonKind
{
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    Equal,
    NotEqual,
}

/// <summary>
/// LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, EQUAL, NOT_EQUAL with broadcasting, to bool: float, int32, int64,
/// bool (equality), and int8/uint8 rescaled to a common scale as TFLite's ComparisonWithScaling (left shift 8).
/// </summary>
internal sealed class ComparisonOperator(ComparisonKind kind) : OperatorKernel
{
    private BroadcastPlan _plan = null!;
    private int _m1, _s1, _m2, _s2;

    public override void Prepare(KernelContext ctx)
    {
        var a = ctx.Input(0);
        var b = ctx.Input(1);
        ctx.Require(a.Type == b.Type, "inputs differ in type");
        ctx.Require(ctx.Output(0).Type == TensorType.Bool, "the output must be bool");
        ctx.Require(a.Type is TensorType.Float32 or TensorType.Int32 or TensorType.Int64 or TensorType.Int8 or TensorType.UInt8 or TensorType.Int16
            || (a.Type == TensorType.Bool && kind is ComparisonKind.Equal or ComparisonKind.NotEqual), $"{ctx.OpName} of {TensorTypeInfo.ShortName(a.Type)}");
        _plan = BroadcastPlan.Create(a.Shape, b.Shape) ?? throw ctx.NotSupported("shapes do not broadcast");
        ctx.SetOutputShape(0, _plan.OutShape);
        if (a.Type is TensorType.Int8 or TensorType.UInt8 && a.IsQuantized && b.IsQuantized)
        {
            IntegerArithmetic.QuantizeMultiplier(a.Scale, out _m1, out _s1);
            IntegerArithmetic.QuantizeMultiplier(b.Scale, out _m2, out _s2);
        }
    }

    public override void Eval(KernelContext ctx)
    {
        var a = ctx.Input(0);
        var b = ctx.Input(1);
        var o = ctx.Output(0).Write<bool>();
        switch (a.Type)
        {
            case TensorType.Float32: _plan.Run(a.Read<float>(), b.Read<float>(), o, new Compare<float>(kind)); break;
            case TensorType.Int32: _plan.Run(a.Read<int>(), b.Read<int>(), o, new Compare<int>(kind)); break;
            case TensorType.Int64: _plan.Run(a.Read<long>(), b.Read<long>(), o, new Compare<long>(kind)); break;
            case TensorType.Int16: _plan.Run(a.Read<short>(), b.Read<short>(), o, new Compare<short>(kind)); break;
            case TensorType.Bool: _plan.Run(a.Read<byte>(), b.Read<byte>(), o, new Compare<byte>(kind)); break;
            case TensorType.Int8 or TensorType.UInt8:
                var sa = Scaled(a, _m1, _s1);
                var sb = Scaled(b, _m2, _s2);
                _plan.Run<int, int, bool, Compare<int>>(sa, sb, o, new Compare<int>(kind));
                break;
        }
    }

    private static int[] Scaled(RuntimeTensor t, int mult, int shift)
    {
        var r = new int[t.ElementCount];
        bool quantized = t.IsQuantized;
        for (int i = 0; i < r.Length; i++)
        {
            int v = t.Type == TensorType.Int8 ? t.Read<sbyte>()[i] : t.Read<byte>()[i];
            r[i] = quantized ? IntegerArithmetic.MultiplyByQuantizedMultiplierSmallerThanOneExp((v - t.ZeroPoint) * (1 << 8), mult, shift) : v;
        }

        return r;
    }

    private readonly struct Compare<T>(ComparisonKind kind) : IBinaryFunc<T, T, bool> where T : System.Numerics.INumber<T>
    {
        public bool Apply(T a, T b) => kind switch
        {
            ComparisonKind.Less => a < b,
            ComparisonKind.LessEqual => a <= b,
            ComparisonKind.Greater => a > b,
            ComparisonKind.GreaterEqual => a >= b,
            ComparisonKind.Equal => a == b,
            _ => a != b,
        };
    }
}
