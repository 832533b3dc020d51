using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Optimized;

/// <summary>
/// 8-bit GEMM for convolutions (many rows): out[i, j] = R(Σ_k (a[i, k] − za)(w[j, k] − zw) + bias[j], j), exact int32
/// accumulators, outer-product register blocking (4 rows × 16 channels) with int16 pair multiply-adds. Weights are
/// packed once in prepare as [channel block of 8][k pair][8 channels × 2] int16 minus their zero point; each row of A
/// is widened to int16 pairs and broadcast. No horizontal sums, so small depths (1×1 convolutions) stay cheap.
/// Results do not depend on the path or the thread count.
/// </summary>
internal sealed class QuantizedGemm
{
    private const int Nr = 8;

    /// <summary>Tests set this to false to narrow without AVX-512 (vpmovdb) on machines that have it (same results).</summary>
    internal static volatile bool UseAvx512 = true;

    private readonly short[] _packed;

    private QuantizedGemm(short[] packed, int n, int k)
    {
        _packed = packed;
        Units = n;
        Depth = k;
        Pairs = (k + 1) / 2;
        Blocks = (n + Nr - 1) / Nr;
    }

    public int Units { get; }

    public int Depth { get; }

    private int Pairs { get; }

    private int Blocks { get; }

    public long SizeInBytes => _packed.LongLength * sizeof(short);

    /// <summary>Packs weights [n × k] (int8 or uint8) minus their zero point.</summary>
    public static QuantizedGemm Create<T>(ReadOnlySpan<T> weights, int zeroPoint, int n, int k) where T : unmanaged, IBinaryInteger<T>
    {
        int pairs = (k + 1) / 2, blocks = (n + Nr - 1) / Nr;
        var packed = new short[blocks * pairs * Nr * 2];
        for (int j = 0; j < n; j++)
        {
            int b = j / Nr, c = j % Nr;
            for (int t = 0; t < k; t++)
            {
                packed[((b * pairs) + t / 2) * Nr * 2 + c * 2 + (t & 1)] = (short)(int.CreateTruncating(weights[j * k + t]) - zeroPoint);
            }
        }

        return new QuantizedGemm(packed, n, k);
    }

    public unsafe void Run<TIn, TOut, TR>(ReadOnlySpan<TIn> a, int aZeroPoint, ReadOnlySpan<int> bias, Span<TOut> output, int m, TR requantizer, int threads)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged, IBinaryInteger<TOut>
        where TR : struct, IRequantizer
    {
        fixed (TIn* pa = a)
        fixed (int* pb = bias)
        fixed (TOut* po = output)
        {
            nint ia = (nint)pa, ib = bias.IsEmpty ? 0 : (nint)pb, io = (nint)po;
            long work = (long)Units * Depth;
            if (m >= 4 * threads || m * work < ParallelWork.MinWorkPerThread)
            {
                int chunks = (m + 3) / 4;
                ParallelWork.For(threads, chunks, 4 * work, (s, e, _) => Rows((TIn*)ia, aZeroPoint, (int*)ib, (TOut*)io, s * 4, Math.Min(m, e * 4), 0, Blocks, requantizer));
            }
            else
            {
                ParallelWork.For(threads, Blocks, (long)m * Depth * Nr, (s, e, _) => Rows((TIn*)ia, aZeroPoint, (int*)ib, (TOut*)io, 0, m, s, e, requantizer));
            }
        }
    }

    /// <summary>
    /// The convolution with these weights as [output depth × (H·W·I)] without an im2col matrix: each group of 4 output
    /// pixels widens its windows straight from the NHWC input (taps outside the input contribute 0). The same values as
    /// <see cref="Run"/> on <see cref="Im2Col.Fill"/>'s rows padded with the input zero point.
    /// </summary>
    public unsafe void RunConvolution<TIn, TOut, TR>(ConvGeometry g, ReadOnlySpan<TIn> input, int inputZeroPoint, ReadOnlySpan<int> bias, Span<TOut> output, TR requantizer, int threads)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged, IBinaryInteger<TOut>
        where TR : struct, IRequantizer
    {
        int m = g.Batches * g.OutputHeight * g.OutputWidth;
        if (Im2Col.Depth(g) != Depth || g.OutputDepth != Units || input.Length < (long)g.Batches * g.InputHeight * g.InputWidth * g.InputDepth || output.Length < (long)m * Units)
        {
            throw new ArgumentException("The convolution geometry does not match the packed weights or the buffers.", nameof(g));
        }

        fixed (TIn* pa = input)
        fixed (int* pb = bias)
        fixed (TOut* po = output)
        {
            nint ia = (nint)pa, ib = bias.IsEmpty ? 0 : (nint)pb, io = (nint)po;
            int chunks = (m + 3) / 4;
            ParallelWork.For(threads, chunks, 4L * Units * Depth, (s, e, _) => Rows((TIn*)ia, inputZeroPoint, (int*)ib, (TOut*)io, s * 4, Math.Min(m, e * 4), 0, Blocks, requantizer, g));
        }
    }

