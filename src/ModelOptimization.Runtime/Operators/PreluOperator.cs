using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// PRELU: x ≥ 0 ? x : x · alpha with alpha broadcast to the input; float, and int8/uint8/int16 with TFLite's two
/// requantization multipliers (input/output for x ≥ 0, input·alpha/output otherwise).
/// </summary>
internal sealed class PreluOperator : BinaryOperator
{
    private QuantizedPrelu _quantized;

    protected override void PrepareTypes(KernelContext ctx, RuntimeTensor a, RuntimeTensor b, RuntimeTensor o)
    {
        ctx.Require(o.Type == a.Type, "input and output types differ");
        if (a.Type == TensorType.Float32)
        {
            ctx.Require(b.Type == TensorType.Float32, "alpha must be float32 for a float input");
            return;
        }

        ctx.Require(IsQuantizedType(a.Type) && b.Type == a.Type, $"PRELU of {TensorTypeInfo.ShortName(a.Type)} with {TensorTypeInfo.ShortName(b.Type)} alpha");
        ctx.Require(a.IsQuantized && b.IsQuantized && o.IsQuantized, "quantized PRELU needs quantization parameters");
        // TFLite computes both real multipliers in float.
        IntegerArithmetic.QuantizeMultiplier(a.Scale / o.Scale, out int m1, out int s1);
        IntegerArithmetic.QuantizeMultiplier(a.Scale * b.Scale / o.Scale, out int m2, out int s2);
        var (min, max) = IntegerArithmetic.Range(a.Type);
        _quantized = new QuantizedPrelu(-a.ZeroPoint, -b.ZeroPoint, o.ZeroPoint, m1, s1, m2, s2, min, max);
    }

    public override void Eval(KernelContext ctx)
    {
        if (InputType == TensorType.Float32) Run<float, Prelu>(ctx, default);
        else RunQuantized(ctx, _quantized);
    }

    private readonly struct Prelu : IBinaryFunc<float, float, float>
    {
        public float Apply(float x, float alpha) => x >= 0 ? x : x * alpha;
    }

    private readonly record struct QuantizedPrelu(int InputOffset, int AlphaOffset, int OutputOffset, int Multiplier1, int Shift1, int Multiplier2, int Shift2, int Min, int Max)
        : IBinaryFunc<int, int, int>
    {
        public int Apply(int x, int alpha)
        {
            int input = InputOffset + x;
            int output = input >= 0
                ? IntegerArithmetic.MultiplyByQuantizedMultiplier(input, Multiplier1, Shift1)
                : IntegerArithmetic.MultiplyByQuantizedMultiplier(input * (AlphaOffset + alpha), Multiplier2, Shift2);
            return Math.Clamp(output + OutputOffset, Min, Max);
        }
    }
}
