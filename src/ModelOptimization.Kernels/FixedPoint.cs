using System.Runtime.CompilerServices;

namespace ModelOptimization.Kernels;

/// <summary>
/// TFLite's integer fixed-point arithmetic, bit for bit (kernels/internal/common.h, common.cc and
/// quantization_util.cc in their default, double-rounding build; gemmlowp's fixedpoint.h for the primitives).
/// A real multiplier m is represented as q · 2^(shift − 31) with q in [2^30, 2^31) (or 0), so x·m is computed
/// with one int64 product and rounding shifts, never with floating point.
/// Integer overflow wraps (two's complement), as TFLite's kernels do (they are built without overflow checks).
/// </summary>
public static class FixedPoint
{
    /// <summary>
    /// Splits <paramref name="realMultiplier"/> into q · 2^(shift − 31) (TFLite QuantizeMultiplier): q is
    /// round-half-away-from-zero(frexp mantissa · 2^31); a mantissa that rounds up to 2^31 becomes 2^30 with
    /// shift + 1; 0 gives (0, 0); a multiplier below about 2^−32 (shift &lt; −31) is flushed to (0, 0).
    /// Negative multipliers give a negative q (as TFLite). Shift is positive for a left shift.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The multiplier is NaN or infinite.</exception>
    public static void QuantizeMultiplier(double realMultiplier, out int quantizedMultiplier, out int shift)
    {
        if (!double.IsFinite(realMultiplier))
            throw new ArgumentOutOfRangeException(nameof(realMultiplier), realMultiplier, "The multiplier must be finite.");
        if (realMultiplier == 0.0)
        {
            quantizedMultiplier = 0;
            shift = 0;
            return;
        }

        double q = FrExp(realMultiplier, out int exponent);
        long qFixed = (long)Math.Round(q * (1L << 31), MidpointRounding.AwayFromZero);
        // |q| < 1, so rounding reaches 2^31 only from below; TFLite handles just that case (-2^31 stays int.MinValue).
        if (qFixed == 1L << 31)
        {
            qFixed /= 2;
            exponent++;
        }

        if (exponent < -31)
        {
            exponent = 0;
            qFixed = 0;
        }

        quantizedMultiplier = (int)qFixed;
        shift = exponent;
    }

    /// <summary>
    /// TFLite QuantizeMultiplierSmallerThanOneExp: <paramref name="realMultiplier"/> must be in (0, 1); the
    /// returned left shift is ≤ 0.
    /// </summary>
    public static void QuantizeMultiplierSmallerThanOneExp(double realMultiplier, out int quantizedMultiplier, out int leftShift)
    {
        if (!(realMultiplier > 0.0 && realMultiplier < 1.0))
            throw new ArgumentOutOfRangeException(nameof(realMultiplier), realMultiplier, "The multiplier must be in (0, 1).");
        QuantizeMultiplier(realMultiplier, out quantizedMultiplier, out leftShift);
    }

    /// <summary>TFLite QuantizeMultiplierGreaterThanOne: <paramref name="realMultiplier"/> must be &gt; 1; the left shift is ≥ 0.</summary>
    public static void QuantizeMultiplierGreaterThanOne(double realMultiplier, out int quantizedMultiplier, out int leftShift)
    {
        if (!(realMultiplier > 1.0))
            throw new ArgumentOutOfRangeException(nameof(realMultiplier), realMultiplier, "The multiplier must be greater than 1.");
        QuantizeMultiplier(realMultiplier, out quantizedMultiplier, out leftShift);
    }

    /// <summary>
    /// gemmlowp SaturatingRoundingDoublingHighMul: 2·a·b / 2^32 rounded to nearest, ties toward +∞ (its nudge, then a
    /// division truncating toward zero, gives −1.5 → −1 and 1.5 → 2);
    /// the single overflow case a = b = int.MinValue saturates to int.MaxValue.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SaturatingRoundingDoublingHighMul(int a, int b)
    {
        if (a == b && a == int.MinValue) return int.MaxValue;
        long ab = (long)a * b;
        long nudge = ab >= 0 ? (1L << 30) : (1L - (1L << 30));
        // C++ integer division truncates toward zero; so does C#'s.
        return (int)((ab + nudge) / (1L << 31));
    }

    /// <summary>
    /// gemmlowp RoundingDivideByPOT: x / 2^exponent rounded to nearest, ties away from zero.
    /// <paramref name="exponent"/> must be in [0, 31].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RoundingDivideByPOT(int x, int exponent)
    {
        int mask = (int)((1L << exponent) - 1);
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    /// <summary>
    /// TFLite MultiplyByQuantizedMultiplier (double rounding): RoundingDivideByPOT(
    /// SaturatingRoundingDoublingHighMul(x · 2^max(shift, 0), q), max(−shift, 0)). The left shift wraps on overflow.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MultiplyByQuantizedMultiplier(int x, int quantizedMultiplier, int shift)
    {
        int leftShift = shift > 0 ? shift : 0;
        int rightShift = shift > 0 ? 0 : -shift;
        return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(unchecked(x * (1 << leftShift)), quantizedMultiplier), rightShift);
    }

    /// <summary>
    /// TFLite's int64 MultiplyByQuantizedMultiplier used by the 16x8 kernels: the multiplier is reduced to 16 bits,
    /// (q + 2^15) &gt;&gt; 16 (or 0x7FFF when q ≥ 0x7FFF0000), then x · reduced is rounded (half up) and shifted
    /// right by 15 − shift, and the low 32 bits are kept. Valid for q ≥ 0, shift in [−31, 7], |x| &lt; 2^47.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MultiplyByQuantizedMultiplier(long x, int quantizedMultiplier, int shift)
    {
        int reduced = quantizedMultiplier < 0x7FFF0000 ? (quantizedMultiplier + (1 << 15)) >> 16 : 0x7FFF;
        int totalShift = 15 - shift;
        long result = unchecked(x * reduced + (1L << (totalShift - 1)));
        return (int)(result >> totalShift);
    }

    /// <summary>
    /// TFLite MultiplyByQuantizedMultiplierSmallerThanOneExp (legacy uint8 kernels):
    /// RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, q), −leftShift), leftShift ≤ 0.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MultiplyByQuantizedMultiplierSmallerThanOneExp(int x, int quantizedMultiplier, int leftShift)
        => RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, quantizedMultiplier), -leftShift);

    /// <summary>
    /// TFLite MultiplyByQuantizedMultiplierGreaterThanOne (legacy uint8 kernels):
    /// SaturatingRoundingDoublingHighMul(x · 2^leftShift, q), leftShift ≥ 0; the shift wraps on overflow.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int MultiplyByQuantizedMultiplierGreaterThanOne(int x, int quantizedMultiplier, int leftShift)
        => SaturatingRoundingDoublingHighMul(unchecked(x * (1 << leftShift)), quantizedMultiplier);

    /// <summary>C's frexp: value = mantissa · 2^exponent with |mantissa| in [0.5, 1); handles subnormals.</summary>
    internal static double FrExp(double value, out int exponent)
    {
        if (value == 0.0 || !double.IsFinite(value))
        {
            exponent = 0;
            return value;
        }

        exponent = Math.ILogB(value) + 1;
        return Math.ScaleB(value, -exponent);
    }
}
