namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// XNNPACK's dynamic ("qd8") input quantization, which the LiteRT XNNPACK delegate uses for hybrid CONV_2D (one
/// set of parameters per batch image) and FULLY_CONNECTED (one per row): asymmetric int8 over
/// [min(0, x), max(0, x)] with float arithmetic, a zero point rounded half to even, and x·(255/range) rounded half
/// to even. The GEMM then computes ((float)Σ(q - zp)·w · inputScale) · filterScale + bias.
/// </summary>
internal static class XnnpackDynamicQuantization
{
    /// <summary>Quantizes one row; <paramref name="inputScale"/> is the dequantization scale (1 / (255/range)).</summary>
    public static void Quantize(ReadOnlySpan<float> x, Span<sbyte> q, out float inputScale, out int zeroPoint)
    {
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (float v in x)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        const float qmin = sbyte.MinValue, qmax = sbyte.MaxValue;
        float rmin = Math.Min(0f, min), rmax = Math.Max(0f, max);
        float scale = rmin == rmax ? 1f : (qmax - qmin) / (rmax - rmin);
        float descaledMin = rmin * scale, descaledMax = rmax * scale;
        float zeroPointFromMinError = qmin + descaledMin;
        float zeroPointFromMaxError = qmax + descaledMax;
        float zp = zeroPointFromMinError + zeroPointFromMaxError > 0 ? qmin - descaledMin : qmax - descaledMax;
        zp = Math.Min(Math.Max(zp, qmin), qmax);
        zeroPoint = (int)MathF.Round(zp, MidpointRounding.ToEven);
        inputScale = 1f / scale;
        float lo = sbyte.MinValue - zeroPoint, hi = sbyte.MaxValue - zeroPoint;
        for (int i = 0; i < x.Length; i++)
        {
            float v = Math.Min(Math.Max(x[i] * scale, lo), hi);
            q[i] = (sbyte)((int)MathF.Round(v, MidpointRounding.ToEven) + zeroPoint);
        }
    }

    /// <summary>The qd8 × qc8w fully connected layer: rows quantized one by one, int32 dot products, float epilogue.</summary>
    public static void FullyConnected(ReadOnlySpan<float> input, ReadOnlySpan<sbyte> weights, ReadOnlySpan<float> weightScales,
        ReadOnlySpan<float> bias, Span<float> output, int batches, int units, int depth, float min, float max, Span<sbyte> scratch)
    {
        var q = scratch[..depth];
        for (int b = 0; b < batches; b++)
        {
            Quantize(input.Slice(b * depth, depth), q, out float inputScale, out int zeroPoint);
            for (int u = 0; u < units; u++)
            {
                var w = weights.Slice(u * depth, depth);
                int acc = 0;
                for (int k = 0; k < depth; k++) acc += (q[k] - zeroPoint) * w[k];
                float v = acc * inputScale * weightScales[weightScales.Length > 1 ? u : 0];
                if (!bias.IsEmpty) v += bias[u];
                output[b * units + u] = Math.Min(Math.Max(v, min), max);
            }
        }
    }
}
