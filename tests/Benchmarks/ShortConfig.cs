using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace ModelOptimization.Benchmarks;

/// <summary>A short job (1 launch, 2 warm-ups, 5 iterations) so the whole suite takes minutes, plus a GOP/s column.</summary>
public sealed class ShortConfig : ManualConfig
{
    public ShortConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(5).WithId("Short"));
        AddColumn(new ThroughputColumn());
    }
}
