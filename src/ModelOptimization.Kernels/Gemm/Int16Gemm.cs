using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ModelOptimization.Kernels.X86;

namespace ModelOptimization.Kernels.Gemm;

/// <summary>Consumes an int32 tile of exact dot products (row-major, <c>stride</c> ints per row).</summary>
internal unsafe interface IInt32TileEpilogue
{
    /// <param name="firstBlock">The tile holds the first depth block of these outputs.</param>
    /// <param name="lastBlock">The tile holds the last depth block: the outputs are complete.</param>
    void Apply(int* tile, int stride, int row0, int rows, int col0, int cols, bool firstBlock, bool lastBlock);

    /// <summary>Gives the epilogue per-thread scratch (<see cref="Int16Gemm.Mr"/> × 32 int64), before any Apply.</summary>
    void BindScratch(long* scratch);
}

/// <summary>
/// Integer GEMM on int16 operands: dot[r, c] = Σ_k A[r, k] · W[c, k] in int32, exactly (wrapping on overflow, as
/// TFLite's int32 accumulators). A is row-major with an even row length <c>kp</c> (the depth padded with a zero);
/// W is packed in panels of <c>nr</c> columns holding, for every depth pair, <c>nr</c> × (w[2q], w[2q+1]).
/// The vector paths use pmaddwd (x86), exact because operands stay within [-32768, 32767] × [-255, 255].
/// Integer sums do not depend on order, so every path and thread count gives the same bits.
/// </summary>
internal static unsafe class Int16Gemm
{
    internal const int Mr = 6;

    internal static int PanelWidthFor(int pairBits) => pairBits switch { 512 => 32, 256 => 16, _ => 8 };

    internal static int PaddedDepth(int k) => (k + 1) & ~1;

    internal static int PackedLength(int n, int k, int nr) => ((n + nr - 1) / nr) * nr * PaddedDepth(k);

    internal static void PackInt8(ReadOnlySpan<sbyte> w, int n, int k, int nr, Span<short> packed)
    {
        int kp = PaddedDepth(k);
        int panels = (n + nr - 1) / nr;
        packed.Slice(0, panels * nr * kp).Clear();
        for (int col = 0; col < n; col++)
        {
            int p = col / nr, j = col % nr;
            Span<short> dst = packed.Slice(p * nr * kp);
            ReadOnlySpan<sbyte> row = w.Slice(col * k, k);
            for (int kk = 0; kk < k; kk++) dst[((kk >> 1) * nr + j) * 2 + (kk & 1)] = row[kk];
        }
    }

    internal static void PackUInt8(ReadOnlySpan<byte> w, int zeroPoint, int n, int k, int nr, Span<short> packed)
    {
        int kp = PaddedDepth(k);
        int panels = (n + nr - 1) / nr;
        packed.Slice(0, panels * nr * kp).Clear();
        for (int col = 0; col < n; col++)
        {
            int p = col / nr, j = col % nr;
            Span<short> dst = packed.Slice(p * nr * kp);
            ReadOnlySpan<byte> row = w.Slice(col * k, k);
            for (int kk = 0; kk < k; kk++) dst[((kk >> 1) * nr + j) * 2 + (kk & 1)] = (short)(row[kk] - zeroPoint);
        }
    }

    /// <summary>
    /// For rows [r0, r1) and panels [p0, p1): computes the dot products in depth blocks of
    /// <paramref name="blockPairs"/> pairs and hands each tile to <paramref name="epilogue"/>.
    /// </summary>
    /// <param name="rowOffset">Added to the row numbers handed to the epilogue (im2col chunks start at a later pixel).</param>
    internal static void Run<TE>(short* a, int kp, short* packed, int nr, int n, int r0, int r1, int p0, int p1,
        int blockPairs, ref TE epilogue, int rowOffset = 0) where TE : struct, IInt32TileEpilogue
    {
        int bits = Isa.Int16PairBits;
        if (nr == 32 && bits >= 512)
            RunVector<Int16PairVector512, Vector512<short>, Vector512<int>, TE>(a, kp, packed, n, r0, r1, p0, p1, blockPairs, ref epilogue, rowOffset);
        else if (nr == 16 && bits >= 256)
            RunVector<Int16PairVector256, Vector256<short>, Vector256<int>, TE>(a, kp, packed, n, r0, r1, p0, p1, blockPairs, ref epilogue, rowOffset);
        else if (nr == 8 && bits >= 128)
            RunVector<Int16PairVector128, Vector128<short>, Vector128<int>, TE>(a, kp, packed, n, r0, r1, p0, p1, blockPairs, ref epilogue, rowOffset);
        else
            RunScalar(a, kp, packed, nr, n, r0, r1, p0, p1, blockPairs, ref epilogue, rowOffset);
    }

    private static void RunScalar<TE>(short* a, int kp, short* packed, int nr, int n, int r0, int r1, int p0, int p1,
        int blockPairs, ref TE epilogue, int rowOffset) where TE : struct, IInt32TileEpilogue
    {
        int pairs = kp / 2;
        int* tile = stackalloc int[nr];
        for (int p = p0; p < p1; p++)
        {
            short* bp = packed + (long)p * nr * kp;
            int col0 = p * nr;
            int cols = Math.Min(nr, n - col0);
            for (int r = r0; r < r1; r++)
            {
                short* ar = a + (long)r * kp;
                for (int q0 = 0; q0 == 0 || q0 < pairs; q0 += blockPairs)
                {
                    int q1 = Math.Min(pairs, q0 + blockPairs);
                    for (int j = 0; j < nr; j++)
                    {
                        int acc = 0;
                        for (int q = q0; q < q1; q++)
                        {
                            short* w = bp + (q * nr + j) * 2;
                            acc = unchecked(acc + ar[2 * q] * w[0] + ar[2 * q + 1] * w[1]);
                        }

                        tile[j] = acc;
                    }

                    epilogue.Apply(tile, nr, r + rowOffset, 1, col0, cols, q0 == 0, q1 >= pairs);
                }
            }
        }
    }

