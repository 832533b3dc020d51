using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace ModelOptimization.Kernels;

/// <summary>
/// Quantize, dequantize and requantize, TFLite semantics (reference_ops quantize.h, dequantize.h, requantize.h;
/// portable_tensor_utils for the hybrid row quantizers; tools/optimize for per-channel weights). Each method equals
/// its scalar twin in <see cref="Reference.Quantization"/> bit for bit.
/// </summary>
public static class Quantization
{
    private const int Chunk = 512;

    /// <summary>
    /// q = clamp(round_half_away(x / scale) + zeroPoint, −128, 127) (TFLite AffineQuantize with TfLiteRound);
    /// NaN gives the zero point; ±∞ saturates.
    /// </summary>
    public static void QuantizeFloatToInt8(ReadOnlySpan<float> input, Span<sbyte> output, float scale, int zeroPoint)
    {
        Guard.Length(output.Length, input.Length, nameof(output));
        Span<float> tmp = stackalloc float[Chunk];
        for (int i = 0; i < input.Length; i += Chunk)
        {
            int len = Math.Min(Chunk, input.Length - i);
            Span<float> t = tmp.Slice(0, len);
            if (HasNaN(input.Slice(i, len)))
            {
                Reference.Quantization.QuantizeFloatToInt8(input.Slice(i, len), output.Slice(i, len), scale, zeroPoint);
                continue;
            }

            RoundDivideAddZeroPoint(input.Slice(i, len), scale, zeroPoint, t);
            TensorPrimitives.ConvertSaturating<float, sbyte>(t, output.Slice(i, len));
        }
    }

    /// <summary>As <see cref="QuantizeFloatToInt8"/> with the range [0, 255].</summary>
    public static void QuantizeFloatToUInt8(ReadOnlySpan<float> input, Span<byte> output, float scale, int zeroPoint)
    {
        Guard.Length(output.Length, input.Length, nameof(output));
        Span<float> tmp = stackalloc float[Chunk];
        for (int i = 0; i < input.Length; i += Chunk)
        {
            int len = Math.Min(Chunk, input.Length - i);
            Span<float> t = tmp.Slice(0, len);
            if (HasNaN(input.Slice(i, len)))
            {
                Reference.Quantization.QuantizeFloatToUInt8(input.Slice(i, len), output.Slice(i, len), scale, zeroPoint);
                continue;
            }

            RoundDivideAddZeroPoint(input.Slice(i, len), scale, zeroPoint, t);
            TensorPrimitives.ConvertSaturating<float, byte>(t, output.Slice(i, len));
        }
    }

    /// <summary>As <see cref="QuantizeFloatToInt8"/> with the range [−32768, 32767].</summary>
    public static void QuantizeFloatToInt16(ReadOnlySpan<float> input, Span<short> output, float scale, int zeroPoint)
    {
        Guard.Length(output.Length, input.Length, nameof(output));
        Span<float> tmp = stackalloc float[Chunk];
        for (int i = 0; i < input.Length; i += Chunk)
        {
            int len = Math.Min(Chunk, input.Length - i);
            Span<float> t = tmp.Slice(0, len);
            if (HasNaN(input.Slice(i, len)))
            {
                Reference.Quantization.QuantizeFloatToInt16(input.Slice(i, len), output.Slice(i, len), scale, zeroPoint);
                continue;
            }

            RoundDivideAddZeroPoint(input.Slice(i, len), scale, zeroPoint, t);
            TensorPrimitives.ConvertSaturating<float, short>(t, output.Slice(i, len));
        }
    }

    /// <summary>t = round_half_away(x / scale) + zeroPoint in float: exact integers until the saturating conversion.</summary>
    private static void RoundDivideAddZeroPoint(ReadOnlySpan<float> x, float scale, int zeroPoint, Span<float> t)
    {
        TensorPrimitives.Divide(x, scale, t);
        TensorPrimitives.Round(t, MidpointRounding.AwayFromZero, t);
        TensorPrimitives.Add(t, (float)zeroPoint, t);
    }

    /// <summary>
    /// out = scale · (q − zeroPoint). TFLite multiplies in double and rounds once to float; for 8- and 16-bit inputs
    /// q − zeroPoint is exact in float, so one float multiply gives the same bits.
    /// </summary>
    public static void DequantizeInt8(ReadOnlySpan<sbyte> input, Span<float> output, float scale, int zeroPoint)
    {
        Guard.Length(output.Length, input.Length, nameof(output));
        Span<float> o = output.Slice(0, input.Length);
        TensorPrimitives.ConvertTruncating<sbyte, float>(input, o);
        TensorPrimitives.Add(o, -(float)zeroPoint, o);
        TensorPrimitives.Multiply(o, scale, o);
    }