    private unsafe void Rows<TIn, TOut, TR>(TIn* a, int aZeroPoint, int* bias, TOut* output, int rowStart, int rowEnd, int blockStart, int blockEnd, TR requantizer, ConvGeometry? window = null)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged, IBinaryInteger<TOut>
        where TR : struct, IRequantizer
    {
        int k = Depth, pairs = Pairs, stride = pairs * 2;
        short[] buffer = ArrayPool<short>.Shared.Rent(4 * stride);
        int* acc = stackalloc int[4 * 2 * Nr];
        bool fused = typeof(TR) == typeof(FloatRequantizer) && sizeof(TOut) == 1 && Avx2.IsSupported && UseAvx512 && Avx512F.VL.IsSupported;
        try
        {
            fixed (short* rows = buffer)
            fixed (short* w = _packed)
            {
                for (int i = rowStart; i < rowEnd; i += 4)
                {
                    int mr = Math.Min(4, rowEnd - i);
                    if (window is null)
                    {
                        for (int r = 0; r < mr; r++) Widen(a + (long)(i + r) * k, rows + r * stride, k, aZeroPoint);
                    }
                    else
                    {
                        // Pixel coordinates once per group, then stepped (no divisions per pixel).
                        int perImage = window.OutputHeight * window.OutputWidth;
                        int img = i / perImage, rem = i - img * perImage;
                        int oy = rem / window.OutputWidth, ox = rem - oy * window.OutputWidth;
                        for (int r = 0; r < mr; r++)
                        {
                            WidenWindow(a, window, img, oy, ox, rows + r * stride, k, aZeroPoint);
                            if (++ox == window.OutputWidth)
                            {
                                ox = 0;
                                if (++oy == window.OutputHeight)
                                {
                                    oy = 0;
                                    img++;
                                }
                            }
                        }
                    }

                    for (int b = blockStart; b < blockEnd; b += 2)
                    {
                        int nb = Math.Min(2, blockEnd - b);
                        if (fused && nb == 2 && mr == 4 && (b + 2) * Nr <= Units)
                        {
                            KernelRequantized(rows, stride, w + (long)b * pairs * Nr * 2, pairs, b * Nr, bias, Unsafe.As<TR, FloatRequantizer>(ref requantizer), (byte*)(output + (long)i * Units), Units);
                            continue;
                        }

                        if (Avx2.IsSupported) Kernel(rows, stride, mr, w + (long)b * pairs * Nr * 2, pairs, nb, acc);
                        else KernelScalar(rows, stride, mr, w + (long)b * pairs * Nr * 2, pairs, nb, acc);
                        if (typeof(TR) == typeof(FloatRequantizer) && Avx2.IsSupported && (b + nb) * Nr <= Units)
                        {
                            StoreFloatRequantized(acc, mr, nb, b * Nr, bias, Unsafe.As<TR, FloatRequantizer>(ref requantizer), output + (long)i * Units, Units);
                            continue;
                        }

                        for (int r = 0; r < mr; r++)
                        {
                            TOut* o = output + (long)(i + r) * Units;
                            for (int c = 0; c < nb * Nr; c++)
                            {
                                int j = b * Nr + c;
                                if (j >= Units) break;
                                int v = acc[r * 2 * Nr + c] + (bias != null ? bias[j] : 0);
                                o[j] = TOut.CreateTruncating(requantizer.Requantize(v, j));
                            }
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<short>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// XNNPACK's float requantization of whole 8-channel blocks, vectorized: (float)(acc + bias) · scale, clamped to
    /// [min − zp, max − zp], rounded half to even (cvtps2dq), + zp; the same values as <see cref="FloatRequantizer"/>.
    /// </summary>
    internal static unsafe void StoreFloatRequantized<TOut>(int* acc, int mr, int nb, int channel, int* bias, FloatRequantizer q, TOut* output, int rowStride)
        where TOut : unmanaged, IBinaryInteger<TOut>
    {
        var lo = Vector256.Create((float)(q.Min - q.ZeroPoint));
        var hi = Vector256.Create((float)(q.Max - q.ZeroPoint));
        var zp = Vector256.Create(q.ZeroPoint);
        var scales = q.Scales;
        bool vpmovdb = UseAvx512 && Avx512F.VL.IsSupported;
        if (nb == 2 && sizeof(TOut) == 1 && vpmovdb)
        {
            // Both blocks of a row are 16 consecutive accumulators and 16 consecutive outputs: one 512-bit vector.
            var scale16 = scales.Length == 1 ? Vector512.Create(scales[0]) : Vector512.LoadUnsafe(ref scales[channel]);
            var bias16 = bias != null ? Vector512.Load(bias + channel) : Vector512<int>.Zero;
            var lo16 = Vector512.Create(lo, lo);
            var hi16 = Vector512.Create(hi, hi);
            var zp16 = Vector512.Create(zp, zp);
            for (int r = 0; r < mr; r++)
            {
                var v = Avx512F.ConvertToVector512Single(Vector512.Load(acc + r * 2 * Nr) + bias16) * scale16;
                v = Avx512F.Min(Avx512F.Max(v, lo16), hi16);
                Avx512F.ConvertToVector128Byte(Avx512F.ConvertToVector512Int32(v) + zp16).Store((byte*)(output + (long)r * rowStride + channel));
            }

            return;
        }

        for (int blk = 0; blk < nb; blk++)
        {
            int j = channel + blk * Nr;
            // Whole blocks only (j + 8 <= channels = scales.Length when per channel), so the vector load stays inside.
            var scale = scales.Length == 1 ? Vector256.Create(scales[0]) : Vector256.LoadUnsafe(ref scales[j]);
            var bv = bias != null ? Vector256.Load(bias + j) : Vector256<int>.Zero;
            for (int r = 0; r < mr; r++)
            {
                var v = Avx.ConvertToVector256Single(Vector256.Load(acc + r * 2 * Nr + blk * Nr) + bv) * scale;
                v = Avx.Min(Avx.Max(v, lo), hi);
                var r32 = Avx.ConvertToVector256Int32(v) + zp;
                TOut* o = output + (long)r * rowStride + j;
                if (sizeof(TOut) == 1 && vpmovdb)
                {
                    // q lies in the output type's range, so the truncating narrow (vpmovdb) is exact for uint8 and int8.
                    Unsafe.WriteUnaligned(o, Avx512F.VL.ConvertToVector128Byte(r32).AsUInt64().ToScalar());
                }
                else if (sizeof(TOut) == 1)
                {
                    // q lies in the output type's range, so truncating narrows are exact.
                    var s16 = Vector128.Narrow(r32.GetLower(), r32.GetUpper());
                    Unsafe.WriteUnaligned(o, Vector128.Narrow(s16, s16).AsUInt64().ToScalar());
                }
                else
                {
                    for (int c = 0; c < Nr; c++) o[c] = TOut.CreateTruncating(r32.GetElement(c));
                }
            }
        }
    }

    /// <summary>
    /// <see cref="Kernel"/> for 4 rows × 16 channels with the bias as the accumulators' start and XNNPACK's float
    /// requantization straight from registers, each row's 16 outputs from one 512-bit vector (no accumulator buffer).
    /// </summary>
    private static unsafe void KernelRequantized(short* rows, int stride, short* w, int pairs, int channel, int* bias, FloatRequantizer q, byte* output, int rowStride)
    {
        var b0v = bias != null ? Vector256.Load(bias + channel) : Vector256<int>.Zero;
        var b1v = bias != null ? Vector256.Load(bias + channel + Nr) : Vector256<int>.Zero;
        Vector256<int> c00 = b0v, c01 = b1v, c10 = b0v, c11 = b1v, c20 = b0v, c21 = b1v, c30 = b0v, c31 = b1v;
        int* p0 = (int*)rows, p1 = (int*)(rows + stride), p2 = (int*)(rows + 2 * stride), p3 = (int*)(rows + 3 * stride);
        short* w1 = w + pairs * Nr * 2;
        for (int p = 0; p < pairs; p++)
        {
            var b0 = Vector256.Load(w + p * 16);
            var b1 = Vector256.Load(w1 + p * 16);
            var a0 = Vector256.Create(p0[p]).AsInt16();
            var a1 = Vector256.Create(p1[p]).AsInt16();
            c00 += Avx2.MultiplyAddAdjacent(a0, b0);
            c01 += Avx2.MultiplyAddAdjacent(a0, b1);
            c10 += Avx2.MultiplyAddAdjacent(a1, b0);
            c11 += Avx2.MultiplyAddAdjacent(a1, b1);
            var a2 = Vector256.Create(p2[p]).AsInt16();
            var a3 = Vector256.Create(p3[p]).AsInt16();
            c20 += Avx2.MultiplyAddAdjacent(a2, b0);
            c21 += Avx2.MultiplyAddAdjacent(a2, b1);
            c30 += Avx2.MultiplyAddAdjacent(a3, b0);
            c31 += Avx2.MultiplyAddAdjacent(a3, b1);
        }

        var scales = q.Scales;
        var scale = scales.Length == 1 ? Vector512.Create(scales[0]) : Vector512.LoadUnsafe(ref scales[channel]);
        var lo = Vector512.Create((float)(q.Min - q.ZeroPoint));
        var hi = Vector512.Create((float)(q.Max - q.ZeroPoint));
        var zp = Vector512.Create(q.ZeroPoint);
        output += channel;
        StoreSixteen(Vector512.Create(c00, c01), scale, lo, hi, zp, output);
        StoreSixteen(Vector512.Create(c10, c11), scale, lo, hi, zp, output + rowStride);
        StoreSixteen(Vector512.Create(c20, c21), scale, lo, hi, zp, output + 2L * rowStride);
        StoreSixteen(Vector512.Create(c30, c31), scale, lo, hi, zp, output + 3L * rowStride);
    }

    /// <summary>16 lanes of (float)acc · scale, clamped, rounded half to even (cvtps2dq), + zero point, narrowed (vpmovdb, exact: q is in range).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void StoreSixteen(Vector512<int> acc, Vector512<float> scale, Vector512<float> lo, Vector512<float> hi, Vector512<int> zp, byte* dst)
    {
        var v = Avx512F.ConvertToVector512Single(acc) * scale;
        v = Avx512F.Min(Avx512F.Max(v, lo), hi);
        Avx512F.ConvertToVector128Byte(Avx512F.ConvertToVector512Int32(v) + zp).Store(dst);
    }

    /// <summary>acc[r][0..16) for up to 4 rows and 1 or 2 channel blocks.</summary>
    private static unsafe void Kernel(short* rows, int stride, int mr, short* w, int pairs, int nb, int* acc)
    {
        Vector256<int> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        int* p0 = (int*)rows, p1 = (int*)(rows + stride), p2 = (int*)(rows + 2 * stride), p3 = (int*)(rows + 3 * stride);
        short* w1 = w + pairs * Nr * 2;
        if (nb == 2 && mr == 4)
        {
            for (int p = 0; p < pairs; p++)
            {
                var b0 = Vector256.Load(w + p * 16);
                var b1 = Vector256.Load(w1 + p * 16);
                var a0 = Vector256.Create(p0[p]).AsInt16();
                var a1 = Vector256.Create(p1[p]).AsInt16();
                c00 += Avx2.MultiplyAddAdjacent(a0, b0);
                c01 += Avx2.MultiplyAddAdjacent(a0, b1);
                c10 += Avx2.MultiplyAddAdjacent(a1, b0);
                c11 += Avx2.MultiplyAddAdjacent(a1, b1);
                var a2 = Vector256.Create(p2[p]).AsInt16();
                var a3 = Vector256.Create(p3[p]).AsInt16();
                c20 += Avx2.MultiplyAddAdjacent(a2, b0);
                c21 += Avx2.MultiplyAddAdjacent(a2, b1);
                c30 += Avx2.MultiplyAddAdjacent(a3, b0);
                c31 += Avx2.MultiplyAddAdjacent(a3, b1);
            }
        }
        else if (nb == 1 && mr == 4)
        {
            for (int p = 0; p < pairs; p++)
            {
                var b0 = Vector256.Load(w + p * 16);
                c00 += Avx2.MultiplyAddAdjacent(Vector256.Create(p0[p]).AsInt16(), b0);
                c10 += Avx2.MultiplyAddAdjacent(Vector256.Create(p1[p]).AsInt16(), b0);
                c20 += Avx2.MultiplyAddAdjacent(Vector256.Create(p2[p]).AsInt16(), b0);
                c30 += Avx2.MultiplyAddAdjacent(Vector256.Create(p3[p]).AsInt16(), b0);
            }
        }
        else
        {
            for (int p = 0; p < pairs; p++)
            {
                var b0 = Vector256.Load(w + p * 16);
                var b1 = nb == 2 ? Vector256.Load(w1 + p * 16) : default;
                var a0 = Vector256.Create(p0[p]).AsInt16();
                c00 += Avx2.MultiplyAddAdjacent(a0, b0);
                c01 += Avx2.MultiplyAddAdjacent(a0, b1);
                if (mr > 1)
                {
                    var a1 = Vector256.Create(p1[p]).AsInt16();
                    c10 += Avx2.MultiplyAddAdjacent(a1, b0);
                    c11 += Avx2.MultiplyAddAdjacent(a1, b1);
                }

                if (mr > 2)
                {
                    var a2 = Vector256.Create(p2[p]).AsInt16();
                    c20 += Avx2.MultiplyAddAdjacent(a2, b0);
                    c21 += Avx2.MultiplyAddAdjacent(a2, b1);
                }

                if (mr > 3)
                {
                    var a3 = Vector256.Create(p3[p]).AsInt16();
                    c30 += Avx2.MultiplyAddAdjacent(a3, b0);
                    c31 += Avx2.MultiplyAddAdjacent(a3, b1);
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

    private static unsafe void KernelScalar(short* rows, int stride, int mr, short* w, int pairs, int nb, int* acc)
    {
        for (int r = 0; r < mr; r++)
        {
            short* row = rows + r * stride;
            for (int c = 0; c < nb * Nr; c++)
            {
                short* wb = w + (c / Nr) * pairs * Nr * 2 + (c % Nr) * 2;
                int s = 0;
                for (int p = 0; p < pairs; p++) s += row[2 * p] * wb[p * 16] + row[2 * p + 1] * wb[p * 16 + 1];
                acc[r * 2 * Nr + c] = s;
            }
        }
    }

    /// <summary>The im2col row of output pixel (b, oy, ox) minus the zero point as int16 (0 outside the input), padded to an even length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void WidenWindow<TIn>(TIn* input, ConvGeometry g, int b, int oy, int ox, short* dst, int k, int zeroPoint) where TIn : unmanaged, IBinaryInteger<TIn>
    {
        int inY0 = oy * g.StrideHeight - g.PadTop, inX0 = ox * g.StrideWidth - g.PadLeft;
        int depth = g.InputDepth, span = g.FilterWidth * depth;
        bool xInside = g.DilationWidth == 1 && inX0 >= 0 && inX0 + g.FilterWidth <= g.InputWidth;
        short* o = dst;
        for (int ky = 0; ky < g.FilterHeight; ky++, o += span)
        {
            int iy = inY0 + ky * g.DilationHeight;
            if ((uint)iy >= (uint)g.InputHeight)
            {
                new Span<short>(o, span).Clear();
                continue;
            }

            TIn* line = input + ((long)b * g.InputHeight + iy) * g.InputWidth * depth;
            if (xInside)
            {
                WidenValues(line + (long)inX0 * depth, o, span, zeroPoint);
                continue;
            }

            for (int kx = 0; kx < g.FilterWidth; kx++)
            {
                int ix = inX0 + kx * g.DilationWidth;
                if ((uint)ix < (uint)g.InputWidth) WidenValues(line + (long)ix * depth, o + kx * depth, depth, zeroPoint);
                else new Span<short>(o + kx * depth, depth).Clear();
            }
        }

        if ((k & 1) != 0) dst[k] = 0;
    }

    /// <summary>Row values minus the zero point as int16, with a zero pad to an even length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Widen<TIn>(TIn* src, short* dst, int k, int zeroPoint) where TIn : unmanaged, IBinaryInteger<TIn>
    {
        WidenValues(src, dst, k, zeroPoint);
        if ((k & 1) != 0) dst[k] = 0;
    }

    /// <summary>dst[t] = src[t] − zeroPoint as int16 for t in [0, n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void WidenValues<TIn>(TIn* src, short* dst, int k, int zeroPoint) where TIn : unmanaged, IBinaryInteger<TIn>
    {
        int t = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var zp = Vector256.Create((short)zeroPoint);
            if (typeof(TIn) == typeof(byte))
            {
                for (; t <= k - 16; t += 16) (Vector256.WidenLower(Vector128.Load((byte*)src + t).ToVector256Unsafe()).AsInt16() - zp).Store(dst + t);
                for (; t <= k - 8; t += 8) (Vector128.WidenLower(Vector128.CreateScalar(Unsafe.ReadUnaligned<ulong>((byte*)src + t)).AsByte()).AsInt16() - zp.GetLower()).Store(dst + t);
            }
            else if (typeof(TIn) == typeof(sbyte))
            {
                for (; t <= k - 16; t += 16) (Vector256.WidenLower(Vector128.Load((sbyte*)src + t).ToVector256Unsafe()) - zp).Store(dst + t);
                for (; t <= k - 8; t += 8) (Vector128.WidenLower(Vector128.CreateScalar(Unsafe.ReadUnaligned<ulong>((sbyte*)src + t)).AsSByte()) - zp.GetLower()).Store(dst + t);
            }
        }

        for (; t < k; t++) dst[t] = (short)(int.CreateTruncating(src[t]) - zeroPoint);
    }
}
