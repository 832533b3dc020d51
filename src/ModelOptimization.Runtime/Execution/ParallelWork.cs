namespace ModelOptimization.Runtime.Execution;

/// <summary>
/// Splits a range into contiguous chunks, one per thread. Each chunk computes whole outputs on its own,
/// so results never depend on the thread count.
/// </summary>
internal static class ParallelWork
{
    /// <summary>Minimum work (multiply-adds or elements) before a second thread is worth starting.</summary>
    public const long MinWorkPerThread = 1 << 15;

    /// <summary>Runs body(start, end, worker) over [0, count) on up to <paramref name="threads"/> threads.</summary>
    public static void For(int threads, int count, long workPerItem, Action<int, int, int> body)
    {
        int chunks = Math.Min(threads, count);
        if (workPerItem > 0)
        {
            long total = workPerItem * count;
            chunks = (int)Math.Min(chunks, Math.Max(1, total / MinWorkPerThread));
        }

        if (chunks <= 1)
        {
            body(0, count, 0);
            return;
        }

        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, c =>
        {
            int start = (int)((long)count * c / chunks);
            int end = (int)((long)count * (c + 1) / chunks);
            if (end > start) body(start, end, c);
        });
    }
}