    public static void DequantizeUInt8(ReadOnlySpan<byte> input, Span<float> output, float scale, int zeroPoint)
    {
        Guard.Length(output.Length, input.Length, nameof(output));
        Span<float> o = output.Slice(0, input.Length);
        TensorPrimitives.ConvertTruncating<byte, float>(input, o);
        TensorPrimitives.Add(o, -(float)zeroPoint, o);
        TensorPrimitives.Multiply(o, scale, o);
    }

    public static void DequantizeInt16(ReadOnlySpan<short> input, Span<float> output, float scale, int zeroPoint)
    {
        Guard.Length(output.Length, input.Length, nameof(output));
        Span<float> o = output.Slice(0, input.Length);
        TensorPrimitives.ConvertTruncating<short, float>(input, o);
        TensorPrimitives.Add(o, -(float)zeroPoint, o);
        TensorPrimitives.Multiply(o, scale, o);
    }

    /// <summary>int32 (e.g. biases): (float)((double)scale · (q − zeroPoint)), the difference wrapping as in TFLite.</summary>
    public static void DequantizeInt32(ReadOnlySpan<int> input, Span<float> output, float scale, int zeroPoint)
    {
        Guard.Length(output.Length, input.Length, nameof(output));
        Reference.Quantization.DequantizeInt32(input, output, scale, zeroPoint);
    }

    /// <summary>
    /// TFLite reference_ops::Requantize int8 → uint8: clamp(MultiplyByQuantizedMultiplier(q − inZp, mult, shift) + outZp).
    /// With mult = 2^30, shift = 1 (scale 1) and outZp − inZp = 128 it is q ^ 0x80 (the same value, TFLite's fast path).
    /// </summary>
    public static void Requantize(ReadOnlySpan<sbyte> input, int effectiveScaleMultiplier, int effectiveScaleShift,
        int inputZeroPoint, int outputZeroPoint, Span<byte> output)
    {
        Guard.Length(output.Length, input.Length, nameof(output));
        if (IsUnitScale(effectiveScaleMultiplier, effectiveScaleShift) && inputZeroPoint - outputZeroPoint == -128)
        {
            TensorPrimitives.Xor(MemoryMarshal.Cast<sbyte, byte>(input), (byte)0x80, output);
            return;
        }

        for (int i = 0; i < input.Length; i++)
            output[i] = (byte)Reference.Quantization.Requantize(input[i], effectiveScaleMultiplier, effectiveScaleShift, inputZeroPoint, outputZeroPoint, 0, 255);
    }

    /// <summary>uint8 → int8; scale 1 with inZp − outZp = 128 is q ^ 0x80.</summary>
    public static void Requantize(ReadOnlySpan<byte> input, int effectiveScaleMultiplier, int effectiveScaleShift,
        int inputZeroPoint, int outputZeroPoint, Span<sbyte> output)
    {
        Guard.Length(output.Length, input.Length, nameof(output));
        if (IsUnitScale(effectiveScaleMultiplier, effectiveScaleShift) && inputZeroPoint - outputZeroPoint == 128)
        {
            TensorPrimitives.Xor(input, (byte)0x80, MemoryMarshal.Cast<sbyte, byte>(output));
            return;
        }

        for (int i = 0; i < input.Length; i++)
            output[i] = (sbyte)Reference.Quantization.Requantize(input[i], effectiveScaleMultiplier, effectiveScaleShift, inputZeroPoint, outputZeroPoint, -128, 127);
    }

    /// <summary>int8 → int8 (a change of scale or zero point).</summary>
    public static void Requantize(ReadOnlySpan<sbyte> input, int effectiveScaleMultiplier, int effectiveScaleShift,
        int inputZeroPoint, int outputZeroPoint, Span<sbyte> output)
    {
        Guard.Length(output.Length, input.Length, nameof(output));
        for (int i = 0; i < input.Length; i++)
            output[i] = (sbyte)Reference.Quantization.Requantize(input[i], effectiveScaleMultiplier, effectiveScaleShift, inputZeroPoint, outputZeroPoint, -128, 127);
    }

    /// <summary>uint8 → uint8.</summary>
    public static void Requantize(ReadOnlySpan<byte> input, int effectiveScaleMultiplier, int effectiveScaleShift,
        int inputZeroPoint, int outputZeroPoint, Span<byte> output)
    {
        Guard.Length(output.Length, input.Length, nameof(output));
        for (int i = 0; i < input.Length; i++)
            output[i] = (byte)Reference.Quantization.Requantize(input[i], effectiveScaleMultiplier, effectiveScaleShift, inputZeroPoint, outputZeroPoint, 0, 255);
    }

