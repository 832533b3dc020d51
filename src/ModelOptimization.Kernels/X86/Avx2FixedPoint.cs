using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelOptimization.Kernels.X86;

/// <summary>
/// <see cref="FixedPoint.MultiplyByQuantizedMultiplier(int, int, int)"/> on 8 int32 lanes with a multiplier and
/// shift per lane, bit for bit (AVX2: vpmuldq for the 64-bit products, vpsllvd/vpsravd for per-lane shifts).
/// Valid for shift in [−31, 30], as the scalar version.
/// </summary>
internal static class Avx2FixedPoint
{
    internal static bool IsSupported => Avx2.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> MultiplyByQuantizedMultiplier(Vector256<int> x, Vector256<int> multiplier, Vector256<int> shift)
    {
        Vector256<int> zero = Vector256<int>.Zero;
        Vector256<int> left = Avx2.Max(shift, zero);
        Vector256<int> right = Avx2.Max(Avx2.Subtract(zero, shift), zero);
        x = Avx2.ShiftLeftLogicalVariable(x, left.AsUInt32());
        return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, multiplier), right);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> SaturatingRoundingDoublingHighMul(Vector256<int> a, Vector256<int> b)
    {
        Vector256<long> even = HighMulLanes(Avx2.Multiply(a, b));
        Vector256<long> odd = HighMulLanes(Avx2.Multiply(
            Avx2.ShiftRightLogical(a.AsInt64(), 32).AsInt32(), Avx2.ShiftRightLogical(b.AsInt64(), 32).AsInt32()));
        Vector256<int> result = Avx2.Blend(even.AsInt32(), Avx2.ShiftLeftLogical(odd, 32).AsInt32(), 0b1010_1010);
        Vector256<int> min = Vector256.Create(int.MinValue);
        Vector256<int> overflow = Avx2.And(Avx2.CompareEqual(a, min), Avx2.CompareEqual(b, min));
        return Avx2.BlendVariable(result, Vector256.Create(int.MaxValue), overflow);
    }

    /// <summary>(ab + nudge) / 2^31 truncated toward zero; the int32 result sits in the low half of each lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<long> HighMulLanes(Vector256<long> ab)
    {
        Vector256<long> zero = Vector256<long>.Zero;
        Vector256<long> negative = Avx2.CompareGreaterThan(zero, ab);
        Vector256<long> nudge = Avx2.BlendVariable(Vector256.Create(1L << 30), Vector256.Create(1L - (1L << 30)), negative);
        Vector256<long> t = Avx2.Add(ab, nudge);
        t = Avx2.Add(t, Avx2.And(Avx2.CompareGreaterThan(zero, t), Vector256.Create((long)int.MaxValue)));
        return Avx2.ShiftRightLogical(t, 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<int> RoundingDivideByPOT(Vector256<int> x, Vector256<int> exponent)
    {
        Vector256<int> mask = Avx2.Subtract(Avx2.ShiftLeftLogicalVariable(Vector256.Create(1), exponent.AsUInt32()), Vector256.Create(1));
        Vector256<int> remainder = Avx2.And(x, mask);
        Vector256<int> threshold = Avx2.Subtract(Avx2.ShiftRightArithmetic(mask, 1), Avx2.CompareGreaterThan(Vector256<int>.Zero, x));
        return Avx2.Subtract(Avx2.ShiftRightArithmeticVariable(x, exponent.AsUInt32()), Avx2.CompareGreaterThan(remainder, threshold));
    }
}
