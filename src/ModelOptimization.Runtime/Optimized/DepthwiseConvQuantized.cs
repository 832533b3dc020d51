using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Optimized;

/// <summary>
/// 8-bit depthwise convolution (depth multiplier 1) with XNNPACK's float requantization, vectorized over channels:
/// the input is widened once to int32 minus its zero point, the filter (minus its zero point) in prepare; each
/// output pixel accumulates bias + Σ_taps x·w in int32 lanes, then v = (float)acc · scale[c] is clamped, rounded
/// half to even and offset by the output zero point. With AVX-512 the interior of 3×3 filters takes 16 channels per
/// vector (channel counts that are multiples of 16) or two neighbouring pixels of 8 channels (stride 1). Equal bit for bit to
/// <see cref="ReferenceKernels.DepthwiseConvXnnpack{TIn, TW, TOut}"/>.
/// </summary>
internal sealed class DepthwiseConvQuantized
{
    /// <summary>Tests set this to false to run the 256-bit paths (no 512-bit interiors, no vpmovdb) on AVX-512 machines (same results).</summary>
    internal static volatile bool UseAvx512 = true;

    private readonly int[] _filter;
    private readonly int[] _bias;
    private readonly float[] _scales;
    private int[] _input = [];

    private DepthwiseConvQuantized(int[] filter, int[] bias, float[] scales)
    {
        _filter = filter;
        _bias = bias;
        _scales = scales;
    }

    public long SizeInBytes => (_filter.LongLength + _bias.LongLength + _input.LongLength) * 4 + _scales.LongLength * 4;

    /// <summary>Widens the filter [1, H, W, C] minus its zero point; bias may be empty.</summary>
    public static DepthwiseConvQuantized Create<TW>(ReadOnlySpan<TW> filter, int filterZeroPoint, ReadOnlySpan<int> bias, float[] scales, int channels)
        where TW : unmanaged, IBinaryInteger<TW>
    {
        var f = new int[filter.Length];
        for (int i = 0; i < f.Length; i++) f[i] = int.CreateTruncating(filter[i]) - filterZeroPoint;
        var b = bias.IsEmpty ? new int[channels] : bias.ToArray();
        return new DepthwiseConvQuantized(f, b, scales);
    }

    public unsafe void Run<TIn, TOut>(ConvGeometry g, ReadOnlySpan<TIn> input, int inputZeroPoint, Span<TOut> output, int zeroPoint, int min, int max, int threads)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged, IBinaryInteger<TOut>
    {
        if (_input.Length < input.Length) _input = new int[input.Length];
        fixed (TIn* pSrc = input)
        {
            // Whole 64-value pieces per thread (the vector loop covers them; the tail goes to the last piece).
            nint src = (nint)pSrc;
            int n = input.Length, pieces = (n + 63) / 64;
            var wide = _input;
            ParallelWork.For(threads, pieces, 64, (s, e, _) =>
            {
                int from = s * 64, to = Math.Min(n, e * 64);
                Widen(new ReadOnlySpan<TIn>((TIn*)src + from, to - from), wide.AsSpan(from, to - from), inputZeroPoint);
            });
        }

        fixed (int* pIn = _input)
        fixed (int* pW = _filter)
        fixed (int* pB = _bias)
        fixed (float* pS = _scales)
        fixed (TOut* pOut = output)
        {
            nint a = (nint)pIn, w = (nint)pW, b = (nint)pB, s = (nint)pS, o = (nint)pOut;
            ParallelWork.For(threads, g.Batches * g.OutputHeight, (long)g.OutputWidth * g.OutputDepth * g.FilterHeight * g.FilterWidth,
                (start, end, _) => Rows(g, (int*)a, (int*)w, (int*)b, (float*)s, (TOut*)o, zeroPoint, min, max, start, end));
        }
    }

    /// <summary>dst[i] = src[i] − zeroPoint as int32, 16 values per step where the element type allows.</summary>
    internal static unsafe void Widen<TIn>(ReadOnlySpan<TIn> src, Span<int> dst, int zeroPoint) where TIn : unmanaged, IBinaryInteger<TIn>
    {
        int n = src.Length, i = 0;
        fixed (TIn* ps = src)
        fixed (int* pd = dst)
        {
            if (Vector256.IsHardwareAccelerated && (typeof(TIn) == typeof(byte) || typeof(TIn) == typeof(sbyte)))
            {
                var zp = Vector256.Create(zeroPoint);
                for (; i <= n - 16; i += 16)
                {
                    Vector256<int> lo, hi;
                    if (typeof(TIn) == typeof(byte))
                    {
                        var u = Vector256.WidenLower(Vector128.Load((byte*)ps + i).ToVector256Unsafe());
                        (var l, var h) = Vector256.Widen(u);
                        lo = l.AsInt32();
                        hi = h.AsInt32();
                    }
                    else
                    {
                        var v = Vector256.WidenLower(Vector128.Load((sbyte*)ps + i).ToVector256Unsafe());
                        (lo, hi) = Vector256.Widen(v);
                    }

                    (lo - zp).Store(pd + i);
                    (hi - zp).Store(pd + i + 8);
                }
            }

            for (; i < n; i++) pd[i] = int.CreateTruncating(ps[i]) - zeroPoint;
        }
    }

