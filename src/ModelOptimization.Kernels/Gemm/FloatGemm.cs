using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ModelOptimization.Kernels.Simd;

namespace ModelOptimization.Kernels.Gemm;

/// <summary>
/// C[M×N] = clamp(A[M×K] · Wᵀ + bias) with W packed in panels of <c>nr</c> columns (k-major inside a panel).
/// Every output element is one multiply-add chain over k = 0..K−1 starting from 0 (fused where
/// <see cref="Isa.FusedMultiplyAdd"/>, for the whole process), then + bias, then the clamp. The vector widths, the
/// 6-row and 1-row micro-kernels and the scalar path all follow that order, so the result does not depend on the
/// path, the blocking or the thread count (bit for bit).
/// </summary>
internal static unsafe class FloatGemm
{
    internal const int Mr = 6;

    internal static int PanelWidthFor(int floatBits) => floatBits switch { 512 => 32, 256 => 16, _ => 8 };

    /// <summary>
    /// The panel width for <paramref name="n"/> output columns: the widest path's, halved while n fills at most half a
    /// panel (8 channels would otherwise compute 32 columns, 24 of them padding, on the 512-bit path).
    /// </summary>
    internal static int PanelWidthFor(int floatBits, int n)
    {
        int nr = PanelWidthFor(floatBits);
        while (nr > 8 && n <= nr / 2) nr /= 2;
        return nr;
    }

    internal static int PackedLength(int n, int k, int nr) => ((n + nr - 1) / nr) * nr * k;

    /// <summary>Packs W [n×k] row-major into panels: panel p, depth index kk, column j → p·k·nr + kk·nr + j (zero past n).</summary>
    internal static void Pack(ReadOnlySpan<float> w, int n, int k, int nr, Span<float> packed)
    {
        int panels = (n + nr - 1) / nr;
        for (int p = 0; p < panels; p++)
        {
            Span<float> dst = packed.Slice(p * k * nr, k * nr);
            int col0 = p * nr;
            int cols = Math.Min(nr, n - col0);
            if (cols < nr) dst.Clear();
            for (int j = 0; j < cols; j++)
            {
                ReadOnlySpan<float> row = w.Slice((col0 + j) * k, k);
                for (int kk = 0; kk < k; kk++) dst[kk * nr + j] = row[kk];
            }
        }
    }

    /// <summary>Computes rows [r0, r1) of C for the panels [p0, p1).</summary>
    internal static void Run(float* a, int lda, float* packed, int nr, int n, int k, float* bias, float* c, int ldc,
        int r0, int r1, int p0, int p1, float lo, float hi)
    {
        bool fused = Isa.FusedMultiplyAdd;
        if (nr == 32 && Isa.FloatBits >= 512)
        {
            if (fused) RunVector<FloatVector512, Vector512<float>>(a, lda, packed, n, k, bias, c, ldc, r0, r1, p0, p1, lo, hi);
            else RunVector<UnfusedFloatVector<FloatVector512, Vector512<float>>, Vector512<float>>(a, lda, packed, n, k, bias, c, ldc, r0, r1, p0, p1, lo, hi);
        }
        else if (nr == 16 && Isa.FloatBits >= 256)
        {
            if (fused) RunVector<FloatVector256, Vector256<float>>(a, lda, packed, n, k, bias, c, ldc, r0, r1, p0, p1, lo, hi);
            else RunVector<UnfusedFloatVector<FloatVector256, Vector256<float>>, Vector256<float>>(a, lda, packed, n, k, bias, c, ldc, r0, r1, p0, p1, lo, hi);
        }
        else if (nr == 8 && Isa.FloatBits >= 128)
        {
            if (fused) RunVector<FloatVector128, Vector128<float>>(a, lda, packed, n, k, bias, c, ldc, r0, r1, p0, p1, lo, hi);
            else RunVector<UnfusedFloatVector<FloatVector128, Vector128<float>>, Vector128<float>>(a, lda, packed, n, k, bias, c, ldc, r0, r1, p0, p1, lo, hi);
        }
        else
            RunScalar(a, lda, packed, nr, n, k, bias, c, ldc, r0, r1, p0, p1, lo, hi);
    }

    private static void RunScalar(float* a, int lda, float* packed, int nr, int n, int k, float* bias, float* c, int ldc,
        int r0, int r1, int p0, int p1, float lo, float hi)
    {
        for (int p = p0; p < p1; p++)
        {
            float* bp = packed + (long)p * k * nr;
            int col0 = p * nr;
            int cols = Math.Min(nr, n - col0);
            for (int r = r0; r < r1; r++)
            {
                float* ar = a + (long)r * lda;
                for (int j = 0; j < cols; j++)
                {
                    float acc = 0f;
                    for (int kk = 0; kk < k; kk++) acc = Scalar.MultiplyAdd(ar[kk], bp[kk * nr + j], acc);
                    float b = bias != null ? bias[col0 + j] : 0f;
                    c[(long)r * ldc + col0 + j] = Scalar.Clamp(acc + b, lo, hi);
                }
            }
        }
    }

