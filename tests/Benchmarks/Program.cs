using BenchmarkDotNet.Running;
using ModelOptimization.Benchmarks;

// dotnet run -c Release --project tests/Benchmarks -- --filter '*'      BenchmarkDotNet (short jobs)
// dotnet run -c Release --project tests/Benchmarks -- quick [filter]    a one-minute Stopwatch pass printing GOP/s
// dotnet run -c Release --project tests/Benchmarks -- compare [model] the interpreter's "// COMPARISON" lines only (no BenchmarkDotNet)
// dotnet run -c Release --project tests/Benchmarks -- profile <model.tflite> [threads] [count]  per-operator times
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

if (args.Length > 1 && args[0] == "profile")
{
    // The slowest operators of one shared model (args[1], a .tflite path) on args[2] threads (default 1): per operator
    // the lowest of 10 means over 40 runs (other processes on the machine inflate single batches, rarely all of them).
    var model = ModelOptimization.Formats.Tflite.TfliteReader.Read(args[1]);
    int threads = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1;
    using var interpreter = ModelOptimization.Runtime.Interpreter.Create(model, new ModelOptimization.Runtime.InterpreterOptions { ThreadCount = threads, EnableProfiling = true });
    for (int i = 0; i < 20; i++) interpreter.Invoke();
    var before = interpreter.GetProfile().ToDictionary(p => (p.SubgraphIndex, p.OperatorIndex), p => p.TotalMs);
    var best = new Dictionary<(int, int), double>();
    for (int batch = 0; batch < 10; batch++)
    {
        for (int i = 0; i < 40; i++) interpreter.Invoke();
        foreach (var op in interpreter.GetProfile())
        {
            var key = (op.SubgraphIndex, op.OperatorIndex);
            double mean = (op.TotalMs - before[key]) / 40;
            best[key] = best.TryGetValue(key, out double b) ? Math.Min(b, mean) : mean;
            before[key] = op.TotalMs;
        }
    }

    var names = interpreter.GetProfile().ToDictionary(p => (p.SubgraphIndex, p.OperatorIndex), p => p.Operator);
    foreach (var (index, ms) in best.OrderByDescending(p => p.Value).Take(args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 12))
    {
        Console.WriteLine($"op{index.Item2,-4} {names[index],-24} {ms,8:F3} ms");
    }

    Console.WriteLine($"total {best.Values.Sum():F3} ms (sum of per-operator bests)");
    return;
}

if (args.Length > 0 && args[0] == "compare")
{
    // The "// COMPARISON" lines of InterpreterBenchmarks without BenchmarkDotNet: each model (filtered by args[1..])
    // on one thread and on all threads, ours and LiteRT.js measured one after the other in this process.
    foreach (string model in new[] { "mobilenet_v1_0.25_224_float", "mobilenet_v1_0.25_224_quant_uint8", "deeplabv3_mnv2_257_float", "conv_fc_mnist_int8_a8w8" })
    {
        if (args.Length > 1 && !args.Skip(1).Any(f => model.Contains(f, StringComparison.OrdinalIgnoreCase))) continue;
        foreach (int threads in new[] { 1, 0 })
        {
            var bench = new InterpreterBenchmarks { Model = model, Threads = threads };
            bench.Setup();
            bench.Cleanup();
        }
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(FullyConnectedBenchmarks).Assembly).Run(args);
