using System.Diagnostics;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Formats.Tflite;
using Xunit.Abstractions;

namespace ModelOptimization.Formats.Tests.Tflite;

/// <summary>
/// Opt-in (MODELOPT_LARGE_TESTS=1): a model of more than 2 GiB — FULLY_CONNECTED 1024 → 522,240 with a
/// 2,139,095,040-byte weight, then FULLY_CONNECTED 522,240 → 16 whose weight straddles and whose bias lies beyond
/// the 2 GiB mark — written in the external layout by the streaming path (weights in native memory, never in a
/// managed array), imported memory-mapped in under a second with under 200 MB of managed heap, and re-exported.
/// </summary>
public class TfliteLargeModelTests(ITestOutputHelper output)
{
    private const int In = 1024, Hidden = 522_240, Out = 16;

    [SkippableFact]
    public void LargeModel_Over2GiB_ImportsMappedFastAndReExportsIdentically()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable("MODELOPT_LARGE_TESTS") == "1",
            "Set MODELOPT_LARGE_TESTS=1 to run the > 2 GiB model test (it writes 4.4 GB to the temp folder).");
        using var temp = new TempFolder();
        var free = new DriveInfo(Path.GetPathRoot(temp.Path)!).AvailableFreeSpace;
        Skip.If(free < 6L << 30, $"Only {free >> 20:N0} MiB free in {temp.Path}; the test needs 6 GiB.");

        using var w1 = new NativeMemoryManager(Hidden * In * 4);
        using var w2 = new NativeMemoryManager(Out * Hidden * 4);
        Mark(w1.GetSpan());
        Mark(w2.GetSpan());
        var model = Build(w1.Memory, w2.Memory);
        Assert.Equal(BufferLayout.External, TfliteWriter.ChooseLayout(model));

        string path = temp.File("large.tflite");
        var watch = Stopwatch.StartNew();
        TfliteWriter.WriteFile(model, path);
        output.WriteLine($"wrote {new FileInfo(path).Length:N0} bytes (external layout) in {watch.Elapsed.TotalSeconds:F2} s");
        Assert.True(new FileInfo(path).Length > int.MaxValue);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        watch.Restart();
        var imported = TfliteReader.Read(path);
        var importTime = watch.Elapsed;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        long heap = GC.GetTotalMemory(forceFullCollection: false) - heapBefore;
        output.WriteLine($"imported in {importTime.TotalMilliseconds:F1} ms, {allocated:N0} bytes allocated, managed heap +{heap:N0} bytes");
        Assert.True(importTime < TimeSpan.FromSeconds(1), $"import took {importTime.TotalMilliseconds:F0} ms");
        Assert.True(allocated < 200L << 20, $"import allocated {allocated:N0} bytes");
        Assert.True(heap < 200L << 20, $"managed heap grew by {heap:N0} bytes");
        Assert.NotNull(imported.Storage);
        Assert.True(imported.Buffers[3].Offset > int.MaxValue, $"bias offset {imported.Buffers[3].Offset}");

        watch.Restart();
        Assert.Null(ModelComparer.FindFirstDifference(model, imported));
        output.WriteLine($"compared all weights in {watch.Elapsed.TotalSeconds:F2} s");

        string again = temp.File("large-again.tflite");
        watch.Restart();
        TfliteWriter.WriteFile(imported, again);
        output.WriteLine($"re-exported from the mapping in {watch.Elapsed.TotalSeconds:F2} s");
        Assert.True(FilesEqual(path, again), "the re-exported file differs from the first export");
        GC.KeepAlive(imported);
    }

    private static Model Build(ReadOnlyMemory<byte> w1, ReadOnlyMemory<byte> w2)
    {
        var model = new Model { Name = "large" };
        model.Buffers.Add(new ModelBuffer());
        model.AddBuffer(w1);
        model.AddBuffer(w2);
        model.AddBuffer(SyntheticModels.Floats(Enumerable.Range(0, Out).Select(i => i + 0.5f).ToArray()));
        model.OperatorCodes.Add(OperatorCode.ForBuiltin(BuiltinOperator.FULLY_CONNECTED));
        var sg = new Subgraph { Name = "main", Inputs = [0], Outputs = [5] };
        sg.Tensors.Add(new Tensor { Name = "x", Shape = [1, In], HasRank = true });
        sg.Tensors.Add(new Tensor { Name = "w1", Shape = [Hidden, In], Buffer = 1, HasRank = true });
        sg.Tensors.Add(new Tensor { Name = "h", Shape = [1, Hidden], HasRank = true });
        sg.Tensors.Add(new Tensor { Name = "w2", Shape = [Out, Hidden], Buffer = 2, HasRank = true });
        sg.Tensors.Add(new Tensor { Name = "b2", Shape = [Out], Buffer = 3, HasRank = true });
        sg.Tensors.Add(new Tensor { Name = "y", Shape = [1, Out], HasRank = true });
        sg.Operators.Add(new Operator { OpcodeIndex = 0, Inputs = [0, 1, -1], Outputs = [2], BuiltinOptions = OperatorOptions.Create("FullyConnectedOptions") });
        sg.Operators.Add(new Operator { OpcodeIndex = 0, Inputs = [2, 3, 4], Outputs = [5], BuiltinOptions = OperatorOptions.Create("FullyConnectedOptions") });
        model.Subgraphs.Add(sg);
        return model;
    }

    /// <summary>Non-zero bytes at the start, the middle and the end, so misplaced payloads are noticed.</summary>
    private static void Mark(Span<byte> data)
    {
        for (int i = 0; i < 4096; i++)
        {
            data[i] = (byte)(i * 7 + 1);
            data[data.Length / 2 + i - 2048] = (byte)(i * 13 + 3);
            data[data.Length - 1 - i] = (byte)(i * 31 + 5);
        }
    }

    private static bool FilesEqual(string a, string b)
    {
        using var fa = File.OpenRead(a);
        using var fb = File.OpenRead(b);
        if (fa.Length != fb.Length) return false;
        var ba = new byte[4 << 20];
        var bb = new byte[4 << 20];
        int n;
        while ((n = fa.ReadAtLeast(ba, ba.Length, throwOnEndOfStream: false)) > 0)
        {
            if (fb.ReadAtLeast(bb, n, throwOnEndOfStream: false) != n || !ba.AsSpan(0, n).SequenceEqual(bb.AsSpan(0, n))) return false;
        }

        return true;
    }
}
