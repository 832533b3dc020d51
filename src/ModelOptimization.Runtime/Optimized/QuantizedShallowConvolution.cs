using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Optimized;

/// <summary>
/// 8-bit CONV_2D with few input channels (the first layer of image models: 3×3×3 windows), exact int32
/// accumulators: out[p, j] = R(Σ_(ky, kx, i) (x[window(p, ky, kx), i] − zx)(w[j, ky, kx, i] − zw) + bias[j], j).
/// Each run widens the input once into a zero-bordered int16 copy (minus its zero point, 0 in the padding), so
/// every filter row of a window is one contiguous run of FilterWidth·InputDepth values that int16 pair
/// multiply-adds read in place: no per-window copy and no edge tests. Weights are packed in prepare as [block of 8
/// channels][filter row][pair][8 channels × 2] int16 minus their zero point, each filter row padded to an even
/// length with a 0 weight (the value it meets, the next one in the copy, then contributes 0). Results do not depend
/// on the path or the thread count and equal Kernels.Reference.Convolution (fixed point) or <see cref="ReferenceKernels.Conv2DXnnpack"/> (float requantization) bit for bit.
/// </summary>
internal sealed class QuantizedShallowConvolution
{
    private const int Nr = 8;

    /// <summary>Tests set this to false to run the scalar path (same results).</summary>
    internal static volatile bool UseAvx2 = true;

    private readonly ConvGeometry _g;
    private readonly short[] _packed;
    private readonly short[] _padded;
    private readonly int _rowPairs, _blocks, _paddedHeight, _paddedWidth;

    private QuantizedShallowConvolution(ConvGeometry g, short[] packed, int rowPairs, int paddedHeight, int paddedWidth)
    {
        _g = g;
        _packed = packed;
        _rowPairs = rowPairs;
        _blocks = (g.OutputDepth + Nr - 1) / Nr;
        _paddedHeight = paddedHeight;
        _paddedWidth = paddedWidth;
        // One spare pair after the last row: the even padding of a filter row may read one value past the image.
        _padded = new short[(long)g.Batches * paddedHeight * paddedWidth * g.InputDepth + 2];
    }

    public long SizeInBytes => (_packed.LongLength + _padded.LongLength) * sizeof(short);

    /// <summary>
    /// Whether this path fits: a spatial filter without horizontal dilation whose filter rows are short (few input
    /// channels), where widening each window per output pixel would cost more than the multiply-adds.
    /// </summary>
    public static bool Applies(ConvGeometry g) =>
        !g.IsPointwise && g.DilationWidth == 1 && g.FilterWidth * g.InputDepth <= 32
        && (long)g.Batches * PaddedHeight(g) * PaddedWidth(g) * g.InputDepth <= 1L << 24;

    private static int PaddedHeight(ConvGeometry g) =>
        g.PadTop + Math.Max(g.InputHeight, (g.OutputHeight - 1) * g.StrideHeight - g.PadTop + (g.FilterHeight - 1) * g.DilationHeight + 1);

    private static int PaddedWidth(ConvGeometry g) =>
        g.PadLeft + Math.Max(g.InputWidth, (g.OutputWidth - 1) * g.StrideWidth - g.PadLeft + g.FilterWidth);

    /// <summary>Packs the filter [output depth × FilterHeight × FilterWidth × InputDepth] (int8 or uint8) minus its zero point.</summary>
    public static QuantizedShallowConvolution Create<T>(ConvGeometry g, ReadOnlySpan<T> filter, int zeroPoint) where T : unmanaged, IBinaryInteger<T>
    {
        int span = g.FilterWidth * g.InputDepth, rowPairs = (span + 1) / 2, n = g.OutputDepth;
        int blocks = (n + Nr - 1) / Nr, blockPairs = g.FilterHeight * rowPairs;
        var packed = new short[blocks * blockPairs * Nr * 2];
        for (int j = 0; j < n; j++)
        {
            int b = j / Nr, c = j % Nr;
            for (int ky = 0; ky < g.FilterHeight; ky++)
            {
                for (int t = 0; t < span; t++)
                {
                    int value = int.CreateTruncating(filter[(j * g.FilterHeight + ky) * span + t]) - zeroPoint;
                    packed[((b * blockPairs) + ky * rowPairs + t / 2) * Nr * 2 + c * 2 + (t & 1)] = (short)value;
                }
            }
        }

        return new QuantizedShallowConvolution(g, packed, rowPairs, PaddedHeight(g), PaddedWidth(g));
    }

