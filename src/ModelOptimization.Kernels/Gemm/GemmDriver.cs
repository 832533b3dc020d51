namespace ModelOptimization.Kernels.Gemm;

/// <summary>Threaded drivers: split output panels or row blocks (never the depth) across threads.</summary>
internal static unsafe class GemmDriver
{
    private static bool SplitPanels(int panels, int rowBlocks, int threads) =>
        threads <= 1 || panels >= 2 * threads || panels >= rowBlocks;

    internal static void Float(float* a, int lda, float* packed, int nr, int m, int n, int k, float* bias, float* c, int ldc,
        float lo, float hi, int threadCount)
    {
        if (m == 0 || n == 0) return;
        int panels = (n + nr - 1) / nr;
        int rowBlocks = (m + FloatGemm.Mr - 1) / FloatGemm.Mr;
        var work = new FloatWork
        {
            A = a, Lda = lda, Packed = packed, Nr = nr, M = m, N = n, K = k, Bias = bias, C = c, Ldc = ldc, Lo = lo, Hi = hi,
            Panels = panels, ByPanel = SplitPanels(panels, rowBlocks, threadCount),
        };
        Parallelism.For(threadCount, work.ByPanel ? panels : rowBlocks, work);
    }

    internal static void Int16<TE>(short* a, int kp, short* packed, int nr, int m, int n, int blockPairs, TE epilogue, int threadCount)
        where TE : struct, IInt32TileEpilogue
    {
        if (m == 0 || n == 0) return;
        int panels = (n + nr - 1) / nr;
        int rowBlocks = (m + Int16Gemm.Mr - 1) / Int16Gemm.Mr;
        var work = new IntWork<TE>
        {
            A = a, Kp = kp, Packed = packed, Nr = nr, M = m, N = n, BlockPairs = blockPairs, Epilogue = epilogue,
            Panels = panels, ByPanel = SplitPanels(panels, rowBlocks, threadCount),
        };
        Parallelism.For(threadCount, work.ByPanel ? panels : rowBlocks, work);
    }

    private struct FloatWork : IRangeWork
    {
        public float* A, Packed, Bias, C;
        public int Lda, Nr, M, N, K, Ldc, Panels;
        public float Lo, Hi;
        public bool ByPanel;

        public void Run(int start, int end, int part)
        {
            if (ByPanel)
                FloatGemm.Run(A, Lda, Packed, Nr, N, K, Bias, C, Ldc, 0, M, start, end, Lo, Hi);
            else
                FloatGemm.Run(A, Lda, Packed, Nr, N, K, Bias, C, Ldc, start * FloatGemm.Mr, Math.Min(end * FloatGemm.Mr, M), 0, Panels, Lo, Hi);
        }
    }

    private struct IntWork<TE> : IRangeWork where TE : struct, IInt32TileEpilogue
    {
        public short* A, Packed;
        public int Kp, Nr, M, N, Panels, BlockPairs;
        public bool ByPanel;
        public TE Epilogue;

        public void Run(int start, int end, int part)
        {
            long* scratch = stackalloc long[Int16Gemm.Mr * 32];
            TE epilogue = Epilogue;
            epilogue.BindScratch(scratch);
            if (ByPanel)
                Int16Gemm.Run(A, Kp, Packed, Nr, N, 0, M, start, end, BlockPairs, ref epilogue);
            else
                Int16Gemm.Run(A, Kp, Packed, Nr, N, start * Int16Gemm.Mr, Math.Min(end * Int16Gemm.Mr, M), 0, Panels, BlockPairs, ref epilogue);
        }
    }
}
