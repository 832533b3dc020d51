using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelOptimization.Kernels.X86;

/// <summary>
/// <see cref="DepthwiseInt8Avx2.Interior3x3"/> with 32 channels per step (AVX-512BW vpmullw on int16 products, exact,
/// and <see cref="Avx512FixedPoint"/> requantization). Bit-exact with the scalar reference.
/// </summary>
internal static unsafe class DepthwiseInt8Avx512
{
    internal static bool IsSupported => Avx512FixedPoint.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Interior3x3(sbyte* input, long dy, long dx, long step, sbyte* filter, int filterStride, int count,
        int channels, int inputZeroPoint, int* bias, int* multiplier, int* shift, int multiplierStride, int outputZeroPoint,
        int min, int max, sbyte* output, long outputStep)
    {
        Vector512<short> izp = Vector512.Create((short)inputZeroPoint);
        Vector512<int> ozp = Vector512.Create(outputZeroPoint), lo = Vector512.Create(min), hi = Vector512.Create(max);
        for (int c = 0; c <= channels - 32; c += 32)
        {
            sbyte* f = filter + c;
            Vector512<short> w0 = Widen32(f), w1 = Widen32(f + filterStride), w2 = Widen32(f + 2 * filterStride);
            Vector512<short> w3 = Widen32(f + 3 * filterStride), w4 = Widen32(f + 4 * filterStride), w5 = Widen32(f + 5 * filterStride);
            Vector512<short> w6 = Widen32(f + 6 * filterStride), w7 = Widen32(f + 7 * filterStride), w8 = Widen32(f + 8 * filterStride);
            Vector512<int> b0 = bias != null ? Vector512.Load(bias + c) : Vector512<int>.Zero;
            Vector512<int> b1 = bias != null ? Vector512.Load(bias + c + 16) : Vector512<int>.Zero;
            int mc = multiplierStride * c;
            Vector512<int> m0 = multiplierStride != 0 ? Vector512.Load(multiplier + mc) : Vector512.Create(multiplier[0]);
            Vector512<int> s0 = multiplierStride != 0 ? Vector512.Load(shift + mc) : Vector512.Create(shift[0]);
            Vector512<int> m1 = multiplierStride != 0 ? Vector512.Load(multiplier + mc + 16) : m0;
            Vector512<int> s1 = multiplierStride != 0 ? Vector512.Load(shift + mc + 16) : s0;
            sbyte* p = input + c;
            sbyte* o = output + c;
            for (int i = 0; i < count; i++, p += step, o += outputStep)
            {
                Vector512<int> acc0 = Vector512<int>.Zero, acc1 = Vector512<int>.Zero;
                Tap(p, izp, w0, ref acc0, ref acc1);
                Tap(p + dx, izp, w1, ref acc0, ref acc1);
                Tap(p + 2 * dx, izp, w2, ref acc0, ref acc1);
                Tap(p + dy, izp, w3, ref acc0, ref acc1);
                Tap(p + dy + dx, izp, w4, ref acc0, ref acc1);
                Tap(p + dy + 2 * dx, izp, w5, ref acc0, ref acc1);
                Tap(p + 2 * dy, izp, w6, ref acc0, ref acc1);
                Tap(p + 2 * dy + dx, izp, w7, ref acc0, ref acc1);
                Tap(p + 2 * dy + 2 * dx, izp, w8, ref acc0, ref acc1);
                acc0 = Vector512.Min(Vector512.Max(Avx512FixedPoint.MultiplyByQuantizedMultiplier(acc0 + b0, m0, s0) + ozp, lo), hi);
                acc1 = Vector512.Min(Vector512.Max(Avx512FixedPoint.MultiplyByQuantizedMultiplier(acc1 + b1, m1, s1) + ozp, lo), hi);
                Vector512<short> n16 = Vector512.Narrow(acc0, acc1);
                Vector512.Narrow(n16, n16).GetLower().Store(o);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<short> Widen32(sbyte* p) => Vector512.WidenLower(Vector256.Load(p).ToVector512Unsafe());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tap(sbyte* p, Vector512<short> zeroPoint, Vector512<short> w, ref Vector512<int> acc0, ref Vector512<int> acc1)
    {
        (Vector512<int> p0, Vector512<int> p1) = Vector512.Widen((Widen32(p) - zeroPoint) * w);
        acc0 += p0;
        acc1 += p1;
    }
}
