using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelOptimization.Kernels.X86;

/// <summary>
/// One output pixel of an int8 depthwise convolution (depth multiplier 1), 16 channels at a time with the
/// accumulators in registers: products (x − zp)·w are exact in int16 (|x − zp| ≤ 255, |w| ≤ 128), summed in int32,
/// then requantized with <see cref="Avx2FixedPoint"/>. Bit-exact with the scalar reference.
/// </summary>
internal static unsafe class DepthwiseInt8Avx2
{
    internal static bool IsSupported => Avx2FixedPoint.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Pixel(sbyte* input, long* inputOffsets, sbyte* filter, int* filterOffsets, int taps, int channels,
        int inputZeroPoint, int* bias, int* multiplier, int* shift, int multiplierStride, int outputZeroPoint, int min, int max,
        sbyte* output)
    {
        Vector256<short> izp = Vector256.Create((short)inputZeroPoint);
        Vector256<int> ozp = Vector256.Create(outputZeroPoint), lo = Vector256.Create(min), hi = Vector256.Create(max);
        Vector256<int> m0 = Vector256.Create(multiplier[0]), s0 = Vector256.Create(shift[0]);
        Vector256<int> m1 = m0, s1 = s0;
        for (int c = 0; c <= channels - 16; c += 16)
        {
            Vector256<int> acc0 = Vector256<int>.Zero, acc1 = Vector256<int>.Zero;
            for (int t = 0; t < taps; t++)
            {
                Vector256<short> x = Vector256.WidenLower(Vector128.Load(input + inputOffsets[t] + c).ToVector256Unsafe()) - izp;
                Vector256<short> w = Vector256.WidenLower(Vector128.Load(filter + filterOffsets[t] + c).ToVector256Unsafe());
                (Vector256<int> p0, Vector256<int> p1) = Vector256.Widen(x * w);
                acc0 += p0;
                acc1 += p1;
            }

            if (bias != null)
            {
                acc0 += Vector256.Load(bias + c);
                acc1 += Vector256.Load(bias + c + 8);
            }

            if (multiplierStride != 0)
            {
                m0 = Vector256.Load(multiplier + c);
                s0 = Vector256.Load(shift + c);
                m1 = Vector256.Load(multiplier + c + 8);
                s1 = Vector256.Load(shift + c + 8);
            }

            acc0 = Vector256.Min(Vector256.Max(Avx2FixedPoint.MultiplyByQuantizedMultiplier(acc0, m0, s0) + ozp, lo), hi);
            acc1 = Vector256.Min(Vector256.Max(Avx2FixedPoint.MultiplyByQuantizedMultiplier(acc1, m1, s1) + ozp, lo), hi);
            Vector256<short> n16 = Vector256.Narrow(acc0, acc1);
            Vector256.Narrow(n16, n16).GetLower().Store(output + c);
        }
    }

    /// <summary>
    /// Output pixels [ox0, ox1] of one row for a 3×3 filter whose taps are all inside the input, channels [0, channels)
    /// (a multiple of 16): the nine filter vectors stay in registers across the row. Same sums as <see cref="Pixel"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Interior3x3(sbyte* input, long dy, long dx, long step, sbyte* filter, int filterStride, int count,
        int channels, int inputZeroPoint, int* bias, int* multiplier, int* shift, int multiplierStride, int outputZeroPoint,
        int min, int max, sbyte* output, long outputStep)
    {
        Vector256<short> izp = Vector256.Create((short)inputZeroPoint);
        Vector256<int> ozp = Vector256.Create(outputZeroPoint), lo = Vector256.Create(min), hi = Vector256.Create(max);
        for (int c = 0; c < channels; c += 16)
        {
            sbyte* f = filter + c;
            Vector256<short> w0 = Widen16(f), w1 = Widen16(f + filterStride), w2 = Widen16(f + 2 * filterStride);
            Vector256<short> w3 = Widen16(f + 3 * filterStride), w4 = Widen16(f + 4 * filterStride), w5 = Widen16(f + 5 * filterStride);
            Vector256<short> w6 = Widen16(f + 6 * filterStride), w7 = Widen16(f + 7 * filterStride), w8 = Widen16(f + 8 * filterStride);
            Vector256<int> b0 = bias != null ? Vector256.Load(bias + c) : Vector256<int>.Zero;
            Vector256<int> b1 = bias != null ? Vector256.Load(bias + c + 8) : Vector256<int>.Zero;
            int mc = multiplierStride * c;
            Vector256<int> m0 = multiplierStride != 0 ? Vector256.Load(multiplier + mc) : Vector256.Create(multiplier[0]);
            Vector256<int> s0 = multiplierStride != 0 ? Vector256.Load(shift + mc) : Vector256.Create(shift[0]);
            Vector256<int> m1 = multiplierStride != 0 ? Vector256.Load(multiplier + mc + 8) : m0;
            Vector256<int> s1 = multiplierStride != 0 ? Vector256.Load(shift + mc + 8) : s0;
            sbyte* p = input + c;
            sbyte* o = output + c;
            for (int i = 0; i < count; i++, p += step, o += outputStep)
            {
                Vector256<int> acc0 = Vector256<int>.Zero, acc1 = Vector256<int>.Zero;
                Tap(p, izp, w0, ref acc0, ref acc1);
                Tap(p + dx, izp, w1, ref acc0, ref acc1);
                Tap(p + 2 * dx, izp, w2, ref acc0, ref acc1);
                Tap(p + dy, izp, w3, ref acc0, ref acc1);
                Tap(p + dy + dx, izp, w4, ref acc0, ref acc1);
                Tap(p + dy + 2 * dx, izp, w5, ref acc0, ref acc1);
                Tap(p + 2 * dy, izp, w6, ref acc0, ref acc1);
                Tap(p + 2 * dy + dx, izp, w7, ref acc0, ref acc1);
                Tap(p + 2 * dy + 2 * dx, izp, w8, ref acc0, ref acc1);
                acc0 = Vector256.Min(Vector256.Max(Avx2FixedPoint.MultiplyByQuantizedMultiplier(acc0 + b0, m0, s0) + ozp, lo), hi);
                acc1 = Vector256.Min(Vector256.Max(Avx2FixedPoint.MultiplyByQuantizedMultiplier(acc1 + b1, m1, s1) + ozp, lo), hi);
                Vector256<short> n16 = Vector256.Narrow(acc0, acc1);
                Vector256.Narrow(n16, n16).GetLower().Store(o);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<short> Widen16(sbyte* p) => Vector256.WidenLower(Vector128.Load(p).ToVector256Unsafe());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tap(sbyte* p, Vector256<short> zeroPoint, Vector256<short> w, ref Vector256<int> acc0, ref Vector256<int> acc1)
    {
        (Vector256<int> p0, Vector256<int> p1) = Vector256.Widen((Widen16(p) - zeroPoint) * w);
        acc0 += p0;
        acc1 += p1;
    }
}
