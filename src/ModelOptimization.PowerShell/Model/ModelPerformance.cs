namespace ModelOptimization.PowerShell.Model;

using System.Globalization;
using ModelOptimization.Runtime;

/// <summary>
/// What <c>Measure-ModelPerformance</c> writes: latency over timed runs on random inputs (median, min, mean, max),
/// the time to prepare the interpreter, and memory, like TFLite's benchmark_model.
/// </summary>
public sealed class ModelPerformance
{
    /// <summary>The model measured.</summary>
    public string ModelName { get; init; } = "";

    /// <summary>Timed runs.</summary>
    public int Runs { get; init; }

    /// <summary>Untimed runs before them.</summary>
    public int Warmup { get; init; }

    /// <summary>Threads the interpreter used.</summary>
    public int ThreadCount { get; init; }

    /// <summary>The median latency of one inference, in milliseconds.</summary>
    public double MedianMilliseconds { get; init; }

    /// <summary>The fastest inference, in milliseconds.</summary>
    public double MinMilliseconds { get; init; }

    /// <summary>The mean latency, in milliseconds.</summary>
    public double MeanMilliseconds { get; init; }

    /// <summary>The slowest inference, in milliseconds.</summary>
    public double MaxMilliseconds { get; init; }

    /// <summary>Time to create and prepare the interpreter, in milliseconds.</summary>
    public double InitMilliseconds { get; init; }

    /// <summary>Peak memory of the interpreter: arena, folded constants, packed weights and scratch, or the managed heap's growth when larger.</summary>
    public long PeakMemoryBytes { get; init; }

    /// <summary>Size of the activation arena.</summary>
    public long ArenaBytes { get; init; }

    /// <summary>Every timed latency in run order, in milliseconds.</summary>
    public double[] LatenciesMilliseconds { get; init; } = [];

    /// <summary>The interpreter's own result, with every field it measured.</summary>
    public PerformanceResult? Result { get; init; }

    /// <summary>Builds the object from the interpreter's benchmark result.</summary>
    public static ModelPerformance From(PerformanceResult r) => new()
    {
        ModelName = r.ModelName,
        Runs = r.Runs,
        Warmup = r.Warmup,
        ThreadCount = r.ThreadCount,
        MedianMilliseconds = r.MedianMs,
        MinMilliseconds = r.MinMs,
        MeanMilliseconds = r.MeanMs,
        MaxMilliseconds = r.MaxMs,
        InitMilliseconds = r.InitMs,
        PeakMemoryBytes = r.PeakMemoryBytes,
        ArenaBytes = r.ArenaBytes,
        LatenciesMilliseconds = r.LatenciesMs,
        Result = r,
    };

    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture,
            $"{ModelName}: median {MedianMilliseconds:F3} ms, min {MinMilliseconds:F3} ms, mean {MeanMilliseconds:F3} ms "
            + $"({Runs} runs, {ThreadCount} thread{(ThreadCount == 1 ? "" : "s")}), peak {PeakMemoryBytes / 1048576.0:F1} MiB");
}
