namespace ModelOptimization.Runtime;

/// <summary>Latency and memory of repeated inferences (see <see cref="Interpreter.Benchmark"/>).</summary>
public sealed class PerformanceResult
{
    public required string ModelName { get; init; }

    public required int Runs { get; init; }

    public required int Warmup { get; init; }

    public required int ThreadCount { get; init; }

    /// <summary>Time to create and prepare the interpreter, in milliseconds.</summary>
    public required double InitMs { get; init; }

    public required double MedianMs { get; init; }

    public required double MinMs { get; init; }

    public required double MeanMs { get; init; }

    public required double MaxMs { get; init; }

    /// <summary>Size of the activation arena (planned by tensor lifetime).</summary>
    public required long ArenaBytes { get; init; }

    /// <summary>Everything the interpreter holds: arena, folded constants, packed weights and scratch.</summary>
    public required long InterpreterBytes { get; init; }

    /// <summary>Peak growth of the managed heap over creation and the runs (includes the interpreter's buffers).</summary>
    public required long GcDeltaBytes { get; init; }

    /// <summary>Managed bytes allocated per timed inference (0 when invoke does not allocate).</summary>
    public required long AllocatedBytesPerRun { get; init; }

    /// <summary>Peak memory: the larger of <see cref="InterpreterBytes"/> and <see cref="GcDeltaBytes"/>.</summary>
    public long PeakMemoryBytes => Math.Max(InterpreterBytes, GcDeltaBytes);

    /// <summary>All timed latencies in milliseconds, in run order.</summary>
    public required double[] LatenciesMs { get; init; }

    public override string ToString()
        => $"{ModelName}: median {MedianMs:F3} ms, min {MinMs:F3} ms, mean {MeanMs:F3} ms ({Runs} runs, {ThreadCount} thread{(ThreadCount == 1 ? "" : "s")}), "
           + $"peak {PeakMemoryBytes / 1024.0 / 1024.0:F1} MiB";
}
