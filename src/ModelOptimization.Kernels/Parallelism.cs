namespace ModelOptimization.Kernels;

/// <summary>A piece of work over an index range [start, end) of independent output blocks.</summary>
internal interface IRangeWork
{
    /// <param name="part">Which of the parallel parts runs this range (0-based): selects per-thread scratch.</param>
    void Run(int start, int end, int part);
}

/// <summary>
/// Splits independent output blocks (rows, panels, pixels, channels) into contiguous ranges, one per thread. A
/// reduction is never split, so results do not depend on the thread count.
/// </summary>
internal static class Parallelism
{
    /// <summary>Number of parts <see cref="For"/> uses: min(threadCount, items), at least 1.</summary>
    internal static int Parts(int threadCount, int items) => Math.Max(1, Math.Min(Math.Max(threadCount, 1), items));

    internal static void For<TWork>(int threadCount, int items, TWork work) where TWork : struct, IRangeWork
    {
        int parts = Math.Min(Math.Max(threadCount, 1), items);
        if (parts <= 1)
        {
            if (items > 0) work.Run(0, items, 0);
            return;
        }

        Parallel.For(0, parts, new ParallelOptions { MaxDegreeOfParallelism = parts }, i =>
        {
            TWork local = work;
            local.Run((int)((long)items * i / parts), (int)((long)items * (i + 1) / parts), i);
        });
    }
}
