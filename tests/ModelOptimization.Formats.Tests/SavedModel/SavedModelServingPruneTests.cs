using ModelOptimization.Core.TensorFlow;
using ModelOptimization.Formats.SavedModel;
using ModelOptimization.Formats.SavedModel.Conversion;
using Xunit.Abstractions;

namespace ModelOptimization.Formats.Tests.SavedModel;

public sealed class SavedModelServingPruneTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> Models => SavedModelTestData.All();

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void Validate_SharedSavedModel_IsConsistent(string name)
    {
        var folder = SavedModelTestData.Require(name);
        var problems = SavedModelValidator.Validate(folder);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void Write_ServingOnly_ReimportsConsistentAndKeepsModelVariables(string name)
    {
        var folder = SavedModelTestData.Require(name);
        using var temp = SavedModelTestData.Temp();
        var model = SavedModelReader.Read(folder);
        string outDir = temp.Sub("serving");
        var summary = SavedModelGraphWriter.Summarize(model, SavedModelPruning.ServingOnly);
        SavedModelGraphWriter.Write(model, outDir, new SavedModelWriteOptions { Pruning = SavedModelPruning.ServingOnly });

        var problems = SavedModelValidator.Validate(outDir);
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
        var again = SavedModelReader.Read(outDir).TensorFlowGraph!;
        var before = model.TensorFlowGraph!;
        // Every model variable survives with its bytes; only training state may go.
        foreach (var v in before.Variables.Where(v => !v.IsTrainingState))
        {
            var w = again.FindVariable(v.Name);
            Assert.True(w is not null, $"{name}: model variable '{v.Name}' was dropped");
            Assert.True(v.Data.Span.SequenceEqual(w!.Data.Span), $"{name}: '{v.Name}' changed");
        }

        Assert.Equal(summary.RemovedVariables.Order(StringComparer.Ordinal),
            before.Variables.Select(v => v.Name).Except(again.Variables.Select(v => v.Name)).Order(StringComparer.Ordinal));
        Assert.Equal(before.Signatures.Select(s => s.ToString()), again.Signatures.Select(s => s.ToString()));
        output.WriteLine("dropped nodes: " + string.Join(", ", before.Nodes.Select(n => n.Name).Except(again.Nodes.Select(n => n.Name)).Take(12)));
        long inBytes = DataBytes(folder), outBytes = DataBytes(outDir);
        output.WriteLine($"{name}: {summary}; variables {inBytes:N0} -> {outBytes:N0} bytes; folder {FolderBytes(folder):N0} -> {FolderBytes(outDir):N0} bytes");
    }

    [SkippableFact]
    public void Write_ServingOnlyTf1_DropsMomentumSlotsTrainingOpsAndTheirSaverEntries()
    {
        var folder = SavedModelTestData.Require("mnist_conv_tf1");
        using var temp = SavedModelTestData.Temp();
        var model = SavedModelReader.Read(folder);
        string outDir = temp.Sub("serving");
        SavedModelGraphWriter.Write(model, outDir, new SavedModelWriteOptions { Pruning = SavedModelPruning.ServingOnly });

        var g = SavedModelReader.Read(outDir).TensorFlowGraph!;
        Assert.Equal(10, g.Variables.Count);
        Assert.DoesNotContain(g.Variables, v => v.IsTrainingState || v.Name.EndsWith("/Momentum", StringComparison.Ordinal));
        Assert.DoesNotContain(g.Nodes, n => n.Op is "ApplyMomentum" || n.Name.StartsWith("gradients/", StringComparison.Ordinal) || n.Name == "MomentumOp");
        var restore = g.FindNode("save/RestoreV2")!;
        var names = g.FindNode("save/RestoreV2/tensor_names")!.Attributes["value"].Tensor!.StringValues!;
        Assert.Equal(10, names.Count);
        Assert.Equal(10, restore.Attributes["dtypes"].List!.Types.Count);
        Assert.Equal(10, g.FindNode("save/SaveV2")!.DataInputs.Count() - 3);
        Assert.Equal(10, g.FindNode("save/restore_shard")!.Inputs.Count);
        Assert.All(g.Nodes.Where(n => n.Op == "Assign" && n.Name.StartsWith("save/", StringComparison.Ordinal)),
            a => Assert.DoesNotContain("Momentum", a.Inputs[0], StringComparison.Ordinal));
        // The loader looks up the kept variables' initializers; the training collection went with its op.
        Assert.NotNull(g.FindNode("Variable/Assign"));
        Assert.Null(g.FindNode("Variable/Momentum/Assign"));
        Assert.True(new FileInfo(Path.Combine(outDir, "variables/variables.data-00000-of-00001")).Length * 2
                    < new FileInfo(Path.Combine(folder, "variables/variables.data-00000-of-00001")).Length + 64);
    }

    [SkippableFact]
    public void Write_ServingOnlyTf2_DropsKerasMetricsFromSaverFunctionsCheckpointAndObjectGraphs()
    {
        var folder = SavedModelTestData.Require("keras_mlp_dense");
        using var temp = SavedModelTestData.Temp();
        var model = SavedModelReader.Read(folder);
        string outDir = temp.Sub("serving");
        SavedModelGraphWriter.Write(model, outDir, new SavedModelWriteOptions { Pruning = SavedModelPruning.ServingOnly });

        var back = SavedModelReader.Read(outDir);
        var g = back.TensorFlowGraph!;
        Assert.Equal(4, g.Variables.Count);
        Assert.DoesNotContain(g.Variables, v => v.IsTrainingState);
        // The traced save/restore functions list only the kept keys, with as many dtypes and tensors.
        var saverOps = g.Functions.SelectMany(f => f.Nodes.Select(n => (f, n))).Where(p => p.n.Op is "RestoreV2" or "SaveV2").ToList();
        Assert.Equal(2, saverOps.Count);
        foreach (var (f, n) in saverOps)
        {
            var names = f.Nodes.Single(c => c.Name == n.DataInputs.ElementAt(1).Split(':')[0]).Attributes["value"].Tensor!.StringValues!
                .Select(b => System.Text.Encoding.UTF8.GetString(b)).ToList();
            Assert.DoesNotContain(names, k => k.StartsWith("keras_api/metrics/", StringComparison.Ordinal));
            Assert.Contains("layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE", names);
            Assert.Equal(names.Count, n.Attributes["dtypes"].List!.Types.Count);
            if (n.Op == "SaveV2") Assert.Equal(names.Count, n.DataInputs.Count() - 3);
        }

        Assert.DoesNotContain(g.Functions.SelectMany(f => f.Nodes), n => n.Op == "AssignVariableOp" && n.Inputs[0].Contains("count", StringComparison.Ordinal));
        // Object graphs keep their node ids; no edge leads to the dropped variables any more.
        var doc = SavedModelReader.DocumentOf(back)!;
        var og = doc.MetaGraph.ObjectGraphDef;
        var before = SavedModelReader.DocumentOf(model)!.MetaGraph.ObjectGraphDef;
        Assert.Equal(before.Nodes.Count, og.Nodes.Count);
        var reachable = new HashSet<int>();
        var stack = new Stack<int>([0]);
        while (stack.Count > 0)
        {
            int at = stack.Pop();
            if (!reachable.Add(at)) continue;
            foreach (var c in og.Nodes[at].Children) stack.Push(c.NodeId);
        }

        var reachableVariables = reachable.Where(i => og.Nodes[i].KindCase == Formats.SavedModel.Protos.SavedObject.KindOneofCase.Variable).Select(i => og.Nodes[i].Variable.Name).ToList();
        Assert.Equal(["dense/bias", "dense/kernel", "dense_1/bias", "dense_1/kernel"], reachableVariables.Order(StringComparer.Ordinal));
        var objectGraph = doc.Bundle!.Entries.Single(e => e.Key == TensorBundle.ObjectGraphKey);
        var tog = Formats.SavedModel.Protos.TrackableObjectGraph.Parser.ParseFrom(BundleChecksum.FirstString(objectGraph.Data.Span));
        var keys = tog.Nodes.SelectMany(n => n.Attributes).Select(a => a.CheckpointKey).ToList();
        Assert.DoesNotContain(keys, k => k.Contains("metrics", StringComparison.Ordinal));
        Assert.Equal(4, keys.Count(k => k.StartsWith("layer_with_weights-", StringComparison.Ordinal)));
        Assert.Empty(SavedModelValidator.Validate(back));
    }

    [SkippableFact]
    public void Write_Default_UnchangedModelKeepsTrainingStateByteForByte()
    {
        var folder = SavedModelTestData.Require("mnist_conv_tf1");
        using var temp = SavedModelTestData.Temp();
        var model = SavedModelReader.Read(folder);
        string outDir = temp.Sub("out");
        Assert.False(SavedModelGraphWriter.Summarize(model).Applied);
        SavedModelGraphWriter.Write(model, outDir);
        foreach (var rel in new[] { "saved_model.pb", "variables/variables.index", "variables/variables.data-00000-of-00001" })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(folder, rel)), File.ReadAllBytes(Path.Combine(outDir, rel)));
        }
    }

    [SkippableFact]
    public void Write_DefaultAfterTransformation_IsServingOnlyUnlessKeepTrainingState()
    {
        var folder = SavedModelTestData.Require("mnist_conv_tf1");
        var source = SavedModelReader.Read(folder);
        var derived = source.Clone();
        derived.Source = source;
        Assert.True(SavedModelGraphWriter.Summarize(derived).Applied);
        Assert.Equal(10, SavedModelGraphWriter.Summarize(derived).RemovedVariables.Count);
        Assert.False(SavedModelGraphWriter.Summarize(derived, SavedModelPruning.KeepTrainingState).Applied);

        // Layer rules (Set-LayerExclusion) count as an edit too.
        var excluded = SavedModelReader.Read(folder);
        Assert.False(SavedModelGraphWriter.Summarize(excluded).Applied);
        excluded.Plan.Rules.Add(new Core.Quantization.LayerRule { Name = ["MatMul"] });
        Assert.True(SavedModelGraphWriter.Summarize(excluded).Applied);
    }

    [SkippableFact]
    public void Validate_RestoreOfMissingKeyAndOrphanEntry_AreReported()
    {
        var folder = SavedModelTestData.Require("mnist_conv_tf1");
        using var temp = SavedModelTestData.Temp();
        var model = SavedModelReader.Read(folder);
        var g = model.TensorFlowGraph!.Clone();
        // Drop a variable from the bundle only: the restore op still lists it.
        g.Variables.RemoveAll(v => v.Name == "Variable_3");
        var edited = model.Clone();
        edited.TensorFlowGraph = g;
        string outDir = temp.Sub("broken");
        SavedModelGraphWriter.Write(edited, outDir, new SavedModelWriteOptions { Pruning = SavedModelPruning.KeepTrainingState });
        var problems = SavedModelValidator.Validate(outDir);
        Assert.Contains(problems, p => p.Contains("restores 'Variable_3', which the bundle does not hold", StringComparison.Ordinal));

        // Rename a restored key: the old entry is left over and the new name is missing.
        var g2 = model.TensorFlowGraph!.Clone();
        var names = g2.FindNode("save/RestoreV2/tensor_names")!;
        var t = names.Attributes["value"].Tensor!;
        var renamed = t.StringValues!.Select(b => System.Text.Encoding.UTF8.GetString(b) == "Variable_1" ? "Renamed"u8.ToArray() : b).ToList();
        names.Attributes["value"] = new TfAttrValue { Kind = TfAttrKind.Tensor, Tensor = new TfTensor { DataType = t.DataType, Shape = t.Shape, StringValues = renamed } };
        var edited2 = model.Clone();
        edited2.TensorFlowGraph = g2;
        string outDir2 = temp.Sub("orphan");
        SavedModelGraphWriter.Write(edited2, outDir2, new SavedModelWriteOptions { Pruning = SavedModelPruning.KeepTrainingState });
        var problems2 = SavedModelValidator.Validate(outDir2);
        Assert.Contains(problems2, p => p.Contains("bundle entry 'Variable_1' is not restored", StringComparison.Ordinal));
        Assert.Contains(problems2, p => p.Contains("restores 'Renamed'", StringComparison.Ordinal));
    }

    private static long DataBytes(string folder)
        => Directory.EnumerateFiles(Path.Combine(folder, "variables")).Sum(f => new FileInfo(f).Length);

    private static long FolderBytes(string folder)
        => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
}
