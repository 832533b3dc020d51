namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// FULLY_CONNECTED with float input and blockwise int4/int8 weights as the LiteRT XNNPACK delegate runs it
/// (qd8 × qb4w): each input row is quantized dynamically (<see cref="XnnpackDynamicQuantization.Quantize"/>), each
/// block accumulates Σ(q − zp)·(w − wzp) in int32, the block sums are scaled by their block scale and added in float,
/// and the result is multiplied by the row's input scale before the bias and the activation clamp.
/// </summary>
internal static class BlockwiseFullyConnected
{
    public static void Dynamic(ReadOnlySpan<float> input, BlockwiseWeights weights, ReadOnlySpan<float> bias, Span<float> output,
        int batches, float min, float max, Span<sbyte> scratch)
    {
        int units = weights.Rows, depth = weights.Columns, size = weights.BlockSize, blocks = weights.BlocksPerRow;
        var q = scratch[..depth];
        var w = weights.Values;
        for (int b = 0; b < batches; b++)
        {
            XnnpackDynamicQuantization.Quantize(input.Slice(b * depth, depth), q, out float inputScale, out int zeroPoint);
            for (int u = 0; u < units; u++)
            {
                float sum = 0;
                for (int k = 0; k < blocks; k++)
                {
                    int block = u * blocks + k, wzp = weights.ZeroPoints[block], start = k * size;
                    var wr = w.AsSpan(u * depth + start, size);
                    int acc = 0;
                    for (int i = 0; i < size; i++) acc += (q[start + i] - zeroPoint) * (wr[i] - wzp);
                    sum += acc * weights.Scales[block];
                }

                float v = sum * inputScale;
                if (!bias.IsEmpty) v += bias[u];
                output[b * units + u] = Math.Min(Math.Max(v, min), max);
            }
        }
    }
}
