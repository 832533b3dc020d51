using System.Diagnostics;
using ModelOptimization.Core.Graph;

namespace ModelOptimization.Runtime;

public sealed partial class Interpreter
{
    /// <summary>
    /// Measures inference like TFLite's benchmark_model: creates an interpreter with <paramref name="threadCount"/>
    /// threads, fills the inputs with seeded random values (float in [-0.5, 0.5], integers over a small range),
    /// runs <paramref name="warmup"/> untimed inferences (when warmup &gt; 0, also for at least 0.5 s, as benchmark_model's
    /// warmup_min_secs, which lets the JIT finish tiering the kernels) and <paramref name="runs"/> timed ones, and reports
    /// the latency distribution and memory (arena, interpreter buffers, managed-heap growth).
    /// </summary>
    public static PerformanceResult Benchmark(Model model, int runs, int warmup, int threadCount)
    {
        const double MinWarmupSeconds = 0.5;
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        var init = Stopwatch.StartNew();
        using var interpreter = Create(model, new InterpreterOptions { ThreadCount = threadCount });
        var rng = new Random(2024);
        for (int i = 0; i < interpreter.Inputs.Count; i++) interpreter.SetInput(i, RandomData(interpreter.Inputs[i], rng));
        double initMs = init.Elapsed.TotalMilliseconds;
        peak = Math.Max(peak, GC.GetTotalMemory(false) - baseline);
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < warmup || (warmup > 0 && warm.Elapsed.TotalSeconds < MinWarmupSeconds); i++) interpreter.Invoke();
        var latencies = new double[runs];
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < runs; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            interpreter.Invoke();
            latencies[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            peak = Math.Max(peak, GC.GetTotalMemory(false) - baseline);
        }

        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var sorted = latencies.Order().ToArray();
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        return new PerformanceResult
        {
            ModelName = model.Name,
            Runs = runs,
            Warmup = warmup,
            ThreadCount = threadCount,
            InitMs = initMs,
            MedianMs = median,
            MinMs = sorted[0],
            MeanMs = latencies.Average(),
            MaxMs = sorted[^1],
            ArenaBytes = interpreter.ArenaBytes,
            InterpreterBytes = interpreter.AllocatedBytes,
            GcDeltaBytes = Math.Max(0, peak),
            AllocatedBytesPerRun = allocated / runs,
            LatenciesMs = latencies,
        };
    }

    /// <summary>Random input values as TFLite's benchmark_model draws them.</summary>
    private static Array RandomData(TensorInfo info, Random rng)
    {
        int n = info.ElementCount;
        return info.DataType switch
        {
            TensorType.Float32 => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray(),
            TensorType.Int8 => Enumerable.Range(0, n).Select(_ => (sbyte)rng.Next(-127, 128)).ToArray(),
            TensorType.UInt8 => Enumerable.Range(0, n).Select(_ => (byte)rng.Next(0, 255)).ToArray(),
            TensorType.Int16 => Enumerable.Range(0, n).Select(_ => (short)rng.Next(-32767, 32768)).ToArray(),
            TensorType.Int32 => Enumerable.Range(0, n).Select(_ => rng.Next(0, 100)).ToArray(),
            TensorType.Int64 => Enumerable.Range(0, n).Select(_ => (long)rng.Next(0, 100)).ToArray(),
            TensorType.Bool => Enumerable.Range(0, n).Select(_ => rng.Next(2) == 1).ToArray(),
            TensorType.Float16 => Enumerable.Range(0, n).Select(_ => (Half)(rng.NextDouble() - 0.5)).ToArray(),
            _ => throw new Core.Errors.ModelOptimizationException(Core.Errors.ErrorIds.InputDataInvalid, Core.Errors.ErrorKind.InvalidArgument,
                $"Input '{info.Name}' has type {TensorTypeInfo.ShortName(info.DataType)}, for which no random data can be made.", info.Name),
        };
    }
}