    /// <summary>
    /// Output rows [rowStart, rowEnd) (rows numbered over batch and y). Each 8-channel block of a pixel keeps its
    /// accumulator in a register; pixels whose whole window lies inside the input skip the bounds checks.
    /// </summary>
    private static unsafe void Rows<TOut>(ConvGeometry g, int* input, int* filter, int* bias, float* scales, TOut* output,
        int zeroPoint, int min, int max, int rowStart, int rowEnd)
        where TOut : unmanaged, IBinaryInteger<TOut>
    {
        int c = g.OutputDepth, fh = g.FilterHeight, fw = g.FilterWidth;
        int blocks = c / 8 * 8;
        float lo = min - zeroPoint, hi = max - zeroPoint;
        var vlo = Vector256.Create(lo);
        var vhi = Vector256.Create(hi);
        var vzp = Vector256.Create(zeroPoint);
        long dyStep = (long)g.DilationHeight * g.InputWidth * c, dxStep = (long)g.DilationWidth * c;

        // Output columns whose whole window lies inside the input horizontally.
        int oxLo = (g.PadLeft + g.StrideWidth - 1) / g.StrideWidth;
        int last = g.InputWidth - 1 - g.DilationWidth * (fw - 1) + g.PadLeft;
        int oxHi = last < 0 ? -1 : Math.Min(last / g.StrideWidth, g.OutputWidth - 1);
        bool fast3x3 = fh == 3 && fw == 3 && blocks > 0 && oxLo <= oxHi;
        bool wide = UseAvx512 && Avx512F.IsSupported && sizeof(TOut) == 1;
        for (int row = rowStart; row < rowEnd; row++)
        {
            int b = row / g.OutputHeight, oy = row % g.OutputHeight;
            int inY0 = oy * g.StrideHeight - g.PadTop;
            bool rowInside = inY0 >= 0 && inY0 + g.DilationHeight * (fh - 1) < g.InputHeight;
            bool row3x3 = fast3x3 && rowInside;
            if (row3x3 && wide && c % 16 == 0)
            {
                Interior3x3Channels16(g, input, filter, bias, scales, output, b, oy, oxLo, oxHi, zeroPoint, lo, hi);
            }
            else if (row3x3 && wide && c == 8 && g.StrideWidth == 1)
            {
                Interior3x3PixelPairs(g, input, filter, bias, scales, output, b, oy, oxLo, oxHi, vlo, vhi, vzp);
            }
            else if (row3x3)
            {
                Interior3x3(g, input, filter, bias, scales, output, b, oy, oxLo, oxHi, blocks, vlo, vhi, vzp);
            }

            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                int inX0 = ox * g.StrideWidth - g.PadLeft;
                TOut* dst = output + (long)((b * g.OutputHeight + oy) * g.OutputWidth + ox) * c;
                if (rowInside && inX0 >= 0 && inX0 + g.DilationWidth * (fw - 1) < g.InputWidth)
                {
                    if (row3x3 && blocks == c) continue;
                    int* origin = input + (long)((b * g.InputHeight + inY0) * g.InputWidth + inX0) * c;
                    for (int j = row3x3 ? blocks : 0; j < blocks; j += 8)
                    {
                        var acc = Vector256.Load(bias + j);
                        int* f = filter + j;
                        for (int ky = 0; ky < fh; ky++)
                        {
                            int* px = origin + ky * dyStep + j;
                            for (int kx = 0; kx < fw; kx++)
                            {
                                acc += Vector256.Load(px) * Vector256.Load(f);
                                px += dxStep;
                                f += c;
                            }
                        }

                        Store(acc, scales + j, vlo, vhi, vzp, dst + j);
                    }

                    for (int j = blocks; j < c; j++)
                    {
                        int acc = bias[j];
                        for (int ky = 0; ky < fh; ky++)
                        {
                            for (int kx = 0; kx < fw; kx++) acc += origin[ky * dyStep + kx * dxStep + j] * filter[(ky * fw + kx) * c + j];
                        }

                        dst[j] = Requantize<TOut>(acc, scales[j], lo, hi, zeroPoint);
                    }

                    continue;
                }

                // Border pixel: taps outside the input contribute nothing (the input is already minus its zero point).
                int ky0 = 0, ky1 = fh, kx0 = 0, kx1 = fw;
                while (ky0 < fh && (uint)(inY0 + g.DilationHeight * ky0) >= (uint)g.InputHeight) ky0++;
                while (ky1 > ky0 && (uint)(inY0 + g.DilationHeight * (ky1 - 1)) >= (uint)g.InputHeight) ky1--;
                while (kx0 < fw && (uint)(inX0 + g.DilationWidth * kx0) >= (uint)g.InputWidth) kx0++;
                while (kx1 > kx0 && (uint)(inX0 + g.DilationWidth * (kx1 - 1)) >= (uint)g.InputWidth) kx1--;
                int* corner = input + (long)((b * g.InputHeight + inY0) * g.InputWidth + inX0) * c;
                for (int j = 0; j < blocks; j += 8)
                {
                    var acc = Vector256.Load(bias + j);
                    for (int ky = ky0; ky < ky1; ky++)
                    {
                        for (int kx = kx0; kx < kx1; kx++)
                        {
                            acc += Vector256.Load(corner + ky * dyStep + kx * dxStep + j) * Vector256.Load(filter + (ky * fw + kx) * c + j);
                        }
                    }

                    Store(acc, scales + j, vlo, vhi, vzp, dst + j);
                }

                for (int j = blocks; j < c; j++)
                {
                    int acc = bias[j];
                    for (int ky = ky0; ky < ky1; ky++)
                    {
                        for (int kx = kx0; kx < kx1; kx++) acc += corner[ky * dyStep + kx * dxStep + j] * filter[(ky * fw + kx) * c + j];
                    }

                    dst[j] = Requantize<TOut>(acc, scales[j], lo, hi, zeroPoint);
                }
            }
        }
    }

    /// <summary>
    /// Output pixels [ox0, ox1] of row (b, oy), channels [0, blocks): a 3×3 window wholly inside the input, the nine
    /// filter vectors of each 8-channel block held in registers while the window slides along the row.
    /// </summary>
    private static unsafe void Interior3x3<TOut>(ConvGeometry g, int* input, int* filter, int* bias, float* scales, TOut* output,
        int b, int oy, int ox0, int ox1, int blocks, Vector256<float> lo, Vector256<float> hi, Vector256<int> zp)
        where TOut : unmanaged, IBinaryInteger<TOut>
    {
        int c = g.OutputDepth;
        long dy = (long)g.DilationHeight * g.InputWidth * c, dx = (long)g.DilationWidth * c, step = (long)g.StrideWidth * c;
        long inputRow = ((long)b * g.InputHeight + oy * g.StrideHeight - g.PadTop) * g.InputWidth;
        for (int j = 0; j < blocks; j += 8)
        {
            int* w = filter + j;
            Vector256<int> w0 = Vector256.Load(w), w1 = Vector256.Load(w + c), w2 = Vector256.Load(w + 2 * c);
            Vector256<int> w3 = Vector256.Load(w + 3 * c), w4 = Vector256.Load(w + 4 * c), w5 = Vector256.Load(w + 5 * c);
            Vector256<int> w6 = Vector256.Load(w + 6 * c), w7 = Vector256.Load(w + 7 * c), w8 = Vector256.Load(w + 8 * c);
            var bv = Vector256.Load(bias + j);
            var scale = Vector256.Load(scales + j);
            int* p = input + (inputRow + (long)ox0 * g.StrideWidth - g.PadLeft) * c + j;
            TOut* o = output + (((long)b * g.OutputHeight + oy) * g.OutputWidth + ox0) * c + j;
            for (int ox = ox0; ox <= ox1; ox++, p += step, o += c)
            {
                var acc = bv + Vector256.Load(p) * w0;
                acc += Vector256.Load(p + dx) * w1;
                acc += Vector256.Load(p + 2 * dx) * w2;
                acc += Vector256.Load(p + dy) * w3;
                acc += Vector256.Load(p + dy + dx) * w4;
                acc += Vector256.Load(p + dy + 2 * dx) * w5;
                acc += Vector256.Load(p + 2 * dy) * w6;
                acc += Vector256.Load(p + 2 * dy + dx) * w7;
                acc += Vector256.Load(p + 2 * dy + 2 * dx) * w8;
                Store(acc, scale, lo, hi, zp, o);
            }
        }
    }

    /// <summary>
    /// <see cref="Interior3x3"/> for channel counts that are multiples of 16: one 512-bit vector is 16 channels of a pixel.
    /// </summary>
    private static unsafe void Interior3x3Channels16<TOut>(ConvGeometry g, int* input, int* filter, int* bias, float* scales, TOut* output,
        int b, int oy, int ox0, int ox1, int zeroPoint, float min, float max)
        where TOut : unmanaged, IBinaryInteger<TOut>
    {
        int c = g.OutputDepth;
        long dy = (long)g.DilationHeight * g.InputWidth * c, dx = (long)g.DilationWidth * c, step = (long)g.StrideWidth * c;
        long inputRow = ((long)b * g.InputHeight + oy * g.StrideHeight - g.PadTop) * g.InputWidth;
        var lo = Vector512.Create(min);
        var hi = Vector512.Create(max);
        var zp = Vector512.Create(zeroPoint);
        for (int j = 0; j < c; j += 16)
        {
            int* w = filter + j;
            Vector512<int> w0 = Vector512.Load(w), w1 = Vector512.Load(w + c), w2 = Vector512.Load(w + 2 * c);
            Vector512<int> w3 = Vector512.Load(w + 3 * c), w4 = Vector512.Load(w + 4 * c), w5 = Vector512.Load(w + 5 * c);
            Vector512<int> w6 = Vector512.Load(w + 6 * c), w7 = Vector512.Load(w + 7 * c), w8 = Vector512.Load(w + 8 * c);
            var bv = Vector512.Load(bias + j);
            var scale = Vector512.Load(scales + j);
            int* p = input + (inputRow + (long)ox0 * g.StrideWidth - g.PadLeft) * c + j;
            TOut* o = output + (((long)b * g.OutputHeight + oy) * g.OutputWidth + ox0) * c + j;
            for (int ox = ox0; ox <= ox1; ox++, p += step, o += c)
            {
                var acc = bv + Vector512.Load(p) * w0;
                acc += Vector512.Load(p + dx) * w1;
                acc += Vector512.Load(p + 2 * dx) * w2;
                acc += Vector512.Load(p + dy) * w3;
                acc += Vector512.Load(p + dy + dx) * w4;
                acc += Vector512.Load(p + dy + 2 * dx) * w5;
                acc += Vector512.Load(p + 2 * dy) * w6;
                acc += Vector512.Load(p + 2 * dy + dx) * w7;
                acc += Vector512.Load(p + 2 * dy + 2 * dx) * w8;
                Store16(acc, scale, lo, hi, zp, (byte*)o);
            }
        }
    }

    /// <summary>
    /// <see cref="Interior3x3"/> for 8 channels at stride 1: one 512-bit vector holds two neighbouring pixels (their
    /// windows are 8 values apart in the input), the filter repeated in both halves; an odd last pixel takes 256 bits.
    /// </summary>
    private static unsafe void Interior3x3PixelPairs<TOut>(ConvGeometry g, int* input, int* filter, int* bias, float* scales, TOut* output,
        int b, int oy, int ox0, int ox1, Vector256<float> lo, Vector256<float> hi, Vector256<int> zp)
        where TOut : unmanaged, IBinaryInteger<TOut>
    {
        const int c = 8;
        long dy = (long)g.DilationHeight * g.InputWidth * c, dx = (long)g.DilationWidth * c;
        long inputRow = ((long)b * g.InputHeight + oy * g.StrideHeight - g.PadTop) * g.InputWidth;
        Vector512<int> w0 = Pair(filter), w1 = Pair(filter + c), w2 = Pair(filter + 2 * c), w3 = Pair(filter + 3 * c), w4 = Pair(filter + 4 * c);
        Vector512<int> w5 = Pair(filter + 5 * c), w6 = Pair(filter + 6 * c), w7 = Pair(filter + 7 * c), w8 = Pair(filter + 8 * c);
        var bv = Pair(bias);
        var scale = Pair((int*)scales).AsSingle();
        var lo2 = Vector512.Create(lo, lo);
        var hi2 = Vector512.Create(hi, hi);
        var zp2 = Vector512.Create(zp, zp);
        int* p = input + (inputRow + ox0 - g.PadLeft) * c;
        TOut* o = output + (((long)b * g.OutputHeight + oy) * g.OutputWidth + ox0) * c;
        int ox = ox0;
        for (; ox < ox1; ox += 2, p += 2 * c, o += 2 * c)
        {
            var acc = bv + Vector512.Load(p) * w0;
            acc += Vector512.Load(p + dx) * w1;
            acc += Vector512.Load(p + 2 * dx) * w2;
            acc += Vector512.Load(p + dy) * w3;
            acc += Vector512.Load(p + dy + dx) * w4;
            acc += Vector512.Load(p + dy + 2 * dx) * w5;
            acc += Vector512.Load(p + 2 * dy) * w6;
            acc += Vector512.Load(p + 2 * dy + dx) * w7;
            acc += Vector512.Load(p + 2 * dy + 2 * dx) * w8;
            Store16(acc, scale, lo2, hi2, zp2, (byte*)o);
        }

        if (ox == ox1)
        {
            var acc = bv.GetLower() + Vector256.Load(p) * w0.GetLower();
            acc += Vector256.Load(p + dx) * w1.GetLower();
            acc += Vector256.Load(p + 2 * dx) * w2.GetLower();
            acc += Vector256.Load(p + dy) * w3.GetLower();
            acc += Vector256.Load(p + dy + dx) * w4.GetLower();
            acc += Vector256.Load(p + dy + 2 * dx) * w5.GetLower();
            acc += Vector256.Load(p + 2 * dy) * w6.GetLower();
            acc += Vector256.Load(p + 2 * dy + dx) * w7.GetLower();
            acc += Vector256.Load(p + 2 * dy + 2 * dx) * w8.GetLower();
            Store(acc, scale.GetLower(), lo, hi, zp, o);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe Vector512<int> Pair(int* eight)
    {
        var v = Vector256.Load(eight);
        return Vector512.Create(v, v);
    }

    /// <summary>16 lanes of (float)acc · scale, clamped, rounded half to even (cvtps2dq), + zero point, narrowed to 16 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store16(Vector512<int> acc, Vector512<float> scale, Vector512<float> lo, Vector512<float> hi, Vector512<int> zp, byte* dst)
    {
        var v = Avx512F.ConvertToVector512Single(acc) * scale;
        v = Avx512F.Min(Avx512F.Max(v, lo), hi);
        var q = Avx512F.ConvertToVector512Int32(v) + zp;
        // q lies in the output type's range, so the truncating narrow is exact for uint8 and int8 alike.
        Avx512F.ConvertToVector128Byte(q).Store(dst);
    }

    /// <summary>(float)acc · scale, clamped to [lo, hi], rounded half to even, + zero point, narrowed to 8 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store<TOut>(Vector256<int> acc, float* scale, Vector256<float> lo, Vector256<float> hi, Vector256<int> zp, TOut* dst)
        where TOut : unmanaged, IBinaryInteger<TOut> => Store(acc, Vector256.Load(scale), lo, hi, zp, dst);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Store<TOut>(Vector256<int> acc, Vector256<float> scale, Vector256<float> lo, Vector256<float> hi, Vector256<int> zp, TOut* dst)
        where TOut : unmanaged, IBinaryInteger<TOut>
    {
        var v = Vector256.ConvertToSingle(acc) * scale;
        v = Vector256.Min(Vector256.Max(v, lo), hi);
        if (sizeof(TOut) == 1 && UseAvx512 && Avx512F.VL.IsSupported)
        {
            // cvtps2dq rounds half to even like Round; q lies in the output range, so vpmovdb's truncation is exact.
            var q8 = Avx.ConvertToVector256Int32(v) + zp;
            Unsafe.WriteUnaligned(dst, Avx512F.VL.ConvertToVector128Byte(q8).AsUInt64().ToScalar());
            return;
        }

        var q = Vector256.ConvertToInt32(Vector256.Round(v)) + zp;
        if (sizeof(TOut) == 1)
        {
            // q lies in the output type's range, so truncating narrows are exact.
            var s16 = Vector128.Narrow(q.GetLower(), q.GetUpper());
            var s8 = Vector128.Narrow(s16, s16);
            Unsafe.WriteUnaligned(dst, s8.AsUInt64().ToScalar());
        }
        else
        {
            for (int t = 0; t < 8; t++) dst[t] = TOut.CreateTruncating(q.GetElement(t));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TOut Requantize<TOut>(int acc, float scale, float lo, float hi, int zeroPoint) where TOut : unmanaged, IBinaryInteger<TOut>
    {
        float v = acc * scale;
        v = Math.Min(Math.Max(v, lo), hi);
        return TOut.CreateTruncating((int)MathF.Round(v) + zeroPoint);
    }
}
