using System.Diagnostics;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Tflite;
using ModelOptimization.Runtime;

namespace ModelOptimization.Benchmarks;

/// <summary>
/// Single-inference latency of the interpreter on four shared models, on one thread and on all threads, beside
/// LiteRT.js (WASM, XNNPACK, one thread) on the same random inputs. Setup prints a "// COMPARISON" line with our
/// median (Interpreter.Benchmark) and LiteRT.js's (tests/Interop/run.mjs --runs N) measured in the same process.
/// Needs ../shared/models (or MODELOPT_SHARED_MODELS) and, for the LiteRT.js figures, Node with tests/Interop
/// installed. Run: dotnet run -c Release --project tests/Benchmarks -- --filter '*InterpreterBenchmarks*'.
/// </summary>
[Config(typeof(ShortConfig))]
public class InterpreterBenchmarks
{
    public const double Operations = 0;

    private Interpreter? _interpreter;

    [Params("mobilenet_v1_0.25_224_float", "mobilenet_v1_0.25_224_quant_uint8", "deeplabv3_mnv2_257_float", "conv_fc_mnist_int8_a8w8")]
    public string Model { get; set; } = "";

    /// <summary>1, or 0 for all threads (Environment.ProcessorCount).</summary>
    [Params(1, 0)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (Data.SharedTflite(Model) is not { } path) return;

        int threads = Threads == 0 ? Environment.ProcessorCount : Threads;
        var model = TfliteReader.Read(path);
        _interpreter = Interpreter.Create(model, new InterpreterOptions { ThreadCount = threads });
        var rng = new Random(7);
        for (int i = 0; i < _interpreter.Inputs.Count; i++) _interpreter.SetInput(i, RandomInput(_interpreter.Inputs[i], rng));
        _interpreter.Invoke();

        // Steady state: .NET's tiered JIT runs the first ~30 calls of each kernel unoptimized and recompiles them in the
        // background, so warm up for at least 50 invocations and 500 ms before measuring (LiteRT.js gets a warm-up too).
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 50 || warm.ElapsedMilliseconds < 500; i++) _interpreter.Invoke();

        // Both medians in this one process, one after the other: ours (Interpreter.Benchmark) and LiteRT.js (WASM, one thread).
        var ours = Interpreter.Benchmark(model, runs: 30, warmup: 5, threadCount: threads);
        string liteRt = LiteRtMedian(path, _interpreter, runs: 30) is { } ms
            ? $"LiteRT.js median {ms:F2} ms, ours / LiteRT.js = {ours.MedianMs / ms:F2}"
            : "LiteRT.js unavailable";
        Console.WriteLine($"// COMPARISON {Model} threads={threads}: ours median {ours.MedianMs:F2} ms (min {ours.MinMs:F2}, peak memory {ours.PeakMemoryBytes / 1048576.0:F1} MiB), {liteRt}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _interpreter?.Dispose();
        _interpreter = null;
    }

    [Benchmark]
    public void Invoke() => _interpreter?.Invoke();

    private static Array RandomInput(TensorInfo info, Random rng) => info.DataType switch
    {
        TensorType.Float32 => Enumerable.Range(0, info.ElementCount).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(),
        TensorType.UInt8 => Enumerable.Range(0, info.ElementCount).Select(_ => (byte)rng.Next(256)).ToArray(),
        TensorType.Int8 => Enumerable.Range(0, info.ElementCount).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray(),
        _ => Enumerable.Range(0, info.ElementCount).Select(_ => rng.Next(100)).ToArray(),
    };

    /// <summary>LiteRT.js's median latency over <paramref name="runs"/> invocations (after one warm-up), or null.</summary>
    private static double? LiteRtMedian(string modelPath, Interpreter inputsFrom, int runs)
    {
        string? root = Data.RepoRoot();
        if (root is null) return null;
        string script = Path.Combine(root, "tests", "Interop", "run.mjs");
        if (!File.Exists(script) || !Directory.Exists(Path.Combine(root, "tests", "Interop", "node_modules"))) return null;
        string inputs = Path.Combine(Path.GetTempPath(), $"modelopt-bench-{Guid.NewGuid():N}.json");
        try
        {
            var rng = new Random(7);
            var list = inputsFrom.Inputs.Select(info =>
            {
                var data = RandomInput(info, rng);
                string dtype = info.DataType switch { TensorType.Float32 => "float32", TensorType.UInt8 => "uint8", TensorType.Int8 => "int8", _ => "int32" };
                return new { dtype, shape = info.Shape, b64 = Convert.ToBase64String(Bytes(data)) };
            }).ToList();
            File.WriteAllText(inputs, JsonSerializer.Serialize(list));
            var psi = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(script)! };
            foreach (var a in new[] { script, "--runtime", "litert", modelPath, inputs, "--strip-shape-signature", "--runs", runs.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            {
                psi.ArgumentList.Add(a);
            }

            using var process = Process.Start(psi);
            if (process is null) return null;
            string stdout = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            string? line = stdout.Split('\n').LastOrDefault(l => l.TrimStart().StartsWith('{'));
            if (line is null) return null;
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.TryGetProperty("ok", out var ok) && ok.GetBoolean() && doc.RootElement.TryGetProperty("median_ms", out var median)
                ? median.GetDouble() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        finally
        {
            File.Delete(inputs);
        }
    }

    private static byte[] Bytes(Array data)
    {
        var bytes = new byte[Buffer.ByteLength(data)];
        Buffer.BlockCopy(data, 0, bytes, 0, bytes.Length);
        return bytes;
    }
}
