using BenchmarkDotNet.Running;
using ModelOptimization.Benchmarks;

// dotnet run -c Release --project tests/Benchmarks -- --filter '*'      BenchmarkDotNet (short jobs)
// dotnet run -c Release --project tests/Benchmarks -- quick [filter]    a one-minute Stopwatch pass printing GOP/s
// dotnet run -c Release --project tests/Benchmarks -- info              the SIMD widths the kernels use in this process
if (args.Length > 0 && args[0] == "info")
{
    // Which paths this process takes (after DOTNET_Enable* switches): float FMA, int16 pair multiply-add, element-wise.
    Console.WriteLine($"float {ModelOptimization.Kernels.Isa.FloatBits} bits, int16 pairs {ModelOptimization.Kernels.Isa.Int16PairBits} bits, elementwise {ModelOptimization.Kernels.Isa.ElementwiseBits} bits");
    return;
}

if (args.Length > 0 && args[0] == "quick")
{
    QuickRun.Run(args.Skip(1).ToArray());
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(FullyConnectedBenchmarks).Assembly).Run(args);
