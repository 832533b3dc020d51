using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelOptimization.Kernels.X86;

/// <summary>
/// <see cref="FixedPoint.MultiplyByQuantizedMultiplier(int, int, int)"/> on 16 int32 lanes with a multiplier and
/// shift per lane, bit for bit (AVX-512F: vpmuldq, vpsllvd/vpsravd). The same steps as <see cref="Avx2FixedPoint"/>.
/// </summary>
internal static class Avx512FixedPoint
{
    internal static bool IsSupported => Avx512F.IsSupported && Avx512BW.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<int> MultiplyByQuantizedMultiplier(Vector512<int> x, Vector512<int> multiplier, Vector512<int> shift)
    {
        Vector512<int> zero = Vector512<int>.Zero;
        Vector512<int> left = Avx512F.Max(shift, zero);
        Vector512<int> right = Avx512F.Max(Avx512F.Subtract(zero, shift), zero);
        x = Avx512F.ShiftLeftLogicalVariable(x, left.AsUInt32());
        return RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x, multiplier), right);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<int> SaturatingRoundingDoublingHighMul(Vector512<int> a, Vector512<int> b)
    {
        Vector512<long> even = HighMulLanes(Avx512F.Multiply(a, b));
        Vector512<long> odd = HighMulLanes(Avx512F.Multiply(
            Avx512F.ShiftRightLogical(a.AsInt64(), 32).AsInt32(), Avx512F.ShiftRightLogical(b.AsInt64(), 32).AsInt32()));
        Vector512<long> joined = Avx512F.Or(Avx512F.And(even, Vector512.Create(0xFFFF_FFFFL)), Avx512F.ShiftLeftLogical(odd, 32));
        Vector512<int> min = Vector512.Create(int.MinValue);
        Vector512<int> overflow = Avx512F.And(Avx512F.CompareEqual(a, min), Avx512F.CompareEqual(b, min));
        return Avx512F.BlendVariable(joined.AsInt32(), Vector512.Create(int.MaxValue), overflow);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<long> HighMulLanes(Vector512<long> ab)
    {
        Vector512<long> zero = Vector512<long>.Zero;
        Vector512<long> negative = Avx512F.CompareLessThan(ab, zero);
        Vector512<long> nudge = Avx512F.BlendVariable(Vector512.Create(1L << 30), Vector512.Create(1L - (1L << 30)), negative);
        Vector512<long> t = Avx512F.Add(ab, nudge);
        t = Avx512F.Add(t, Avx512F.And(Avx512F.CompareLessThan(t, zero), Vector512.Create((long)int.MaxValue)));
        return Avx512F.ShiftRightLogical(t, 31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<int> RoundingDivideByPOT(Vector512<int> x, Vector512<int> exponent)
    {
        Vector512<int> one = Vector512.Create(1);
        Vector512<int> mask = Avx512F.Subtract(Avx512F.ShiftLeftLogicalVariable(one, exponent.AsUInt32()), one);
        Vector512<int> remainder = Avx512F.And(x, mask);
        Vector512<int> threshold = Avx512F.Subtract(Avx512F.ShiftRightArithmetic(mask, 1), Avx512F.CompareLessThan(x, Vector512<int>.Zero));
        return Avx512F.Subtract(Avx512F.ShiftRightArithmeticVariable(x, exponent.AsUInt32()), Avx512F.CompareGreaterThan(remainder, threshold));
    }
}