    public unsafe void Run<TIn, TOut, TR>(ReadOnlySpan<TIn> input, int inputZeroPoint, ReadOnlySpan<int> bias, Span<TOut> output, TR requantizer, int threads)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged, IBinaryInteger<TOut>
        where TR : struct, IRequantizer
    {
        var g = _g;
        if (input.Length < (long)g.Batches * g.InputHeight * g.InputWidth * g.InputDepth || output.Length < (long)g.Batches * g.OutputHeight * g.OutputWidth * g.OutputDepth
            || (!bias.IsEmpty && bias.Length < g.OutputDepth))
        {
            throw new ArgumentException("The buffers do not match the convolution geometry.", nameof(input));
        }

        bool avx2 = UseAvx2 && Avx2.IsSupported;
        fixed (TIn* pi = input)
        fixed (int* pb = bias)
        fixed (TOut* po = output)
        fixed (short* pp = _padded)
        {
            nint ii = (nint)pi, ib = bias.IsEmpty ? 0 : (nint)pb, io = (nint)po, ip = (nint)pp;
            int rows = g.Batches * g.InputHeight;
            ParallelWork.For(threads, rows, (long)g.InputWidth * g.InputDepth, (s, e, _) => WidenRows((TIn*)ii, inputZeroPoint, (short*)ip, s, e));
            ParallelWork.For(threads, g.Batches * g.OutputHeight, (long)g.OutputWidth * g.OutputDepth * g.FilterHeight * _rowPairs * 2,
                (s, e, _) => OutputRows((short*)ip, (int*)ib, (TOut*)io, s, e, requantizer, avx2));
        }
    }

    /// <summary>Input rows [start, end) (batch × height) minus the zero point into the interior of the zero-bordered copy.</summary>
    private unsafe void WidenRows<TIn>(TIn* input, int zeroPoint, short* padded, int start, int end) where TIn : unmanaged, IBinaryInteger<TIn>
    {
        var g = _g;
        int n = g.InputWidth * g.InputDepth;
        for (int row = start; row < end; row++)
        {
            int b = row / g.InputHeight, y = row - b * g.InputHeight;
            short* dst = padded + (((long)b * _paddedHeight + g.PadTop + y) * _paddedWidth + g.PadLeft) * g.InputDepth;
            WidenValues(input + (long)row * n, dst, n, zeroPoint);
        }
    }

