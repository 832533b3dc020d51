using ModelOptimization.Core.Graph;
using ModelOptimization.Core.TensorFlow;
using ModelOptimization.Formats.SavedModel;
using ModelOptimization.Formats.SavedModel.Conversion;
using ModelOptimization.Optimization.TensorFlow;
using Xunit.Abstractions;

namespace ModelOptimization.Optimization.Tests.TensorFlow;

/// <summary>Serving-only SavedModel export: the pruned folder is consistent, runs as before and is smaller.</summary>
public sealed class SavedModelServingExportTests(ITestOutputHelper output)
{
    public static TheoryData<string> Shared => new() { "half_plus_two_tf1", "half_plus_two_tf2", "keras_conv_fake_effdet", "keras_mlp_dense", "mnist_conv_tf1" };

    private static TfQuantizationResult Quantize(Model sm)
        => TfQuantizer.Quantize(sm, new TfQuantizationOptions { FunctionCaptures = SavedModelFunctionCaptures.Of(sm) });

    private static string Export(Model model, TensorFlowTestData.Temp temp, string name, SavedModelPruning pruning)
    {
        var folder = temp.File(name);
        SavedModelGraphWriter.Write(model, folder, new SavedModelWriteOptions { Pruning = pruning });
        var problems = SavedModelValidator.Validate(folder);
        Assert.True(problems.Count == 0, $"{name}: " + string.Join(Environment.NewLine, problems));
        return folder;
    }

    /// <summary>Runs the SavedModel's serving signature (converted to TFLite, as Invoke-Model does) on seeded inputs.</summary>
    private static float[][] Run(Model savedModel, int seed)
    {
        var tflite = SavedModelConverter.ToTflite(savedModel);
        var sg = tflite.Subgraphs[0];
        var inputs = sg.Inputs.Select((t, i) => TensorFlowTestData.RandomFloats(sg.Tensors[t].Shape.Aggregate(1, (a, d) => a * Math.Max(1, d)), seed + i, 0, 1)).ToArray();
        return TensorFlowTestData.Run(tflite, inputs);
    }

    private static long Bytes(string folder, string sub = "")
        => Directory.EnumerateFiles(Path.Combine(folder, sub), "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    [SkippableTheory]
    [MemberData(nameof(Shared))]
    public void ServingOnly_SharedSavedModel_ReimportsAndRunsWithTheSameOutputs(string name)
    {
        var sm = TensorFlowTestData.ReadSavedModel(name);
        using var temp = new TensorFlowTestData.Temp();
        var pruned = SavedModelReader.Read(Export(sm, temp, "serving", SavedModelPruning.ServingOnly));
        float[][] before, after;
        try
        {
            before = Run(sm, 3);
        }
        catch (Core.Errors.ModelOptimizationException ex) when (ex.ErrorId == Core.Errors.ErrorIds.OperatorNotSupported)
        {
            Skip.If(true, $"{name} does not convert to TFLite: {ex.Message}");
            return;
        }

        after = Run(pruned, 3);
        Assert.Equal(before.Length, after.Length);
        for (int i = 0; i < before.Length; i++) Assert.Equal(before[i], after[i]);
        output.WriteLine($"{name}: {before.Length} outputs identical after pruning; {pruned.TensorFlowGraph!.Nodes.Count} of {sm.TensorFlowGraph!.Nodes.Count} nodes kept");
    }

    [SkippableTheory]
    [MemberData(nameof(Shared))]
    public void QuantizedExport_DefaultIsServingOnly_ConsistentSameOutputsAndSmaller(string name)
    {
        var sm = TensorFlowTestData.ReadSavedModel(name);
        var q = Quantize(sm).Model;
        using var temp = new TensorFlowTestData.Temp();
        string full = Export(q, temp, "keep", SavedModelPruning.KeepTrainingState);
        string serving = Export(q, temp, "auto", SavedModelPruning.Auto);
        var keepModel = SavedModelReader.Read(full);
        var servingModel = SavedModelReader.Read(serving);
        Assert.DoesNotContain(servingModel.TensorFlowGraph!.Nodes, n => n.Op.StartsWith("Apply", StringComparison.Ordinal));
        if (!servingModel.TensorFlowGraph.IsObjectGraph) Assert.DoesNotContain(servingModel.TensorFlowGraph.Variables, v => v.IsTrainingState);

        string source = sm.SourcePath!;
        output.WriteLine($"{name}: variables {Bytes(source, "variables"):N0} -> int8 kept {Bytes(full, "variables"):N0} -> int8 serving {Bytes(serving, "variables"):N0} bytes "
                         + $"({(double)Bytes(source, "variables") / Bytes(serving, "variables"):F2}x); folder {Bytes(source):N0} -> {Bytes(full):N0} -> {Bytes(serving):N0} "
                         + $"({(double)Bytes(source) / Bytes(serving):F2}x)");
        Assert.True(Bytes(serving) <= Bytes(full));

        float[][] a, b;
        try
        {
            a = Run(keepModel, 5);
        }
        catch (Core.Errors.ModelOptimizationException ex) when (ex.ErrorId == Core.Errors.ErrorIds.OperatorNotSupported)
        {
            Skip.If(true, $"{name} does not convert to TFLite: {ex.Message}");
            return;
        }

        b = Run(servingModel, 5);
        for (int i = 0; i < a.Length; i++) Assert.Equal(a[i], b[i]);
    }

    [SkippableFact]
    public void QuantizedExport_MnistConvTf1_WholeFolderOverThreePointFiveTimesSmaller()
    {
        var sm = TensorFlowTestData.ReadSavedModel("mnist_conv_tf1");
        using var temp = new TensorFlowTestData.Temp();
        string serving = Export(Quantize(sm).Model, temp, "q", SavedModelPruning.Auto);
        double ratio = (double)Bytes(sm.SourcePath!) / Bytes(serving);
        output.WriteLine($"mnist_conv_tf1 int8 serving-only: folder {ratio:F2}x smaller");
        Assert.InRange(ratio, 3.5, 8.0); // model weights alone give < 4x; the Momentum slots were the other half
        var g = SavedModelReader.Read(serving).TensorFlowGraph!;
        Assert.Equal(10, g.Variables.Count);
        Assert.Equal(4, g.Variables.Count(v => v.DataType == TfDataType.Int8));
    }
}
