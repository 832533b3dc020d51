using Google.Protobuf;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.SavedModel;
using Xunit.Abstractions;

namespace ModelOptimization.Formats.Tests.SavedModel;

public sealed class SavedModelRoundTripTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> Models => SavedModelTestData.All();

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void Read_SharedSavedModel_Imports(string name)
    {
        var folder = SavedModelTestData.Require(name);
        var model = SavedModelReader.Read(folder);
        var doc = SavedModelReader.DocumentOf(model)!;
        var g = doc.Graph;

        Assert.Equal(ModelFormat.SavedModel, model.Format);
        Assert.Equal(folder, model.SourcePath);
        Assert.Contains("serve", g.Tags);
        Assert.NotEmpty(g.Nodes);
        Assert.NotEmpty(g.Signatures);
        Assert.NotEmpty(g.Variables);
        Assert.All(g.Variables, v => Assert.Equal(v.Shape.ElementCount * (Core.TensorFlow.TfDataTypeInfo.BitWidth(v.DataType) / 8), v.ByteCount));
        Assert.All(g.Variables.Where(v => !v.IsTrainingState), v => Assert.NotNull(v.NodeName));
        output.WriteLine($"{name}: {g}; TF {g.TensorFlowVersion}; object graph {g.IsObjectGraph}; {g.TotalNodeCount} nodes in all");
        foreach (var s in g.Signatures) output.WriteLine("  signature " + s);
        foreach (var v in g.Variables) output.WriteLine($"  {v} -> node {v.NodeName}{(v.IsTrainingState ? " (training state)" : "")}");
    }

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void Write_UnchangedSavedModel_ReproducesBundleBytesAndProtoMessage(string name)
    {
        var folder = SavedModelTestData.Require(name);
        using var temp = SavedModelTestData.Temp();
        var model = SavedModelReader.Read(folder);
        string outDir = temp.Sub("out");
        SavedModelWriter.Write(model, outDir);

        string[] exact = ["variables/variables.index", "variables/variables.data-00000-of-00001"];
        foreach (var rel in exact)
        {
            var a = File.ReadAllBytes(Path.Combine(folder, rel));
            var b = File.ReadAllBytes(Path.Combine(outDir, rel));
            Assert.True(a.AsSpan().SequenceEqual(b), $"{name}/{rel}: {a.Length} bytes in, {b.Length} out, first difference at {FirstDifference(a, b)}");
        }

        // Re-serializing the parsed message (what the writer does once the graph changes) gives an equal message;
        // the unchanged model's saved_model.pb is written back as read.
        var pbIn = File.ReadAllBytes(Path.Combine(folder, "saved_model.pb"));
        var doc = SavedModelReader.DocumentOf(model)!;
        var reserialized = doc.Message.ToByteArray();
        Assert.Equal(SavedModelReader.ParseSavedModel(pbIn, "in"), SavedModelReader.ParseSavedModel(reserialized, "re-serialized"));
        Assert.Equal(pbIn, File.ReadAllBytes(Path.Combine(outDir, "saved_model.pb")));
        bool bytesEqual = pbIn.AsSpan().SequenceEqual(reserialized);
        output.WriteLine($"{name}: index + data byte-exact; saved_model.pb re-serialized message-equal, bytes {(bytesEqual ? "equal" : $"differ ({pbIn.Length} in, {reserialized.Length} out, first difference at byte {FirstDifference(pbIn, reserialized)})")}");

        foreach (var f in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(folder, f);
            if (rel == "saved_model.pb") continue;
            Assert.True(File.ReadAllBytes(f).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(outDir, rel))), $"{rel} differs");
        }

        Assert.Equal(Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Count(),
            Directory.EnumerateFiles(outDir, "*", SearchOption.AllDirectories).Count());

        // The written folder reads back to the same graph.
        var again = SavedModelReader.DocumentOf(SavedModelReader.Read(outDir))!.Graph;
        var g = SavedModelReader.DocumentOf(model)!.Graph;
        Assert.Equal(g.Variables.Select(v => v.Name), again.Variables.Select(v => v.Name));
        Assert.Equal(g.Nodes.Count, again.Nodes.Count);
    }

    private static int FirstDifference(byte[] a, byte[] b)
    {
        int n = Math.Min(a.Length, b.Length);
        for (int i = 0; i < n; i++)
        {
            if (a[i] != b[i]) return i;
        }

        return a.Length == b.Length ? -1 : n;
    }
}