    /// <summary>Output rows [start, end) (batch × height), 4 pixels × 16 channels at a time.</summary>
    private unsafe void OutputRows<TOut, TR>(short* padded, int* bias, TOut* output, int start, int end, TR requantizer, bool avx2)
        where TOut : unmanaged, IBinaryInteger<TOut>
        where TR : struct, IRequantizer
    {
        var g = _g;
        int depth = g.InputDepth, units = g.OutputDepth, rowPairs = _rowPairs, blockPairs = g.FilterHeight * rowPairs;
        long rowStep = (long)g.DilationHeight * _paddedWidth * depth;
        int pixelStep = g.StrideWidth * depth;
        int* acc = stackalloc int[4 * 2 * Nr];
        short** bases = stackalloc short*[4];
        bool eight = avx2 && units == Nr && sizeof(TOut) == 1 && typeof(TR) == typeof(FloatRequantizer);
        fixed (short* w = _packed)
        {
            for (int row = start; row < end; row++)
            {
                int b = row / g.OutputHeight, oy = row - b * g.OutputHeight;
                // Padded coordinates: output (oy, ox) reads rows from oy·stride and columns from ox·stride.
                short* line = padded + ((long)b * _paddedHeight + (long)oy * g.StrideHeight) * _paddedWidth * depth;
                TOut* outLine = output + (long)row * g.OutputWidth * units;
                if (eight)
                {
                    RowOfEightChannels(line, pixelStep, g.OutputWidth, rowStep, g.FilterHeight, rowPairs, w, bias, Unsafe.As<TR, FloatRequantizer>(ref requantizer), (byte*)outLine);
                    continue;
                }

                for (int ox = 0; ox < g.OutputWidth; ox += 4)
                {
                    int mr = Math.Min(4, g.OutputWidth - ox);
                    // Missing pixels of the last group repeat the last real one; their sums are not stored.
                    for (int r = 0; r < 4; r++) bases[r] = line + (long)(ox + Math.Min(r, mr - 1)) * pixelStep;
                    for (int blk = 0; blk < _blocks; blk += 2)
                    {
                        int nb = Math.Min(2, _blocks - blk);
                        short* wb = w + (long)blk * blockPairs * Nr * 2;
                        if (avx2) Kernel(bases, rowStep, g.FilterHeight, rowPairs, wb, nb, acc);
                        else KernelScalar(bases, rowStep, g.FilterHeight, rowPairs, wb, nb, acc);
                        TOut* o = outLine + (long)ox * units;
                        if (typeof(TR) == typeof(FloatRequantizer) && avx2 && (blk + nb) * Nr <= units)
                        {
                            QuantizedGemm.StoreFloatRequantized(acc, mr, nb, blk * Nr, bias, Unsafe.As<TR, FloatRequantizer>(ref requantizer), o, units);
                            continue;
                        }

                        for (int r = 0; r < mr; r++)
                        {
                            for (int c = 0; c < nb * Nr; c++)
                            {
                                int j = blk * Nr + c;
                                if (j >= units) break;
                                int v = acc[r * 2 * Nr + c] + (bias != null ? bias[j] : 0);
                                o[(long)r * units + j] = TOut.CreateTruncating(requantizer.Requantize(v, j));
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// One output row of exactly 8 channels with XNNPACK's float requantization (the first layer of image models):
    /// 4 pixels at a time, accumulators starting from the bias and requantized straight from registers, two pixels
    /// (16 consecutive outputs) per 512-bit vector where AVX-512 is available. The same values as the generic path.
    /// </summary>
    private static unsafe void RowOfEightChannels(short* line, int pixelStep, int outputWidth, long rowStep, int filterHeight, int rowPairs, short* w,
        int* bias, FloatRequantizer q, byte* output)
    {
        var bv = bias != null ? Vector256.Load(bias) : Vector256<int>.Zero;
        var scales = q.Scales;
        var scale = scales.Length == 1 ? Vector256.Create(scales[0]) : Vector256.LoadUnsafe(ref scales[0]);
        var lo = Vector256.Create((float)(q.Min - q.ZeroPoint));
        var hi = Vector256.Create((float)(q.Max - q.ZeroPoint));
        var zp = Vector256.Create(q.ZeroPoint);
        bool wide = QuantizedGemm.UseAvx512 && Avx512F.IsSupported;
        for (int ox = 0; ox < outputWidth; ox += 4)
        {
            int mr = Math.Min(4, outputWidth - ox);
            // Missing pixels of the last group repeat the last real one; their sums are not stored.
            short* p0 = line + (long)ox * pixelStep;
            short* p1 = p0 + (mr > 1 ? pixelStep : 0);
            short* p2 = p0 + (mr > 2 ? 2 * pixelStep : (mr - 1) * pixelStep);
            short* p3 = p0 + (mr > 3 ? 3 * pixelStep : (mr - 1) * pixelStep);
            Vector256<int> c0 = bv, c1 = bv, c2 = bv, c3 = bv;
            for (int ky = 0; ky < filterHeight; ky++)
            {
                long off = ky * rowStep;
                short* wk = w + ky * rowPairs * Nr * 2;
                for (int p = 0; p < rowPairs; p++)
                {
                    var b0 = Vector256.Load(wk + p * 16);
                    c0 += Avx2.MultiplyAddAdjacent(Vector256.Create(Unsafe.ReadUnaligned<int>(p0 + off + 2 * p)).AsInt16(), b0);
                    c1 += Avx2.MultiplyAddAdjacent(Vector256.Create(Unsafe.ReadUnaligned<int>(p1 + off + 2 * p)).AsInt16(), b0);
                    c2 += Avx2.MultiplyAddAdjacent(Vector256.Create(Unsafe.ReadUnaligned<int>(p2 + off + 2 * p)).AsInt16(), b0);
                    c3 += Avx2.MultiplyAddAdjacent(Vector256.Create(Unsafe.ReadUnaligned<int>(p3 + off + 2 * p)).AsInt16(), b0);
                }
            }

            byte* o = output + (long)ox * Nr;
            if (mr == 4 && wide)
            {
                var scale2 = Vector512.Create(scale, scale);
                var lo2 = Vector512.Create(lo, lo);
                var hi2 = Vector512.Create(hi, hi);
                var zp2 = Vector512.Create(zp, zp);
                StorePair(Vector512.Create(c0, c1), scale2, lo2, hi2, zp2, o);
                StorePair(Vector512.Create(c2, c3), scale2, lo2, hi2, zp2, o + 16);
                continue;
            }

            StoreEight(c0, scale, lo, hi, zp, o);
            if (mr > 1) StoreEight(c1, scale, lo, hi, zp, o + 8);
            if (mr > 2) StoreEight(c2, scale, lo, hi, zp, o + 16);
            if (mr > 3) StoreEight(c3, scale, lo, hi, zp, o + 24);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StorePair(Vector512<int> acc, Vector512<float> scale, Vector512<float> lo, Vector512<float> hi, Vector512<int> zp, byte* dst)
    {
        var v = Avx512F.ConvertToVector512Single(acc) * scale;
        v = Avx512F.Min(Avx512F.Max(v, lo), hi);
        // cvtps2dq rounds half to even; q lies in the output range, so vpmovdb's truncation is exact for uint8 and int8.
        Avx512F.ConvertToVector128Byte(Avx512F.ConvertToVector512Int32(v) + zp).Store(dst);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StoreEight(Vector256<int> acc, Vector256<float> scale, Vector256<float> lo, Vector256<float> hi, Vector256<int> zp, byte* dst)
    {
        var v = Avx.ConvertToVector256Single(acc) * scale;
        v = Avx.Min(Avx.Max(v, lo), hi);
        var q = Avx.ConvertToVector256Int32(v) + zp;
        var s16 = Vector128.Narrow(q.GetLower(), q.GetUpper());
        Unsafe.WriteUnaligned(dst, Vector128.Narrow(s16, s16).AsUInt64().ToScalar());
    }

    /// <summary>acc[r][0..16) for 4 pixels and 1 or 2 channel blocks: filter rows × pairs broadcast from the padded copy.</summary>
    private static unsafe void Kernel(short** bases, long rowStep, int filterHeight, int rowPairs, short* w, int nb, int* acc)
    {
        Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        int blockPairs = filterHeight * rowPairs;
        short* w1 = w + blockPairs * Nr * 2;
        for (int ky = 0; ky < filterHeight; ky++)
        {
            int* p0 = (int*)(bases[0] + ky * rowStep), p1 = (int*)(bases[1] + ky * rowStep);
            int* p2 = (int*)(bases[2] + ky * rowStep), p3 = (int*)(bases[3] + ky * rowStep);
            short* wk = w + ky * rowPairs * Nr * 2, wk1 = w1 + ky * rowPairs * Nr * 2;
            if (nb == 2)
            {
                for (int p = 0; p < rowPairs; p++)
                {
                    var b0 = Vector256.Load(wk + p * 16);
                    var b1 = Vector256.Load(wk1 + p * 16);
                    var a0 = Vector256.Create(Unsafe.ReadUnaligned<int>((short*)p0 + 2 * p)).AsInt16();
                    var a1 = Vector256.Create(Unsafe.ReadUnaligned<int>((short*)p1 + 2 * p)).AsInt16();
                    c00 += Avx2.MultiplyAddAdjacent(a0, b0);
                    c01 += Avx2.MultiplyAddAdjacent(a0, b1);
                    c10 += Avx2.MultiplyAddAdjacent(a1, b0);
                    c11 += Avx2.MultiplyAddAdjacent(a1, b1);
                    var a2 = Vector256.Create(Unsafe.ReadUnaligned<int>((short*)p2 + 2 * p)).AsInt16();
                    var a3 = Vector256.Create(Unsafe.ReadUnaligned<int>((short*)p3 + 2 * p)).AsInt16();
                    c20 += Avx2.MultiplyAddAdjacent(a2, b0);
                    c21 += Avx2.MultiplyAddAdjacent(a2, b1);
                    c30 += Avx2.MultiplyAddAdjacent(a3, b0);
                    c31 += Avx2.MultiplyAddAdjacent(a3, b1);
                }
            }
            else
            {
                for (int p = 0; p < rowPairs; p++)
                {
                    var b0 = Vector256.Load(wk + p * 16);
                    c00 += Avx2.MultiplyAddAdjacent(Vector256.Create(Unsafe.ReadUnaligned<int>((short*)p0 + 2 * p)).AsInt16(), b0);
                    c10 += Avx2.MultiplyAddAdjacent(Vector256.Create(Unsafe.ReadUnaligned<int>((short*)p1 + 2 * p)).AsInt16(), b0);
                    c20 += Avx2.MultiplyAddAdjacent(Vector256.Create(Unsafe.ReadUnaligned<int>((short*)p2 + 2 * p)).AsInt16(), b0);
                    c30 += Avx2.MultiplyAddAdjacent(Vector256.Create(Unsafe.ReadUnaligned<int>((short*)p3 + 2 * p)).AsInt16(), b0);
                }
            }
        }

        c00.Store(acc);
        c01.Store(acc + 8);
        c10.Store(acc + 16);
        c11.Store(acc + 24);
        c20.Store(acc + 32);
        c21.Store(acc + 40);
        c30.Store(acc + 48);
        c31.Store(acc + 56);
    }

    private static unsafe void KernelScalar(short** bases, long rowStep, int filterHeight, int rowPairs, short* w, int nb, int* acc)
    {
        int blockPairs = filterHeight * rowPairs;
        for (int r = 0; r < 4; r++)
        {
            for (int c = 0; c < nb * Nr; c++)
            {
                short* wc = w + (long)(c / Nr) * blockPairs * Nr * 2 + (c % Nr) * 2;
                int s = 0;
                for (int ky = 0; ky < filterHeight; ky++)
                {
                    short* a = bases[r] + ky * rowStep;
                    short* wk = wc + ky * rowPairs * Nr * 2;
                    for (int p = 0; p < rowPairs; p++) s += a[2 * p] * wk[p * 16] + a[2 * p + 1] * wk[p * 16 + 1];
                }

                acc[r * 2 * Nr + c] = s;
            }
        }
    }

    /// <summary>dst[t] = src[t] − zeroPoint as int16 for t in [0, n).</summary>
    private static unsafe void WidenValues<TIn>(TIn* src, short* dst, int n, int zeroPoint) where TIn : unmanaged, IBinaryInteger<TIn>
    {
        int t = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var zp = Vector256.Create((short)zeroPoint);
            if (typeof(TIn) == typeof(byte))
            {
                for (; t <= n - 16; t += 16) (Vector256.WidenLower(Vector128.Load((byte*)src + t).ToVector256Unsafe()).AsInt16() - zp).Store(dst + t);
            }
            else if (typeof(TIn) == typeof(sbyte))
            {
                for (; t <= n - 16; t += 16) (Vector256.WidenLower(Vector128.Load((sbyte*)src + t).ToVector256Unsafe()) - zp).Store(dst + t);
            }
        }

        for (; t < n; t++) dst[t] = (short)(int.CreateTruncating(src[t]) - zeroPoint);
    }
}
