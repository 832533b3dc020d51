using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using ModelOptimization.Core.TensorFlow;
using ModelOptimization.Formats.SavedModel;

namespace ModelOptimization.Benchmarks;

/// <summary>
/// SavedModel import of a synthesized model with 1 GiB of variables (16 float32 tensors of 64 MiB, written by
/// <see cref="SavedModelWriter"/> onto the graph of shared/models/savedmodel/half_plus_two_tf1): the data shard is
/// memory-mapped and every tensor's crc32c verified. Target: under 2 s. <see cref="Operations"/> is the byte count,
/// so QuickRun's "GOP/s" column reads as GB/s.
/// </summary>
[MemoryDiagnoser]
public class SavedModelBenchmarks
{
    public const double Operations = TensorCount * (double)TensorBytes;

    private const int TensorCount = 16;
    private const int TensorBytes = 64 << 20;
    private string? folder;

    [GlobalSetup]
    public void Setup()
    {
        string? baseModel = FindSharedModel("savedmodel/half_plus_two_tf1");
        if (baseModel is null) throw new InvalidOperationException("shared/models/savedmodel/half_plus_two_tf1 is needed to synthesize the 1 GiB SavedModel.");
        folder = Path.Combine(Path.GetTempPath(), "modelopt-bench-savedmodel-1g");
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);

        var sw = Stopwatch.StartNew();
        var model = SavedModelReader.Read(baseModel);
        var graph = SavedModelReader.DocumentOf(model)!.Graph;
        var rng = new Random(1);
        for (int i = 0; i < TensorCount; i++)
        {
            var data = new byte[TensorBytes];
            rng.NextBytes(data);
            graph.Variables.Add(new TfVariable
            {
                Name = $"big/w{i:D2}",
                DataType = TfDataType.Float,
                Shape = new TfShape([TensorBytes / 4 / 1024, 1024]),
                Data = data,
            });
        }

        SavedModelWriter.Write(model, folder, new SavedModelWriteOptions { Overwrite = true });
        Console.WriteLine($"// synthesized {folder} ({Operations / (1 << 30):F1} GiB of variables) in {sw.Elapsed.TotalSeconds:F1} s");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (folder is not null && Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    /// <summary>Variable bytes of the last import (keeps the result observable).</summary>
    public long LastBytes { get; private set; }

    [Benchmark]
    public void ImportVerified()
    {
        var model = SavedModelReader.Read(folder!);
        LastBytes = SavedModelReader.DocumentOf(model)!.Graph.VariableBytes;
    }

    [Benchmark]
    public void ImportUnverified()
    {
        var model = SavedModelReader.Read(folder!, new SavedModelReadOptions { VerifyChecksums = false });
        LastBytes = SavedModelReader.DocumentOf(model)!.Graph.VariableBytes;
    }

    private static string? FindSharedModel(string relative)
    {
        var env = Environment.GetEnvironmentVariable("MODELOPT_SHARED_MODELS");
        var roots = new List<string>();
        if (!string.IsNullOrWhiteSpace(env)) roots.Add(env);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            roots.Add(Path.Combine(dir.FullName, "..", "shared", "models"));
        }

        return roots.Select(r => Path.GetFullPath(Path.Combine(r, relative))).FirstOrDefault(Directory.Exists);
    }
}
