namespace ModelOptimization.Optimization.Quantization;

/// <summary>
/// Scale and zero-point arithmetic of the TFLite quantization spec (tensorflow/lite/tools/optimize/quantization_utils.cc):
/// activations asymmetric with the range nudged to include 0, weights symmetric and narrow ([−127, 127] for int8),
/// biases int32 (int64 for 16x8) with scale = input scale × weight scale.
/// </summary>
internal static class QuantizationMath
{
    /// <summary>
    /// Smallest range width given to an activation or weight (AI Edge Quantizer's bound): a tensor that was always 0
    /// still gets a positive, finite scale.
    /// </summary>
    public const float MinRangeWidth = 1e-4f;

    /// <summary>
    /// TFLite's GetAsymmetricQuantizationParams: the range is widened to include 0, scale = (max − min) / (qmax − qmin),
    /// zero point = round(qmin − min / scale) clamped to [qmin, qmax] (round half away from zero, in float).
    /// </summary>
    public static (float Scale, long ZeroPoint) Asymmetric(float min, float max, int qmin, int qmax)
    {
        min = Math.Min(min, 0f);
        max = Math.Max(max, 0f);
        if (max - min < MinRangeWidth) max = min + MinRangeWidth;
        float qminF = qmin, qmaxF = qmax;
        float scale = (max - min) / (qmaxF - qminF);
        float zeroPointFromMin = qminF - min / scale;
        long zp = zeroPointFromMin < qminF ? qmin
            : zeroPointFromMin > qmaxF ? qmax
            : (long)MathF.Round(zeroPointFromMin, MidpointRounding.AwayFromZero);
        return (scale, zp);
    }

    /// <summary>Asymmetric parameters for a signed <paramref name="bits"/>-bit type, with its integer range.</summary>
    public static (float Scale, long ZeroPoint, int QMin, int QMax) AsymmetricParamsForBits(float min, float max, int bits)
    {
        int qmax = (1 << (bits - 1)) - 1, qmin = -(1 << (bits - 1));
        var (s, z) = Asymmetric(min, max, qmin, qmax);
        return (s, z, qmin, qmax);
    }

    /// <summary>Symmetric parameters (zero point 0, range ±(2^(bits−1) − 1)), as TFLite uses for int16 activations.</summary>
    public static (float Scale, long ZeroPoint, int QMin, int QMax) SymmetricActivationParams(float min, float max, int bits)
    {
        int qmax = (1 << (bits - 1)) - 1;
        float bound = Math.Max(Math.Max(Math.Abs(min), Math.Abs(max)), MinRangeWidth);
        return (bound / qmax, 0, -qmax, qmax);
    }

    /// <summary>The scale of a symmetric weight channel whose largest magnitude is <paramref name="absMax"/>.</summary>
    public static float SymmetricScale(float absMax, int qmax) => Math.Max(absMax, MinRangeWidth) / qmax;

    /// <summary>Round half away from zero (TFLite's TfLiteRound / std::round).</summary>
    public static double RoundAway(double x) => Math.Round(x, MidpointRounding.AwayFromZero);

    /// <summary>
    /// Quantizes a bias channel: round(bias / scale) clamped to ±(2^(bits−1) − 1) (int32) or the int64 range.
    /// </summary>
    public static long QuantizeBias(float bias, double scale, int bits)
    {
        double q = RoundAway(bias / scale);
        double limit = bits >= 64 ? long.MaxValue : (1L << (bits - 1)) - 1;
        if (q > limit) return (long)limit;
        if (q < -limit) return -(long)limit;
        return (long)q;
    }
}
