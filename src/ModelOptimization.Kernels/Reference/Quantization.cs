namespace ModelOptimization.Kernels.Reference;

/// <summary>
/// Scalar quantization kernels as TFLite's reference_ops (quantize.h AffineQuantize, dequantize.h, requantize.h) and
/// portable_tensor_utils (Symmetric/AsymmetricQuantizeFloats): the specification of <see cref="Kernels.Quantization"/>.
/// </summary>
public static class Quantization
{
    /// <summary>q = clamp(round_half_away(x / scale) + zeroPoint, −128, 127); NaN gives the zero point.</summary>
    public static void QuantizeFloatToInt8(ReadOnlySpan<float> input, Span<sbyte> output, float scale, int zeroPoint)
    {
        for (int i = 0; i < input.Length; i++) output[i] = (sbyte)Quantize(input[i], scale, zeroPoint, sbyte.MinValue, sbyte.MaxValue);
    }

    public static void QuantizeFloatToUInt8(ReadOnlySpan<float> input, Span<byte> output, float scale, int zeroPoint)
    {
        for (int i = 0; i < input.Length; i++) output[i] = (byte)Quantize(input[i], scale, zeroPoint, byte.MinValue, byte.MaxValue);
    }

    public static void QuantizeFloatToInt16(ReadOnlySpan<float> input, Span<short> output, float scale, int zeroPoint)
    {
        for (int i = 0; i < input.Length; i++) output[i] = (short)Quantize(input[i], scale, zeroPoint, short.MinValue, short.MaxValue);
    }

    /// <summary>
    /// TFLite: unclamped = (int32)TfLiteRound(val / scale) + zero_point, clamped to [min, max]. Computed in float so a
    /// value beyond int32 saturates instead of wrapping (where C++ is undefined).
    /// </summary>
    internal static int Quantize(float x, float scale, int zeroPoint, int min, int max)
    {
        float r = MathF.Round(x / scale, MidpointRounding.AwayFromZero);
        if (float.IsNaN(r)) r = 0f;
        float v = r + zeroPoint;
        if (v <= min) return min;
        if (v >= max) return max;
        return (int)v;
    }

    /// <summary>out = (float)(scale · (q − zeroPoint)) with the product in double, as TFLite's Dequantize.</summary>
    public static void DequantizeInt8(ReadOnlySpan<sbyte> input, Span<float> output, float scale, int zeroPoint)
    {
        for (int i = 0; i < input.Length; i++) output[i] = (float)((double)scale * (input[i] - zeroPoint));
    }

    public static void DequantizeUInt8(ReadOnlySpan<byte> input, Span<float> output, float scale, int zeroPoint)
    {
        for (int i = 0; i < input.Length; i++) output[i] = (float)((double)scale * (input[i] - zeroPoint));
    }

    public static void DequantizeInt16(ReadOnlySpan<short> input, Span<float> output, float scale, int zeroPoint)
    {
        for (int i = 0; i < input.Length; i++) output[i] = (float)((double)scale * (input[i] - zeroPoint));
    }

    public static void DequantizeInt32(ReadOnlySpan<int> input, Span<float> output, float scale, int zeroPoint)
    {
        for (int i = 0; i < input.Length; i++) output[i] = (float)((double)scale * unchecked(input[i] - zeroPoint));
    }

    /// <summary>
    /// TFLite reference_ops::Requantize: out = clamp(MultiplyByQuantizedMultiplier(q − inZp, mult, shift) + outZp) to
    /// the output type (int8 ↔ uint8 with the same scale and a zero-point difference of 128 is x ^ 0x80, the same value).
    /// </summary>
    public static void Requantize(ReadOnlySpan<sbyte> input, int effectiveScaleMultiplier, int effectiveScaleShift,
        int inputZeroPoint, int outputZeroPoint, Span<byte> output)
    {
        for (int i = 0; i < input.Length; i++)
            output[i] = (byte)Requantize(input[i], effectiveScaleMultiplier, effectiveScaleShift, inputZeroPoint, outputZeroPoint, 0, 255);
    }

    public static void Requantize(ReadOnlySpan<byte> input, int effectiveScaleMultiplier, int effectiveScaleShift,
        int inputZeroPoint, int outputZeroPoint, Span<sbyte> output)
    {
        for (int i = 0; i < input.Length; i++)
            output[i] = (sbyte)Requantize(input[i], effectiveScaleMultiplier, effectiveScaleShift, inputZeroPoint, outputZeroPoint, -128, 127);
    }

    public static void Requantize(ReadOnlySpan<sbyte> input, int effectiveScaleMultiplier, int effectiveScaleShift,
        int inputZeroPoint, int outputZeroPoint, Span<sbyte> output)
    {
        for (int i = 0; i < input.Length; i++)
            output[i] = (sbyte)Requantize(input[i], effectiveScaleMultiplier, effectiveScaleShift, inputZeroPoint, outputZeroPoint, -128, 127);
    }

    public static void Requantize(ReadOnlySpan<byte> input, int effectiveScaleMultiplier, int effectiveScaleShift,
        int inputZeroPoint, int outputZeroPoint, Span<byte> output)
    {
        for (int i = 0; i < input.Length; i++)
            output[i] = (byte)Requantize(input[i], effectiveScaleMultiplier, effectiveScaleShift, inputZeroPoint, outputZeroPoint, 0, 255);
    }

