using System.Runtime.CompilerServices;

namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// TFLite's fixed-point integer arithmetic (gemmlowp rounding, the default double-rounding
/// MultiplyByQuantizedMultiplier), written so that integer kernels match TFLite bit for bit.
/// </summary>
internal static class IntegerArithmetic
{
    /// <summary>gemmlowp SaturatingRoundingDoublingHighMul: round(a·b / 2^31), saturating the one overflow case.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SaturatingRoundingDoublingHighMul(int a, int b)
    {
        if (a == b && a == int.MinValue) return int.MaxValue;
        long ab = (long)a * b;
        long nudge = ab >= 0 ? 1L << 30 : 1 - (1L << 30);
        return (int)((ab + nudge) / (1L << 31)); // C++ division truncates toward zero, as C# does
    }

    /// <summary>gemmlowp RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RoundingDivideByPOT(int x, int exponent)
    {
        int mask = (int)((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /// <summary>x · multiplier · 2^shift with TFLite's double rounding (shift &gt; 0 is a left shift).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MultiplyByQuantizedMultiplier(int x, int quantizedMultiplier, int shift)
    {
        int leftShift = shift > 0 ? shift : 0;
        int rightShift = shift > 0 ? 0 : -shift;
        return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(unchecked(x * (1 << leftShift)), quantizedMultiplier), rightShift);
    }

    /// <summary>The int64-accumulator variant used by int16x8 kernels (multiplier reduced to 16 bits, single rounding).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MultiplyByQuantizedMultiplier(long x, int quantizedMultiplier, int shift)
    {
        int reduced = quantizedMultiplier < 0x7FFF0000 ? (quantizedMultiplier + (1 << 15)) >> 16 : 0x7FFF;
        int totalShift = 15 - shift;
        x = unchecked(x * reduced + (1L << (totalShift - 1)));
        return (int)(x >> totalShift);
    }

    /// <summary>MultiplyByQuantizedMultiplierSmallerThanOneExp (leftShift ≤ 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MultiplyByQuantizedMultiplierSmallerThanOneExp(int x, int quantizedMultiplier, int leftShift)
        => RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, quantizedMultiplier), -leftShift);

    /// <summary>MultiplyByQuantizedMultiplierGreaterThanOne (leftShift ≥ 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MultiplyByQuantizedMultiplierGreaterThanOne(int x, int quantizedMultiplier, int leftShift)
        => SaturatingRoundingDoublingHighMul(unchecked(x * (1 << leftShift)), quantizedMultiplier);

    /// <summary>TFLite QuantizeMultiplier: m = q · 2^shift with q a Q31 value in [0.5, 1).</summary>
    public static void QuantizeMultiplier(double multiplier, out int quantizedMultiplier, out int shift)
    {
        if (multiplier == 0)
        {
            quantizedMultiplier = 0;
            shift = 0;
            return;
        }

        double q = FrExp(multiplier, out shift);
        long qFixed = (long)Math.Round(q * (1L << 31), MidpointRounding.AwayFromZero);
        if (qFixed == 1L << 31)
        {
            qFixed /= 2;
            shift++;
        }

        if (shift < -31)
        {
            shift = 0;
            qFixed = 0;
        }

        quantizedMultiplier = (int)qFixed;
    }

    /// <summary>QuantizeMultiplierSmallerThanOneExp: the shift is returned as a (non-positive) left shift.</summary>
    public static void QuantizeMultiplierSmallerThanOneExp(double multiplier, out int quantizedMultiplier, out int leftShift)
        => QuantizeMultiplier(multiplier, out quantizedMultiplier, out leftShift);

    /// <summary>C frexp: value = mantissa · 2^exponent with |mantissa| in [0.5, 1).</summary>
    public static double FrExp(double value, out int exponent)
    {
        if (value == 0 || double.IsNaN(value) || double.IsInfinity(value))
        {
            exponent = 0;
            return value;
        }

        long bits = BitConverter.DoubleToInt64Bits(value);
        int exp = (int)((bits >> 52) & 0x7FF);
        if (exp == 0)
        {
            // Subnormal: normalise first.
            value *= 1L << 54;
            bits = BitConverter.DoubleToInt64Bits(value);
            exp = (int)((bits >> 52) & 0x7FF) - 54;
        }

        exponent = exp - 1022;
        bits = (bits & unchecked((long)0x800FFFFFFFFFFFFFUL)) | (1022L << 52);
        return BitConverter.Int64BitsToDouble(bits);
    }

    /// <summary>TfLiteRound for float: round half away from zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Round(float x) => MathF.Round(x, MidpointRounding.AwayFromZero);

    /// <summary>std::round for double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Round(double x) => Math.Round(x, MidpointRounding.AwayFromZero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Clamp(int x, int min, int max) => x < min ? min : x > max ? max : x;

    /// <summary>The int range of a quantized type.</summary>
    public static (int Min, int Max) Range(Core.Graph.TensorType type) => type switch
    {
        Core.Graph.TensorType.Int8 => (sbyte.MinValue, sbyte.MaxValue),
        Core.Graph.TensorType.UInt8 => (byte.MinValue, byte.MaxValue),
        Core.Graph.TensorType.Int16 => (short.MinValue, short.MaxValue),
        Core.Graph.TensorType.Int32 => (int.MinValue, int.MaxValue),
        _ => throw new ArgumentException($"{type} is not a quantized integer type."),
    };

    /// <summary>TFLite CalculateInputRadius.</summary>
    public static int CalculateInputRadius(int inputIntegerBits, int inputLeftShift, int totalSignedBits = 31)
    {
        double maxInputRescaled = 1.0 * ((1 << inputIntegerBits) - 1) * (1L << (totalSignedBits - inputIntegerBits)) / (1L << inputLeftShift);
        return (int)Math.Floor(maxInputRescaled);
    }
}
