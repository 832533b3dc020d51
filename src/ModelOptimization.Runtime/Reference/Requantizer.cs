using System.Runtime.CompilerServices;

namespace ModelOptimization.Runtime.Reference;

/// <summary>Turns an int32 accumulator of output channel c into the output's quantized value.</summary>
internal interface IRequantizer
{
    int Requantize(int accumulator, int channel);
}

/// <summary>
/// TFLite built-in kernels: clamp(MultiplyByQuantizedMultiplier(acc, m[c], shift[c]) + zp) with gemmlowp double
/// rounding. One multiplier (per tensor) or one per channel.
/// </summary>
internal readonly struct FixedPointRequantizer(int[] multiplier, int[] shift, int zeroPoint, int min, int max) : IRequantizer
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Requantize(int accumulator, int channel)
    {
        int c = multiplier.Length == 1 ? 0 : channel;
        int v = IntegerArithmetic.MultiplyByQuantizedMultiplier(accumulator, multiplier[c], shift[c]) + zeroPoint;
        return v < min ? min : v > max ? max : v;
    }
}

/// <summary>
/// XNNPACK's fp32 requantization (the LiteRT CPU path for 8-bit convolutions and fully connected layers):
/// v = (float)acc · scale[c] in float, clamped to [min − zp, max − zp], rounded half to even, + zp.
/// </summary>
internal readonly struct FloatRequantizer(float[] scale, int zeroPoint, int min, int max) : IRequantizer
{
    /// <summary>One scale, or one per channel.</summary>
    public float[] Scales => scale;

    public int ZeroPoint => zeroPoint;

    public int Min => min;

    public int Max => max;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Requantize(int accumulator, int channel)
    {
        float v = accumulator * scale[scale.Length == 1 ? 0 : channel];
        v = Math.Max(v, min - zeroPoint);
        v = Math.Min(v, max - zeroPoint);
        return (int)MathF.Round(v) + zeroPoint;
    }
}

/// <summary>
/// The int16x8 requantization: a 64-bit accumulator through TFLite's int64 MultiplyByQuantizedMultiplier (the
/// multiplier reduced to 16 bits, single rounding), zero point 0, clamped to the activation range.
/// </summary>
internal sealed class WideFixedPointRequantizer(int[] multiplier, int[] shift, int min, int max) : IRequantizer
{
    public int Requantize(long accumulator, int channel)
    {
        int c = multiplier.Length == 1 ? 0 : channel;
        int v = IntegerArithmetic.MultiplyByQuantizedMultiplier(accumulator, multiplier[c], shift[c]);
        return v < min ? min : v > max ? max : v;
    }

    public int Requantize(int accumulator, int channel) => Requantize((long)accumulator, channel);
}
