using System.Diagnostics;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace ModelOptimization.Benchmarks;

/// <summary>
/// A fast Stopwatch pass (best of 5 batches of ≥ 300 ms) over the [Benchmark] methods whose "Class.Method" name contains
/// one of the filters (all when none), printing time and GOP/s from the class's Operations constant.
/// </summary>
internal static class QuickRun
{
    internal static void Run(string[] filters)
    {
        bool Selected(string name) => filters.Length == 0 || filters.Any(f => name.Contains(f, StringComparison.OrdinalIgnoreCase));

        foreach (var type in typeof(QuickRun).Assembly.GetTypes())
        {
            var methods = type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() != null && Selected($"{type.Name}.{m.Name}")).ToList();
            if (methods.Count == 0) continue;
            object instance = Activator.CreateInstance(type)!;
            type.GetMethods().FirstOrDefault(m => m.GetCustomAttribute<GlobalSetupAttribute>() != null)?.Invoke(instance, null);
            double ops = Convert.ToDouble(type.GetField("Operations")?.GetValue(null) ?? 0.0);
            foreach (var method in methods)
            {
                Action action = () => method.Invoke(instance, null);
                action();
                double best = double.MaxValue;
                for (int batch = 0; batch < 5; batch++)
                {
                    int reps = 0;
                    var sw = Stopwatch.StartNew();
                    do { action(); reps++; } while (sw.Elapsed.TotalMilliseconds < 300);
                    best = Math.Min(best, sw.Elapsed.TotalMilliseconds * 1e6 / reps);
                }

                Console.WriteLine($"{type.Name}.{method.Name,-28} {best / 1e6,10:F3} ms  {ops / best,8:F1} GOP/s");
            }

            type.GetMethods().FirstOrDefault(m => m.GetCustomAttribute<GlobalCleanupAttribute>() != null)?.Invoke(instance, null);
        }
    }
}