    internal static int Requantize(int q, int multiplier, int shift, int inputZeroPoint, int outputZeroPoint, int min, int max)
    {
        int output = FixedPoint.MultiplyByQuantizedMultiplier(q - inputZeroPoint, multiplier, shift) + outputZeroPoint;
        return Math.Max(Math.Min(output, max), min);
    }

    /// <summary>
    /// TFLite SymmetricQuantizeFloats: range = max(|min|, |max|); range 0 gives zeros and scale 1; otherwise
    /// scale = range / 127, q = clamp(round_half_away(x · (127 / range)), −127, 127).
    /// </summary>
    public static void QuantizeRowSymmetric(ReadOnlySpan<float> values, Span<sbyte> quantized, out float scale)
    {
        float min = values.IsEmpty ? 0f : values[0], max = min;
        foreach (float v in values)
        {
            if (v < min) min = v;
            if (max < v) max = v;
        }

        const int kScale = 127;
        float range = MathF.Max(MathF.Abs(min), MathF.Abs(max));
        if (range == 0f)
        {
            quantized.Slice(0, values.Length).Clear();
            scale = 1f;
            return;
        }

        scale = range / kScale;
        float inverse = kScale / range;
        for (int i = 0; i < values.Length; i++)
        {
            int q = (int)MathF.Round(values[i] * inverse, MidpointRounding.AwayFromZero);
            quantized[i] = (sbyte)Math.Min(kScale, Math.Max(-kScale, q));
        }
    }

    /// <summary>
    /// TFLite AsymmetricQuantizeFloats: rmin = min(0, min), rmax = max(0, max) (double); equal gives zeros, scale 1,
    /// offset 0; otherwise scale = (rmax − rmin) / 255, the zero point with the smaller error from min or max, nudged
    /// into [−128, 127] and rounded; q = clamp(round_half_away(offset + x · (float)(1 / scale)), −128, 127).
    /// </summary>
    public static void QuantizeRowAsymmetric(ReadOnlySpan<float> values, Span<sbyte> quantized, out float scale, out int offset)
    {
        const int kMinScale = -128, kMaxScale = 127;
        const double qmin = kMinScale, qmax = kMaxScale;
        float min = values.IsEmpty ? 0f : values[0], max = min;
        foreach (float v in values)
        {
            if (v < min) min = v;
            if (max < v) max = v;
        }

        double rmin = Math.Min(0.0, min);
        double rmax = Math.Max(0.0, max);
        if (rmin == rmax)
        {
            quantized.Slice(0, values.Length).Clear();
            scale = 1f;
            offset = 0;
            return;
        }

        double s = (rmax - rmin) / (qmax - qmin);
        double zeroPointFromMin = qmin - rmin / s;
        double zeroPointFromMax = qmax - rmax / s;
        double zeroPointFromMinError = Math.Abs(qmin) + Math.Abs(rmin / s);
        double zeroPointFromMaxError = Math.Abs(qmax) + Math.Abs(rmax / s);
        double zeroPoint = zeroPointFromMinError < zeroPointFromMaxError ? zeroPointFromMin : zeroPointFromMax;
        int nudged;
        if (zeroPoint <= qmin) nudged = kMinScale;
        else if (zeroPoint >= qmax) nudged = kMaxScale;
        else nudged = (int)Math.Round(zeroPoint, MidpointRounding.AwayFromZero);
        scale = (float)s;
        offset = nudged;
        float inverse = (float)(1.0 / scale);
        for (int i = 0; i < values.Length; i++)
        {
            int q = (int)MathF.Round(offset + values[i] * inverse, MidpointRounding.AwayFromZero);
            quantized[i] = (sbyte)Math.Min(kMaxScale, Math.Max(kMinScale, q));
        }
    }

    /// <summary>IEEE binary16 → float (exact).</summary>
    public static void Float16ToFloat(ReadOnlySpan<Half> input, Span<float> output)
    {
        for (int i = 0; i < input.Length; i++) output[i] = (float)input[i];
    }

    /// <summary>float → IEEE binary16, round to nearest even; overflow gives ±∞, NaN stays NaN.</summary>
    public static void FloatToFloat16(ReadOnlySpan<float> input, Span<Half> output)
    {
        for (int i = 0; i < input.Length; i++) output[i] = (Half)input[i];
    }

    /// <summary>bfloat16 (the upper 16 bits of a float, given as raw bits) → float (exact).</summary>
    public static void BFloat16ToFloat(ReadOnlySpan<ushort> input, Span<float> output)
    {
        for (int i = 0; i < input.Length; i++) output[i] = BitConverter.UInt32BitsToSingle((uint)input[i] << 16);
    }

    /// <summary>float → bfloat16 bits, round to nearest even; NaN becomes a quiet NaN with the same sign.</summary>
    public static void FloatToBFloat16(ReadOnlySpan<float> input, Span<ushort> output)
    {
        for (int i = 0; i < input.Length; i++)
        {
            uint bits = BitConverter.SingleToUInt32Bits(input[i]);
            if (float.IsNaN(input[i]))
            {
                output[i] = (ushort)((bits >> 16) | 0x0040);
                continue;
            }

            uint roundingBias = 0x7FFF + ((bits >> 16) & 1);
            output[i] = (ushort)((bits + roundingBias) >> 16);
        }
    }
}