    private static bool IsUnitScale(int multiplier, int shift) => multiplier == 1 << 30 && shift == 1;

    /// <summary>Hybrid-kernel row quantizer (TFLite SymmetricQuantizeFloats); see the reference for the formula.</summary>
    public static void QuantizeRowSymmetric(ReadOnlySpan<float> values, Span<sbyte> quantized, out float scale)
    {
        Guard.Length(quantized.Length, values.Length, nameof(quantized));
        if (values.IsEmpty || !values.ContainsAnyExcept(0f) || HasNaN(values))
        {
            Reference.Quantization.QuantizeRowSymmetric(values, quantized, out scale);
            return;
        }

        const int kScale = 127;
        float range = MathF.Max(MathF.Abs(TensorPrimitives.Min(values)), MathF.Abs(TensorPrimitives.Max(values)));
        scale = range / kScale;
        float inverse = kScale / range;
        Span<float> tmp = stackalloc float[Chunk];
        for (int i = 0; i < values.Length; i += Chunk)
        {
            int len = Math.Min(Chunk, values.Length - i);
            Span<float> t = tmp.Slice(0, len);
            TensorPrimitives.Multiply(values.Slice(i, len), inverse, t);
            TensorPrimitives.Round(t, MidpointRounding.AwayFromZero, t);
            TensorPrimitives.Clamp(t, -kScale, kScale, t);
            TensorPrimitives.ConvertSaturating<float, sbyte>(t, quantized.Slice(i, len));
        }
    }

    /// <summary>Hybrid-kernel row quantizer (TFLite AsymmetricQuantizeFloats); see the reference for the formula.</summary>
    public static void QuantizeRowAsymmetric(ReadOnlySpan<float> values, Span<sbyte> quantized, out float scale, out int offset)
    {
        Guard.Length(quantized.Length, values.Length, nameof(quantized));
        // The scale and zero point are scalar work on (min, max); only the per-element loop is vectorized.
        if (values.IsEmpty || HasNaN(values))
        {
            Reference.Quantization.QuantizeRowAsymmetric(values, quantized, out scale, out offset);
            return;
        }

        float min = TensorPrimitives.Min(values), max = TensorPrimitives.Max(values);
        Span<float> probe = [min, max];
        Span<sbyte> unused = stackalloc sbyte[2];
        Reference.Quantization.QuantizeRowAsymmetric(probe, unused, out scale, out offset);
        if (Math.Min(0.0, min) == Math.Max(0.0, max))
        {
            quantized.Slice(0, values.Length).Clear();
            return;
        }

        float inverse = (float)(1.0 / scale);
        Span<float> tmp = stackalloc float[Chunk];
        for (int i = 0; i < values.Length; i += Chunk)
        {
            int len = Math.Min(Chunk, values.Length - i);
            Span<float> t = tmp.Slice(0, len);
            TensorPrimitives.Multiply(values.Slice(i, len), inverse, t);
            TensorPrimitives.Add(t, (float)offset, t);
            TensorPrimitives.Round(t, MidpointRounding.AwayFromZero, t);
            TensorPrimitives.ConvertSaturating<float, sbyte>(t, quantized.Slice(i, len));
        }
    }

    private static bool HasNaN(ReadOnlySpan<float> values) => values.IndexOfAnyExceptInRange(float.NegativeInfinity, float.PositiveInfinity) >= 0;

    /// <summary>
    /// Symmetric per-channel weight quantization (TFLite tools/optimize SymmetricPerChannelQuantization): the tensor is
    /// [outer, channels, inner] (channels = the quantized dimension; inner = product of the dimensions after it);
    /// scale[c] = max|w| / 127, q = clamp(round_half_away(w · (1 / scale[c])), −127, 127). An all-zero channel
    /// gets scale 1 and zeros.
    /// </summary>
    public static void SymmetricPerChannelInt8(ReadOnlySpan<float> weights, int channels, int innerSize, Span<sbyte> quantized, Span<float> scales)
        => SymmetricPerChannel(weights, channels, innerSize, quantized, scales, 127);

    /// <summary>As <see cref="SymmetricPerChannelInt8"/> for int4 weights: range [−7, 7]; pack them with <see cref="PackInt4"/>.</summary>
    public static void SymmetricPerChannelInt4(ReadOnlySpan<float> weights, int channels, int innerSize, Span<sbyte> quantized, Span<float> scales)
        => SymmetricPerChannel(weights, channels, innerSize, quantized, scales, 7);