    private static void RunVector<TS, TV>(float* a, int lda, float* packed, int n, int k, float* bias, float* c, int ldc,
        int r0, int r1, int p0, int p1, float lo, float hi)
        where TS : struct, IFloatVector<TV> where TV : struct
    {
        int nr = 2 * TS.Count;
        float* tmp = stackalloc float[64];
        // The epilogue's operands live in memory, not in registers across the k loop: [bias (nr) | lo | hi].
        float* epilogue = stackalloc float[66];
        epilogue[nr] = lo;
        epilogue[nr + 1] = hi;
        for (int p = p0; p < p1; p++)
        {
            float* bp = packed + (long)p * k * nr;
            int col0 = p * nr;
            int cols = Math.Min(nr, n - col0);
            for (int j = 0; j < nr; j++) epilogue[j] = bias != null && j < cols ? bias[col0 + j] : 0f;

            int r = r0;
            for (; r + Mr <= r1; r += Mr)
                Kernel6<TS, TV>(a + (long)r * lda, lda, Mr, bp, k, c + (long)r * ldc + col0, ldc, cols, epilogue, tmp);
            int rem = r1 - r;
            if (rem >= 3)
            {
                Kernel6<TS, TV>(a + (long)r * lda, lda, rem, bp, k, c + (long)r * ldc + col0, ldc, cols, epilogue, tmp);
            }
            else
            {
                for (; r < r1; r++)
                    Kernel1<TS, TV>(a + (long)r * lda, bp, k, c + (long)r * ldc + col0, cols, epilogue, tmp);
            }
        }
    }

    /// <summary>6 rows × 2 vectors of columns; rows past <paramref name="rows"/> recompute row 0 and are not stored.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6<TS, TV>(float* a, int lda, int rows, float* b, int k, float* c, int ldc, int cols,
        float* epilogue, float* tmp)
        where TS : struct, IFloatVector<TV> where TV : struct
    {
        int w = TS.Count;
        float* a0 = a;
        float* a1 = rows > 1 ? a + lda : a;
        float* a2 = rows > 2 ? a + 2 * lda : a;
        float* a3 = rows > 3 ? a + 3 * lda : a;
        float* a4 = rows > 4 ? a + 4 * lda : a;
        float* a5 = rows > 5 ? a + 5 * lda : a;
        TV c00 = TS.Zero, c01 = TS.Zero, c10 = TS.Zero, c11 = TS.Zero, c20 = TS.Zero, c21 = TS.Zero;
        TV c30 = TS.Zero, c31 = TS.Zero, c40 = TS.Zero, c41 = TS.Zero, c50 = TS.Zero, c51 = TS.Zero;
        for (int kk = 0; kk < k; kk++)
        {
            TV b0 = TS.Load(b);
            TV b1 = TS.Load(b + w);
            b += 2 * w;
            TV x = TS.Broadcast(a0[kk]);
            c00 = TS.FusedMultiplyAdd(x, b0, c00);
            c01 = TS.FusedMultiplyAdd(x, b1, c01);
            x = TS.Broadcast(a1[kk]);
            c10 = TS.FusedMultiplyAdd(x, b0, c10);
            c11 = TS.FusedMultiplyAdd(x, b1, c11);
            x = TS.Broadcast(a2[kk]);
            c20 = TS.FusedMultiplyAdd(x, b0, c20);
            c21 = TS.FusedMultiplyAdd(x, b1, c21);
            x = TS.Broadcast(a3[kk]);
            c30 = TS.FusedMultiplyAdd(x, b0, c30);
            c31 = TS.FusedMultiplyAdd(x, b1, c31);
            x = TS.Broadcast(a4[kk]);
            c40 = TS.FusedMultiplyAdd(x, b0, c40);
            c41 = TS.FusedMultiplyAdd(x, b1, c41);
            x = TS.Broadcast(a5[kk]);
            c50 = TS.FusedMultiplyAdd(x, b0, c50);
            c51 = TS.FusedMultiplyAdd(x, b1, c51);
        }

        StoreRow<TS, TV>(c00, c01, c, cols, epilogue, tmp);
        if (rows > 1) StoreRow<TS, TV>(c10, c11, c + ldc, cols, epilogue, tmp);
        if (rows > 2) StoreRow<TS, TV>(c20, c21, c + 2 * ldc, cols, epilogue, tmp);
        if (rows > 3) StoreRow<TS, TV>(c30, c31, c + 3 * ldc, cols, epilogue, tmp);
        if (rows > 4) StoreRow<TS, TV>(c40, c41, c + 4 * ldc, cols, epilogue, tmp);
        if (rows > 5) StoreRow<TS, TV>(c50, c51, c + 5 * ldc, cols, epilogue, tmp);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel1<TS, TV>(float* a, float* b, int k, float* c, int cols, float* epilogue, float* tmp)
        where TS : struct, IFloatVector<TV> where TV : struct
    {
        int w = TS.Count;
        TV c0 = TS.Zero, c1 = TS.Zero;
        for (int kk = 0; kk < k; kk++)
        {
            TV x = TS.Broadcast(a[kk]);
            c0 = TS.FusedMultiplyAdd(x, TS.Load(b), c0);
            c1 = TS.FusedMultiplyAdd(x, TS.Load(b + w), c1);
            b += 2 * w;
        }

        StoreRow<TS, TV>(c0, c1, c, cols, epilogue, tmp);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TS, TV>(TV x0, TV x1, float* c, int cols, float* epilogue, float* tmp)
        where TS : struct, IFloatVector<TV> where TV : struct
    {
        int w = TS.Count;
        TV lo = TS.Broadcast(epilogue[2 * w]), hi = TS.Broadcast(epilogue[2 * w + 1]);
        // + bias (0 without one, as TFLite's total + bias_value), then the clamp.
        x0 = TS.Clamp(TS.Add(x0, TS.Load(epilogue)), lo, hi);
        x1 = TS.Clamp(TS.Add(x1, TS.Load(epilogue + w)), lo, hi);
        if (cols == 2 * w)
        {
            TS.Store(x0, c);
            TS.Store(x1, c + w);
        }
        else
        {
            TS.Store(x0, tmp);
            TS.Store(x1, tmp + w);
            for (int j = 0; j < cols; j++) c[j] = tmp[j];
        }
    }
}
