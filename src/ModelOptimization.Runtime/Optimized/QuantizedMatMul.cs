using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using ModelOptimization.Runtime.Execution;

using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Optimized;

/// <summary>
/// 8-bit matrix product with exact int32 accumulators and a pluggable requantization: out[i, j] =
/// R(Σ_k (a[i, k] − za)(w[j, k] − zw) + bias[j], j). Weights are widened to int16 with their zero point removed
/// once in prepare; rows of A are widened per call. Used where the output must follow an arithmetic other than the
/// Kernels project's (XNNPACK's float requantization). Integer results do not depend on the path or thread count.
/// </summary>
internal sealed class QuantizedMatMul
{
    private const int Block = 16;
    private readonly short[] _weights;

    private QuantizedMatMul(short[] weights, int n, int k, int paddedK)
    {
        _weights = weights;
        Units = n;
        Depth = k;
        PaddedDepth = paddedK;
    }

    public int Units { get; }

    public int Depth { get; }

    public int PaddedDepth { get; }

    public long SizeInBytes => _weights.LongLength * sizeof(short);

    /// <summary>Packs weights [n × k] (int8 or uint8) minus their zero point.</summary>
    public static QuantizedMatMul Create<T>(ReadOnlySpan<T> weights, int zeroPoint, int n, int k) where T : unmanaged, IBinaryInteger<T>
    {
        int kp = (k + Block - 1) / Block * Block;
        var w = new short[n * kp];
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < k; i++) w[j * kp + i] = (short)(int.CreateTruncating(weights[j * k + i]) - zeroPoint);
        }

        return new QuantizedMatMul(w, n, k, kp);
    }

    /// <summary>Computes m rows. Parallel over rows when there are several, else over blocks of output units.</summary>
    public unsafe void Run<TIn, TOut, TR>(ReadOnlySpan<TIn> a, int aZeroPoint, ReadOnlySpan<int> bias, Span<TOut> output, int m, TR requantizer, int threads)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged, IBinaryInteger<TOut>
        where TR : struct, IRequantizer
    {
        int n = Units, k = Depth;
        fixed (TIn* pa = a)
        fixed (int* pb = bias)
        fixed (TOut* po = output)
        {
            nint ia = (nint)pa, ib = bias.IsEmpty ? 0 : (nint)pb, io = (nint)po;
            if (m >= threads || m * (long)n * k < ParallelWork.MinWorkPerThread)
            {
                ParallelWork.For(threads, m, (long)n * k, (s, e, _) => Rows((TIn*)ia, aZeroPoint, (int*)ib, (TOut*)io, s, e, 0, n, requantizer));
            }
            else
            {
                int blocks = (n + 7) / 8;
                ParallelWork.For(threads, blocks, (long)m * k * 8, (s, e, _) => Rows((TIn*)ia, aZeroPoint, (int*)ib, (TOut*)io, 0, m, s * 8, Math.Min(n, e * 8), requantizer));
            }
        }
    }

    private unsafe void Rows<TIn, TOut, TR>(TIn* a, int aZeroPoint, int* bias, TOut* output, int rowStart, int rowEnd, int colStart, int colEnd, TR requantizer)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged, IBinaryInteger<TOut>
        where TR : struct, IRequantizer
    {
        int n = Units, k = Depth, kp = PaddedDepth;
        short[] rows = ArrayPool<short>.Shared.Rent(2 * kp);
        try
        {
            Array.Clear(rows, 0, 2 * kp);
            fixed (short* r0 = rows)
            fixed (short* w = _weights)
            {
                short* r1 = r0 + kp;
                int* d = stackalloc int[8];
                int i = rowStart;
                for (; i + 2 <= rowEnd; i += 2)
                {
                    Widen(a + (long)i * k, r0, k, aZeroPoint);
                    Widen(a + (long)(i + 1) * k, r1, k, aZeroPoint);
                    int j = colStart;
                    for (; j + 4 <= colEnd; j += 4)
                    {
                        Dot2x4(r0, r1, w + (long)j * kp, kp, d);
                        for (int t = 0; t < 4; t++)
                        {
                            int bj = bias != null ? bias[j + t] : 0;
                            output[(long)i * n + j + t] = TOut.CreateTruncating(requantizer.Requantize(d[t] + bj, j + t));
                            output[(long)(i + 1) * n + j + t] = TOut.CreateTruncating(requantizer.Requantize(d[4 + t] + bj, j + t));
                        }
                    }

                    for (; j < colEnd; j++)
                    {
                        int bj = bias != null ? bias[j] : 0;
                        output[(long)i * n + j] = TOut.CreateTruncating(requantizer.Requantize(Dot(r0, w + (long)j * kp, kp) + bj, j));
                        output[(long)(i + 1) * n + j] = TOut.CreateTruncating(requantizer.Requantize(Dot(r1, w + (long)j * kp, kp) + bj, j));
                    }
                }

                for (; i < rowEnd; i++)
                {
                    Widen(a + (long)i * k, r0, k, aZeroPoint);
                    for (int j = colStart; j < colEnd; j++)
                    {
                        int bj = bias != null ? bias[j] : 0;
                        output[(long)i * n + j] = TOut.CreateTruncating(requantizer.Requantize(Dot(r0, w + (long)j * kp, kp) + bj, j));
                    }
                }
            }
        }
        finally
        {
            ArrayPool<short>.Shared.Return(rows);
        }
    }

    /// <summary>Row values minus the zero point as int16 (the padded tail stays 0).</summary>
    private static unsafe void Widen<TIn>(TIn* src, short* dst, int k, int zeroPoint) where TIn : unmanaged, IBinaryInteger<TIn>
    {
        int t = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var zp = Vector256.Create((short)zeroPoint);
            if (typeof(TIn) == typeof(byte))
            {
                for (; t <= k - 16; t += 16)
                {
                    Vector256.WidenLower(Vector128.Load((byte*)src + t).ToVector256Unsafe()).AsInt16().Store(dst + t);
                    (Vector256.Load(dst + t) - zp).Store(dst + t);
                }
            }
            else if (typeof(TIn) == typeof(sbyte))
            {
                for (; t <= k - 16; t += 16)
                {
                    (Vector256.WidenLower(Vector128.Load((sbyte*)src + t).ToVector256Unsafe()) - zp).Store(dst + t);
                }
            }
        }

        for (; t < k; t++) dst[t] = (short)(int.CreateTruncating(src[t]) - zeroPoint);
    }

    private static unsafe int Dot(short* row, short* w, int kp)
    {
        if (Avx2.IsSupported)
        {
            var acc = Vector256<int>.Zero;
            for (int t = 0; t < kp; t += 16) acc = Avx2.Add(acc, Avx2.MultiplyAddAdjacent(Vector256.Load(row + t), Vector256.Load(w + t)));
            return Vector256.Sum(acc);
        }

        int s = 0;
        for (int t = 0; t < kp; t++) s += row[t] * w[t];
        return s;
    }

    /// <summary>The four horizontal sums of four vectors, as one vector [Σa, Σb, Σc, Σd] (exact in int32).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<int> Sum4(Vector256<int> a, Vector256<int> b, Vector256<int> c, Vector256<int> d)
    {
        var ab = Avx2.HorizontalAdd(a, b);
        var cd = Avx2.HorizontalAdd(c, d);
        var abcd = Avx2.HorizontalAdd(ab, cd);
        return abcd.GetLower() + abcd.GetUpper();
    }

    /// <summary>Dot products of two rows with four weight rows: d[0..3] for row 0, d[4..7] for row 1.</summary>
    private static unsafe void Dot2x4(short* r0, short* r1, short* w, int kp, int* d)
    {
        if (Avx512BW.IsSupported && kp % 32 == 0)
        {
            Vector512<int> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            for (int t = 0; t < kp; t += 32)
            {
                var x = Vector512.Load(r0 + t);
                var y = Vector512.Load(r1 + t);
                var w0 = Vector512.Load(w + t);
                var w1 = Vector512.Load(w + kp + t);
                var w2 = Vector512.Load(w + 2 * kp + t);
                var w3 = Vector512.Load(w + 3 * kp + t);
                a0 += Avx512BW.MultiplyAddAdjacent(x, w0);
                a1 += Avx512BW.MultiplyAddAdjacent(x, w1);
                a2 += Avx512BW.MultiplyAddAdjacent(x, w2);
                a3 += Avx512BW.MultiplyAddAdjacent(x, w3);
                b0 += Avx512BW.MultiplyAddAdjacent(y, w0);
                b1 += Avx512BW.MultiplyAddAdjacent(y, w1);
                b2 += Avx512BW.MultiplyAddAdjacent(y, w2);
                b3 += Avx512BW.MultiplyAddAdjacent(y, w3);
            }

            Sum4(a0.GetLower() + a0.GetUpper(), a1.GetLower() + a1.GetUpper(), a2.GetLower() + a2.GetUpper(), a3.GetLower() + a3.GetUpper()).Store(d);
            Sum4(b0.GetLower() + b0.GetUpper(), b1.GetLower() + b1.GetUpper(), b2.GetLower() + b2.GetUpper(), b3.GetLower() + b3.GetUpper()).Store(d + 4);
            return;
        }

        if (Avx2.IsSupported)
        {
            Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, b0 = default, b1 = default, b2 = default, b3 = default;
            for (int t = 0; t < kp; t += 16)
            {
                var x = Vector256.Load(r0 + t);
                var y = Vector256.Load(r1 + t);
                var w0 = Vector256.Load(w + t);
                var w1 = Vector256.Load(w + kp + t);
                var w2 = Vector256.Load(w + 2 * kp + t);
                var w3 = Vector256.Load(w + 3 * kp + t);
                a0 += Avx2.MultiplyAddAdjacent(x, w0);
                a1 += Avx2.MultiplyAddAdjacent(x, w1);
                a2 += Avx2.MultiplyAddAdjacent(x, w2);
                a3 += Avx2.MultiplyAddAdjacent(x, w3);
                b0 += Avx2.MultiplyAddAdjacent(y, w0);
                b1 += Avx2.MultiplyAddAdjacent(y, w1);
                b2 += Avx2.MultiplyAddAdjacent(y, w2);
                b3 += Avx2.MultiplyAddAdjacent(y, w3);
            }

            Sum4(a0, a1, a2, a3).Store(d);
            Sum4(b0, b1, b2, b3).Store(d + 4);
            return;
        }

        for (int c = 0; c < 4; c++)
        {
            d[c] = Dot(r0, w + c * kp, kp);
            d[4 + c] = Dot(r1, w + c * kp, kp);
        }
    }
}
