using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// RELU, RELU6, RELU_N1_TO_1, RELU_0_TO_1: float clamp; quantized (int8/uint8/int16) as TFLite's ReluX:
/// rescale from input to output scale, then clamp to the quantized bounds.
/// </summary>
internal sealed class ReluOperator(float lower, float upper) : UnaryOperator
{
    private int _mult, _shift, _qmin, _qmax;

    protected override void PrepareTypes(KernelContext ctx, RuntimeTensor input, RuntimeTensor output)
    {
        RequireSameType(ctx, input, output);
        switch (input.Type)
        {
            case TensorType.Float32:
                break;
            case TensorType.Int8 or TensorType.UInt8 or TensorType.Int16:
                ctx.Require(input.IsQuantized && output.IsQuantized, "quantized RELU needs quantization parameters");
                IntegerArithmetic.QuantizeMultiplier((double)(input.Scale / output.Scale), out _mult, out _shift);
                var (tmin, tmax) = IntegerArithmetic.Range(input.Type);
                _qmin = Math.Max(tmin, output.ZeroPoint + (int)IntegerArithmetic.Round(lower / output.Scale));
                _qmax = float.IsPositiveInfinity(upper) ? tmax : Math.Min(tmax, output.ZeroPoint + (int)IntegerArithmetic.Round(upper / output.Scale));
                break;
            default:
                throw ctx.NotSupported($"{ctx.OpName} of {TensorTypeInfo.ShortName(input.Type)}");
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
                    for (int i = 0; i < x.Length; i++) y[i] = Math.Min(Math.Max(x[i], lower), upper);
                    break;
                }

            case TensorType.Int8: Quantized(input.Read<sbyte>(), output.Write<sbyte>(), input.ZeroPoint, output.ZeroPoint); break;
            case TensorType.UInt8: Quantized(input.Read<byte>(), output.Write<byte>(), input.ZeroPoint, output.ZeroPoint); break;
            case TensorType.Int16: Quantized(input.Read<short>(), output.Write<short>(), input.ZeroPoint, output.ZeroPoint); break;
        }
    }

    private void Quantized<T>(ReadOnlySpan<T> x, Span<T> y, int inZp, int outZp) where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        for (int i = 0; i < x.Length; i++)
        {
            int v = outZp + IntegerArithmetic.MultiplyByQuantizedMultiplier(int.CreateTruncating(x[i]) - inZp, _mult, _shift);
            y[i] = T.CreateTruncating(IntegerArithmetic.Clamp(v, _qmin, _qmax));
        }
    }
}
