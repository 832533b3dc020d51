using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>LEAKY_RELU: float, and int8/uint8/int16 with separate identity and alpha multipliers (TFLite QuantizeLeakyRelu).</summary>
internal sealed class LeakyReluOperator : UnaryOperator
{
    private float _alpha;
    private int _multAlpha, _shiftAlpha, _multIdentity, _shiftIdentity;
    private bool _xnnpack;
    private int _positive, _negative;

    protected override void PrepareTypes(KernelContext ctx, RuntimeTensor input, RuntimeTensor output)
    {
        RequireSameType(ctx, input, output);
        _alpha = ctx.GetFloat("alpha");
        switch (input.Type)
        {
            case TensorType.Float32:
                break;
            case TensorType.Int8 or TensorType.UInt8 or TensorType.Int16:
                ctx.Require(input.IsQuantized && output.IsQuantized, "quantized LEAKY_RELU needs quantization parameters");
                float alphaMultiplier = input.Scale * _alpha / output.Scale;
                IntegerArithmetic.QuantizeMultiplier(alphaMultiplier, out _multAlpha, out _shiftAlpha);
                IntegerArithmetic.QuantizeMultiplier((double)(input.Scale / output.Scale), out _multIdentity, out _shiftIdentity);
                if (ctx.LiteRtArithmetic && input.Type != TensorType.Int16)
                {
                    // XNNPACK's qs8/qu8 vlrelu: 8-bit fixed-point multipliers round(256·s_in/s_out) and round(256·s_in/s_out·alpha).
                    float positive = input.Scale / output.Scale, negative = positive * _alpha;
                    _xnnpack = positive >= 1f / 256 && positive <= 128f && negative <= 128f && negative >= -127.99609375f && Math.Abs(negative) >= 1f / 256;
                    _positive = (int)MathF.Round(256f * positive);
                    _negative = (int)MathF.Round(256f * negative);
                }

                break;
            default:
                throw ctx.NotSupported($"LEAKY_RELU of {TensorTypeInfo.ShortName(input.Type)}");
        }
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        switch (input.Type)
        {
            case TensorType.Float32:
                {
                    var x = input.Read<float>();
                    var y = output.Write<float>();
                    for (int i = 0; i < x.Length; i++) y[i] = x[i] > 0 ? x[i] : x[i] * _alpha;
                    break;
                }

            case TensorType.Int8: Quantized(input.Read<sbyte>(), output.Write<sbyte>(), input.ZeroPoint, output.ZeroPoint, sbyte.MinValue, sbyte.MaxValue); break;
            case TensorType.UInt8: Quantized(input.Read<byte>(), output.Write<byte>(), input.ZeroPoint, output.ZeroPoint, 0, 255); break;
            case TensorType.Int16: Quantized(input.Read<short>(), output.Write<short>(), input.ZeroPoint, output.ZeroPoint, short.MinValue, short.MaxValue); break;
        }
    }

    private void Quantized<T>(ReadOnlySpan<T> x, Span<T> y, int inZp, int outZp, int qmin, int qmax) where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        if (_xnnpack)
        {
            int bias = (outZp << 8) + 0x80;
            for (int i = 0; i < x.Length; i++)
            {
                int v = int.CreateTruncating(x[i]) - inZp;
                int r = (bias + v * (v >= 0 ? _positive : _negative)) >> 8;
                y[i] = T.CreateTruncating(IntegerArithmetic.Clamp(r, qmin, qmax));
            }

            return;
        }

        bool negative = _multAlpha < 0;
        int safeAlpha = negative ? -_multAlpha : _multAlpha;
        for (int i = 0; i < x.Length; i++)
        {
            int v = int.CreateTruncating(x[i]) - inZp;
            int r = outZp;
            if (v >= 0)
            {
                r += IntegerArithmetic.MultiplyByQuantizedMultiplier(v, _multIdentity, _shiftIdentity);
            }
            else
            {
                int s = IntegerArithmetic.MultiplyByQuantizedMultiplier(v, safeAlpha, _shiftAlpha);
                r += negative ? -s : s;
            }

            y[i] = T.CreateTruncating(IntegerArithmetic.Clamp(r, qmin, qmax));
        }
    }
}
