namespace ModelOptimization.Runtime.Execution;

/// <summary>
/// Greedy memory planner (as TFLite's ArenaPlanner / TFLM's GreedyMemoryPlanner): buffers are placed largest
/// first at the lowest offset that does not overlap any already placed buffer whose lifetime overlaps.
/// </summary>
internal static class ArenaPlanner
{
    public const int Alignment = 64;

    /// <summary>A buffer request: size in bytes, alive from operator <c>First</c> to <c>Last</c> inclusive.</summary>
    public readonly record struct Request(int Size, int First, int Last);

    /// <summary>Offsets per request, and the arena size.</summary>
    public static (int[] Offsets, long Total) Plan(IReadOnlyList<Request> requests)
    {
        var offsets = new int[requests.Count];
        var order = Enumerable.Range(0, requests.Count)
            .OrderByDescending(i => requests[i].Size).ThenBy(i => requests[i].First).ToArray();
        var placed = new List<int>();
        long total = 0;
        var overlapping = new List<(long Offset, long End)>();
        foreach (int i in order)
        {
            var r = requests[i];
            overlapping.Clear();
            foreach (int p in placed)
            {
                var q = requests[p];
                if (q.First <= r.Last && r.First <= q.Last) overlapping.Add((offsets[p], offsets[p] + Align(q.Size)));
            }

            overlapping.Sort((a, b) => a.Offset.CompareTo(b.Offset));
            long candidate = 0;
            long size = Align(r.Size);
            foreach (var (off, end) in overlapping)
            {
                if (candidate + size <= off) break;
                candidate = Math.Max(candidate, end);
            }

            offsets[i] = checked((int)candidate);
            total = Math.Max(total, candidate + size);
            placed.Add(i);
        }

        return (offsets, total);
    }

    public static long Align(long n) => (n + Alignment - 1) / Alignment * Alignment;
}