    private static void RunVector<TS, TVs, TVi, TE>(short* a, int kp, short* packed, int n, int r0, int r1, int p0, int p1,
        int blockPairs, ref TE epilogue, int rowOffset)
        where TS : struct, IInt16PairVector<TVs, TVi> where TVs : struct where TVi : struct where TE : struct, IInt32TileEpilogue
    {
        int nr = 2 * TS.Count;
        int pairs = kp / 2;
        int* tile = stackalloc int[Mr * 32];
        for (int p = p0; p < p1; p++)
        {
            short* bp = packed + (long)p * nr * kp;
            int col0 = p * nr;
            int cols = Math.Min(nr, n - col0);
            int r = r0;
            while (r < r1)
            {
                int rows = Math.Min(Mr, r1 - r);
                if (rows < 3) rows = 1;
                for (int q0 = 0; q0 == 0 || q0 < pairs; q0 += blockPairs)
                {
                    int q1 = Math.Min(pairs, q0 + blockPairs);
                    if (rows == 1)
                        Kernel1<TS, TVs, TVi>(a + (long)r * kp + 2 * q0, bp + (long)q0 * nr * 2, q1 - q0, tile);
                    else
                        Kernel6<TS, TVs, TVi>(a + (long)r * kp + 2 * q0, kp, rows, bp + (long)q0 * nr * 2, q1 - q0, tile, nr);
                    epilogue.Apply(tile, nr, r + rowOffset, rows, col0, cols, q0 == 0, q1 >= pairs);
                }

                r += rows;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6<TS, TVs, TVi>(short* a, int lda, int rows, short* b, int pairs, int* tile, int stride)
        where TS : struct, IInt16PairVector<TVs, TVi> where TVs : struct where TVi : struct
    {
        int w = 2 * TS.Count; // int16 per vector
        short* a0 = a;
        short* a1 = rows > 1 ? a + lda : a;
        short* a2 = rows > 2 ? a + 2 * lda : a;
        short* a3 = rows > 3 ? a + 3 * lda : a;
        short* a4 = rows > 4 ? a + 4 * lda : a;
        short* a5 = rows > 5 ? a + 5 * lda : a;
        TVi c00 = TS.Zero, c01 = TS.Zero, c10 = TS.Zero, c11 = TS.Zero, c20 = TS.Zero, c21 = TS.Zero;
        TVi c30 = TS.Zero, c31 = TS.Zero, c40 = TS.Zero, c41 = TS.Zero, c50 = TS.Zero, c51 = TS.Zero;
        for (int q = 0; q < pairs; q++)
        {
            TVs b0 = TS.Load(b);
            TVs b1 = TS.Load(b + w);
            b += 2 * w;
            TVs x = TS.BroadcastPair(a0 + 2 * q);
            c00 = TS.MultiplyAddPairs(x, b0, c00);
            c01 = TS.MultiplyAddPairs(x, b1, c01);
            x = TS.BroadcastPair(a1 + 2 * q);
            c10 = TS.MultiplyAddPairs(x, b0, c10);
            c11 = TS.MultiplyAddPairs(x, b1, c11);
            x = TS.BroadcastPair(a2 + 2 * q);
            c20 = TS.MultiplyAddPairs(x, b0, c20);
            c21 = TS.MultiplyAddPairs(x, b1, c21);
            x = TS.BroadcastPair(a3 + 2 * q);
            c30 = TS.MultiplyAddPairs(x, b0, c30);
            c31 = TS.MultiplyAddPairs(x, b1, c31);
            x = TS.BroadcastPair(a4 + 2 * q);
            c40 = TS.MultiplyAddPairs(x, b0, c40);
            c41 = TS.MultiplyAddPairs(x, b1, c41);
            x = TS.BroadcastPair(a5 + 2 * q);
            c50 = TS.MultiplyAddPairs(x, b0, c50);
            c51 = TS.MultiplyAddPairs(x, b1, c51);
        }

        int v = TS.Count;
        TS.Store(c00, tile); TS.Store(c01, tile + v);
        TS.Store(c10, tile + stride); TS.Store(c11, tile + stride + v);
        TS.Store(c20, tile + 2 * stride); TS.Store(c21, tile + 2 * stride + v);
        TS.Store(c30, tile + 3 * stride); TS.Store(c31, tile + 3 * stride + v);
        TS.Store(c40, tile + 4 * stride); TS.Store(c41, tile + 4 * stride + v);
        TS.Store(c50, tile + 5 * stride); TS.Store(c51, tile + 5 * stride + v);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel1<TS, TVs, TVi>(short* a, short* b, int pairs, int* tile)
        where TS : struct, IInt16PairVector<TVs, TVi> where TVs : struct where TVi : struct
    {
        int w = 2 * TS.Count;
        TVi c0 = TS.Zero, c1 = TS.Zero;
        for (int q = 0; q < pairs; q++)
        {
            TVs x = TS.BroadcastPair(a + 2 * q);
            c0 = TS.MultiplyAddPairs(x, TS.Load(b), c0);
            c1 = TS.MultiplyAddPairs(x, TS.Load(b + w), c1);
            b += 2 * w;
        }

        TS.Store(c0, tile);
        TS.Store(c1, tile + TS.Count);
    }
}
