using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// L2_NORMALIZATION over the last dimension: float x / max(‖x‖₂, 1e-6); int8 (output scale 1/128, zero point 0)
/// and uint8 (1/128, 128) with TFLite's fixed-point inverse square root of the integer sum of squares.
/// </summary>
internal sealed class L2NormalizationOperator : UnaryOperator
{
    protected override void PrepareTypes(KernelContext ctx, RuntimeTensor input, RuntimeTensor output)
    {
        RequireSameType(ctx, input, output);
        ctx.Require(ctx.FusedActivation == Core.Tflite.ActivationFunctionType.NONE, "fused activations");
        switch (input.Type)
        {
            case TensorType.Float32:
                break;
            case TensorType.Int8 or TensorType.UInt8:
                ctx.Require(input.IsQuantized && output.IsQuantized, "quantized L2_NORMALIZATION needs quantization parameters");
                ctx.Require(output.Scale == 1f / 128 && output.ZeroPoint == (input.Type == TensorType.Int8 ? 0 : 128),
                    $"quantized L2_NORMALIZATION needs an output scale of 1/128 and zero point {(input.Type == TensorType.Int8 ? 0 : 128)}");
                break;
            default:
                throw ctx.NotSupported($"L2_NORMALIZATION of {TensorTypeInfo.ShortName(input.Type)}");
        }
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        int depth = Math.Max(1, input.Dim(-1));
        switch (input.Type)
        {
            case TensorType.Int8: Quantized(input.Read<sbyte>(), ctx.Output(0).Write<sbyte>(), depth, input.ZeroPoint, int8: true); return;
            case TensorType.UInt8: Quantized(input.Read<byte>(), ctx.Output(0).Write<byte>(), depth, input.ZeroPoint, int8: false); return;
        }

        var x = input.Read<float>();
        var y = ctx.Output(0).Write<float>();
        for (int r = 0; r < x.Length / depth; r++)
        {
            float sum = 0;
            for (int c = 0; c < depth; c++) sum += x[r * depth + c] * x[r * depth + c];
            float norm = Math.Max(MathF.Sqrt(sum), 1e-6f);
            for (int c = 0; c < depth; c++) y[r * depth + c] = x[r * depth + c] / norm;
        }
    }

    private static void Quantized<T>(ReadOnlySpan<T> x, Span<T> y, int depth, int zeroPoint, bool int8) where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        for (int r = 0; r < x.Length / depth; r++)
        {
            var xr = x.Slice(r * depth, depth);
            var yr = y.Slice(r * depth, depth);
            int sum = 0;
            foreach (var v in xr)
            {
                int d = int.CreateTruncating(v) - zeroPoint;
                sum += d * d;
            }

            InverseSqrt.QuantizedMultiplierExp(sum, -1, out int multiplier, out int shift);
            for (int c = 0; c < depth; c++)
            {
                int d = int.CreateTruncating(xr[c]) - zeroPoint;
                int o = int8
                    ? Math.Clamp(IntegerArithmetic.MultiplyByQuantizedMultiplier(d, multiplier, shift + 7), sbyte.MinValue, sbyte.MaxValue)
                    : Math.Clamp(128 + (shift <= 0
                        ? IntegerArithmetic.MultiplyByQuantizedMultiplierSmallerThanOneExp(128 * d, multiplier, shift)
                        : IntegerArithmetic.MultiplyByQuantizedMultiplier(128 * d, multiplier, shift)), 0, 255);
                yr[c] = T.CreateTruncating(o);
            }
        }
    }
}