    private static void SymmetricPerChannel(ReadOnlySpan<float> weights, int channels, int innerSize, Span<sbyte> quantized, Span<float> scales, int limit)
    {
        if (channels <= 0 || innerSize <= 0 || weights.Length % ((long)channels * innerSize) != 0)
            throw new ArgumentException("The weights must be [outer, channels, inner].", nameof(weights));
        Guard.Length(quantized.Length, weights.Length, nameof(quantized));
        Guard.Length(scales.Length, channels, nameof(scales));
        int outer = weights.Length / (channels * innerSize);
        Span<float> maxAbs = channels <= 1024 ? stackalloc float[channels] : new float[channels];
        maxAbs.Clear();
        for (int o = 0; o < outer; o++)
            for (int c = 0; c < channels; c++)
                maxAbs[c] = MathF.Max(maxAbs[c], MathF.Abs(TensorPrimitives.MaxMagnitude(weights.Slice((o * channels + c) * innerSize, innerSize))));
        for (int c = 0; c < channels; c++) scales[c] = maxAbs[c] == 0f ? 1f : maxAbs[c] / limit;
        for (int o = 0; o < outer; o++)
        {
            for (int c = 0; c < channels; c++)
            {
                float inverse = 1f / scales[c];
                int start = (o * channels + c) * innerSize;
                for (int i = 0; i < innerSize; i++)
                {
                    int q = (int)MathF.Round(weights[start + i] * inverse, MidpointRounding.AwayFromZero);
                    quantized[start + i] = (sbyte)Math.Clamp(q, -limit, limit);
                }
            }
        }
    }

    /// <summary>
    /// Packs int4 values (each in [−8, 7]) two per byte, TFLite's layout: element 2i in the low nibble, 2i+1 in the
    /// high nibble; an odd count leaves the last high nibble 0. <paramref name="packed"/> needs (n + 1) / 2 bytes.
    /// </summary>
    public static void PackInt4(ReadOnlySpan<sbyte> values, Span<byte> packed)
    {
        Guard.Length(packed.Length, (values.Length + 1) / 2, nameof(packed));
        int i = 0;
        for (; i + 1 < values.Length; i += 2) packed[i / 2] = (byte)((values[i] & 0x0F) | (values[i + 1] << 4));
        if (i < values.Length) packed[i / 2] = (byte)(values[i] & 0x0F);
    }

    /// <summary>Unpacks <paramref name="values"/>.Length int4 values (low nibble first), sign-extending each (TFLite UnpackDenseInt4IntoInt8).</summary>
    public static void UnpackInt4(ReadOnlySpan<byte> packed, Span<sbyte> values)
    {
        Guard.Length(packed.Length, (values.Length + 1) / 2, nameof(packed));
        for (int i = 0; i < values.Length; i++)
        {
            int b = packed[i / 2];
            int nibble = (i & 1) == 0 ? b & 0x0F : b >> 4;
            values[i] = (sbyte)((nibble ^ 8) - 8);
        }
    }

    /// <summary>IEEE binary16 → float (exact).</summary>
    public static void Float16ToFloat(ReadOnlySpan<Half> input, Span<float> output) => TensorPrimitives.ConvertToSingle(input, output);

    /// <summary>float → IEEE binary16, round to nearest even; overflow gives ±∞; NaN stays NaN.</summary>
    public static void FloatToFloat16(ReadOnlySpan<float> input, Span<Half> output) => TensorPrimitives.ConvertToHalf(input, output);

    /// <summary>bfloat16 bits → float (exact): the bits become the upper half of the float.</summary>
    public static void BFloat16ToFloat(ReadOnlySpan<ushort> input, Span<float> output)
    {
        Guard.Length(output.Length, input.Length, nameof(output));
        Span<uint> bits = MemoryMarshal.Cast<float, uint>(output.Slice(0, input.Length));
        TensorPrimitives.ConvertTruncating<ushort, uint>(input, bits);
        TensorPrimitives.ShiftLeft(bits, 16, bits);
    }

    /// <summary>float → bfloat16 bits, round to nearest even; NaN becomes a quiet NaN with the same sign.</summary>
    public static void FloatToBFloat16(ReadOnlySpan<float> input, Span<ushort> output)
    {
        Guard.Length(output.Length, input.Length, nameof(output));
        Reference.Quantization.FloatToBFloat16(input, output);
    }
}
