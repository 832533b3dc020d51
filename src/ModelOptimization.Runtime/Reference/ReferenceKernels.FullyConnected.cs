using System.Numerics;

namespace ModelOptimization.Runtime.Reference;

internal static partial class ReferenceKernels
{
    /// <summary>
    /// 8-bit FULLY_CONNECTED as LiteRT's XNNPACK delegate computes it when the weights are not constant (or the
    /// reference path is asked for): int32 accumulation of (in + inputOffset)(w + weightsOffset) + bias, then XNNPACK's
    /// fp32 requantization. Kept here rather than in Kernels.Reference: the TFLite built-in arithmetic (fixed-point
    /// MultiplyByQuantizedMultiplier) lives there, and this float requantization rounds differently, so it is a
    /// different specification, not a duplicate.
    /// </summary>
    public static void FullyConnectedXnnpack<TIn, TW, TOut>(ReadOnlySpan<TIn> input, int inputOffset, ReadOnlySpan<TW> weights, int weightsOffset,
        ReadOnlySpan<int> bias, FloatRequantizer requantizer, Span<TOut> output, int batches, int units, int depth)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TW : unmanaged, IBinaryInteger<TW>
        where TOut : unmanaged, IBinaryInteger<TOut>
    {
        for (int b = 0; b < batches; b++)
        {
            for (int u = 0; u < units; u++)
            {
                int acc = 0;
                for (int k = 0; k < depth; k++)
                {
                    acc += (int.CreateTruncating(weights[u * depth + k]) + weightsOffset) * (int.CreateTruncating(input[b * depth + k]) + inputOffset);
                }

                if (!bias.IsEmpty) acc += bias[u];
                output[b * units + u] = TOut.CreateTruncating(requantizer.Requantize(acc, u));
            }
        }
    }
}
