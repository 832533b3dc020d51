using System.Numerics;

namespace ModelOptimization.Runtime.Reference;

internal static partial class ReferenceKernels
{
    /// <summary>Float FULLY_CONNECTED: out[b, u] = clamp(Σ_k in[b, k] · w[u, k] + bias[u]).</summary>
    public static void FullyConnectedFloat(ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        Span<float> output, int batches, int units, int depth, float min, float max)
    {
        for (int b = 0; b < batches; b++)
        {
            var x = input.Slice(b * depth, depth);
            for (int u = 0; u < units; u++)
            {
                var w = weights.Slice(u * depth, depth);
                float acc = 0;
                for (int k = 0; k < depth; k++) acc += x[k] * w[k];
                if (!bias.IsEmpty) acc += bias[u];
                output[b * units + u] = Math.Min(Math.Max(acc, min), max);
            }
        }
    }

    /// <summary>Quantized FULLY_CONNECTED (int8 per-tensor/per-channel, uint8): int32 accumulation then requantization.</summary>
    public static void FullyConnectedQuantized<TIn, TW, TOut, TR>(ReadOnlySpan<TIn> input, int inputOffset, ReadOnlySpan<TW> weights, int weightsOffset,
        ReadOnlySpan<int> bias, TR requantizer, Span<TOut> output, int batches, int units, int depth)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TW : unmanaged, IBinaryInteger<TW>
        where TOut : unmanaged, IBinaryInteger<TOut>
        where TR : struct, IRequantizer
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

    /// <summary>int16x8 FULLY_CONNECTED: int64 accumulation, int64 bias.</summary>
    public static void FullyConnectedInt16x8(ReadOnlySpan<short> input, ReadOnlySpan<sbyte> weights, ReadOnlySpan<long> bias,
        ReadOnlySpan<int> multiplier, ReadOnlySpan<int> shift, int actMin, int actMax, Span<short> output, int batches, int units, int depth)
    {
        for (int b = 0; b < batches; b++)
        {
            for (int u = 0; u < units; u++)
            {
                long acc = 0;
                for (int k = 0; k < depth; k++) acc += (long)weights[u * depth + k] * input[b * depth + k];
                if (!bias.IsEmpty) acc += bias[u];
                int c = multiplier.Length > 1 ? u : 0;
                int scaled = IntegerArithmetic.MultiplyByQuantizedMultiplier(acc, multiplier[c], shift[c]);
                output[b * units + u] = (short)IntegerArithmetic.Clamp(scaled, actMin, actMax);
            }
        }
    }

    /// <summary>
    /// Hybrid FULLY_CONNECTED (TFLite EvalHybridDense with the portable MatrixBatchVectorMultiplyAccumulate): each
    /// batch row quantized (symmetric, or asymmetric with an offset), out = bias + dot · (rowScale · weightScale[u]),
    /// dot corrected by Σ_k w · offset for asymmetric rows.
    /// </summary>
    public static void FullyConnectedHybrid(ReadOnlySpan<float> input, ReadOnlySpan<sbyte> weights, ReadOnlySpan<float> weightScales,
        ReadOnlySpan<float> bias, Span<float> output, int batches, int units, int depth, bool asymmetric, float min, float max)
    {
        var q = new sbyte[depth];
        var rowSums = new int[units];
        for (int u = 0; u < units; u++)
        {
            int s = 0;
            for (int k = 0; k < depth; k++) s += weights[u * depth + k];
            rowSums[u] = s;
        }

        for (int b = 0; b < batches; b++)
        {
            var x = input.Slice(b * depth, depth);
            float scale;
            int offset = 0;
            if (asymmetric) HybridQuantization.Asymmetric(x, q, out scale, out offset);
            else HybridQuantization.Symmetric(x, q, out scale);
            for (int u = 0; u < units; u++)
            {
                int dot = 0;
                for (int k = 0; k < depth; k++) dot += weights[u * depth + k] * q[k];
                dot -= rowSums[u] * offset;
                float s = scale * weightScales[weightScales.Length > 1 ? u : 0];
                float v = (bias.IsEmpty ? 0f : bias[u]) + dot * s;
                output[b * units + u] = Math.Min(Math.Max(v, min), max);
            }
        }
    }
}
