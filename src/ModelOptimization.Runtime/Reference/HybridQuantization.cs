namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// The run-time input quantization of TFLite's hybrid (dynamic-range) kernels: symmetric
/// (PortableSymmetricQuantizeFloats) and asymmetric (PortableAsymmetricQuantizeFloats) to int8.
/// </summary>
internal static class HybridQuantization
{
    /// <summary>scale = max|x| / 127, q = round(x / scale) clamped to ±127 (all-zero input: scale 1, q 0).</summary>
    public static void Symmetric(ReadOnlySpan<float> values, Span<sbyte> quantized, out float scale)
    {
        float min = float.MaxValue, max = float.MinValue;
        foreach (float v in values)
        {
            if (v < min) min = v;
            if (v > max) max = v;
        }

        if (values.IsEmpty)
        {
            min = max = 0;
        }

        float range = Math.Max(Math.Abs(min), Math.Abs(max));
        if (range == 0)
        {
            quantized.Clear();
            scale = 1;
            return;
        }

        scale = range / 127;
        float inv = 127 / range;
        for (int i = 0; i < values.Length; i++)
        {
            int q = (int)IntegerArithmetic.Round(values[i] * inv);
            quantized[i] = (sbyte)Math.Min(127, Math.Max(-127, q));
        }
    }

    /// <summary>Asymmetric int8 over [min(0, x), max(0, x)] with a nudged zero point, as TFLite computes it (in double).</summary>
    public static void Asymmetric(ReadOnlySpan<float> values, Span<sbyte> quantized, out float scale, out int offset)
    {
        const int qmin = -128, qmax = 127;
        float vmin = float.MaxValue, vmax = float.MinValue;
        foreach (float v in values)
        {
            if (v < vmin) vmin = v;
            if (v > vmax) vmax = v;
        }

        double rmin = Math.Min(0f, values.IsEmpty ? 0f : vmin);
        double rmax = Math.Max(0f, values.IsEmpty ? 0f : vmax);
        if (rmin == rmax)
        {
            quantized.Clear();
            scale = 1;
            offset = 0;
            return;
        }

        double s = (rmax - rmin) / (qmax - qmin);
        double zpFromMin = qmin - rmin / s;
        double zpFromMax = qmax - rmax / s;
        double zpFromMinError = Math.Abs(qmin) + Math.Abs(rmin / s);
        double zpFromMaxError = Math.Abs(qmax) + Math.Abs(rmax / s);
        double zp = zpFromMinError < zpFromMaxError ? zpFromMin : zpFromMax;
        int nudged = zp <= qmin ? qmin : zp >= qmax ? qmax : (int)Math.Round(zp, MidpointRounding.AwayFromZero);
        scale = (float)s;
        offset = nudged;
        float inv = 1.0f / scale;
        for (int i = 0; i < values.Length; i++)
        {
            int q = (int)IntegerArithmetic.Round(offset + values[i] * inv);
            quantized[i] = (sbyte)Math.Min(qmax, Math.Max(qmin, q));
        }
    }
}
