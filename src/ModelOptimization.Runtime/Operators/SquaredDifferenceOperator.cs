using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// SQUARED_DIFFERENCE: (a - b)² with broadcasting for float/int32 (via <see cref="ElementwiseBinaryOperator"/>'s
/// arithmetic) and int8 with TFLite's left-shift-7 rescaling of both inputs and a final requantization.
/// </summary>
internal sealed class SquaredDifferenceOperator : BinaryOperator
{
    private QuantizedSquaredDifference _quantized;

    protected override void PrepareTypes(KernelContext ctx, RuntimeTensor a, RuntimeTensor b, RuntimeTensor o)
    {
        RequireSameTypes(ctx, a, b, o);
        if (a.Type is TensorType.Float32 or TensorType.Int32 or TensorType.Int64) return;
        ctx.Require(a.Type == TensorType.Int8 && a.IsQuantized && b.IsQuantized && o.IsQuantized,
            $"SQUARED_DIFFERENCE of {TensorTypeInfo.ShortName(a.Type)}");
        const int leftShift = 7;
        double twiceMaxInputScale = 2 * Math.Max(a.Scale, b.Scale);
        double realOutputMultiplier = twiceMaxInputScale * twiceMaxInputScale / ((1 << (leftShift * 2)) * o.Scale);
        IntegerArithmetic.QuantizeMultiplierSmallerThanOneExp(a.Scale / twiceMaxInputScale, out int m1, out int s1);
        IntegerArithmetic.QuantizeMultiplierSmallerThanOneExp(b.Scale / twiceMaxInputScale, out int m2, out int s2);
        IntegerArithmetic.QuantizeMultiplierSmallerThanOneExp(realOutputMultiplier, out int mo, out int so);
        _quantized = new QuantizedSquaredDifference(-a.ZeroPoint, -b.ZeroPoint, o.ZeroPoint, leftShift, m1, s1, m2, s2, mo, so);
    }

    public override void Eval(KernelContext ctx)
    {
        switch (InputType)
        {
            case TensorType.Float32: Run<float, Squared<float>>(ctx, default); break;
            case TensorType.Int32: Run<int, Squared<int>>(ctx, default); break;
            case TensorType.Int64: Run<long, Squared<long>>(ctx, default); break;
            default: RunQuantized(ctx, _quantized); break;
        }
    }

    private readonly struct Squared<T> : IBinaryFunc<T, T, T> where T : System.Numerics.INumber<T>
    {
        public T Apply(T a, T b) => (a - b) * (a - b);
    }

    private readonly record struct QuantizedSquaredDifference(
        int Input1Offset, int Input2Offset, int OutputOffset, int LeftShift,
        int Input1Multiplier, int Input1Shift, int Input2Multiplier, int Input2Shift, int OutputMultiplier, int OutputShift)
        : IBinaryFunc<int, int, int>
    {
        public int Apply(int x, int y)
        {
            int a = (Input1Offset + x) * (1 << LeftShift);
            int b = (Input2Offset + y) * (1 << LeftShift);
            int scaledA = IntegerArithmetic.MultiplyByQuantizedMultiplierSmallerThanOneExp(a, Input1Multiplier, Input1Shift);
            int scaledB = IntegerArithmetic.MultiplyByQuantizedMultiplierSmallerThanOneExp(b, Input2Multiplier, Input2Shift);
            int diff = scaledA - scaledB;
            int raw = IntegerArithmetic.MultiplyByQuantizedMultiplierSmallerThanOneExp(diff * diff, OutputMultiplier, OutputShift) + OutputOffset;
            return Math.Clamp(raw, sbyte.MinValue, sbyte.MaxValue);
        }
    }
}
