using ModelOptimization.Core.Data;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Formats.SavedModel.Conversion;
using ModelOptimization.Optimization.Debugging;
using ModelOptimization.Optimization.TensorFlow;
using Xunit.Abstractions;

namespace ModelOptimization.Optimization.Tests.TensorFlow;

public sealed class TfDebugLayersTests(ITestOutputHelper output)
{
    private static (Model Float, TfQuantizationResult Quantized) Quantize(string name, QuantizationPlan? plan = null)
    {
        var sm = TensorFlowTestData.ReadSavedModel(name);
        if (plan is not null) sm.Plan = plan;
        return (sm, TfQuantizer.Quantize(sm, new TfQuantizationOptions { FunctionCaptures = SavedModelFunctionCaptures.Of(sm) }));
    }

    private static IDataset Digits(int count, float scale)
    {
        var (images, _) = TensorFlowTestData.Mnist();
        var samples = Enumerable.Range(0, count)
            .Select(i => new Array[] { images.AsSpan(i * 784, 784).ToArray().Select(b => b * scale).ToArray() })
            .ToList();
        return new InMemoryDataset(samples, name: "mnist10k");
    }

    [SkippableTheory]
    [InlineData("mnist_conv_tf1", 255f)]
    [InlineData("keras_mlp_dense", 1f)]
    public void Map_QuantizedSavedModel_NamesTheQuantizedTensorFlowLayers(string name, float range)
    {
        var (sm, q) = Quantize(name);
        var layers = TfQuantizer.Layers(sm, SavedModelFunctionCaptures.Of(sm));
        var rt = SavedModelConverter.ToTflite(sm);
        var qt = SavedModelConverter.ToTflite(q.Model);
        var map = TfDebugLayers.Map(qt, rt, layers);
        foreach (var (op, layer) in map) output.WriteLine($"{op} {rt.CodeOf(rt.Subgraphs[0].Operators[op]).Name} -> {layer}");

        // Each quantized weight is read by one of the mapped layers, and only quantized weights' layers are mapped.
        var quantized = q.Weights.Where(w => w.Quantized).ToList();
        Assert.NotEmpty(quantized);
        Assert.All(quantized, w => Assert.Contains(map.Values, l => w.Layers.Contains(l.Name)));
        Assert.All(map.Values, l => Assert.Contains(quantized, w => w.Layers.Contains(l.Name)));
        Assert.All(map.Values, l => Assert.Contains(layers, t => t.Layer == l));

        var report = QuantizationDebugger.Measure(qt, rt, Digits(8, range / 255f), new QuantizationDebugOptions { Layers = map, ThreadCount = 1 });
        Assert.Equal(map.Count, report.Layers.Count);
        Assert.All(report.Layers, r =>
        {
            Assert.Contains(map.Values, l => l.Name == r.LayerName && l.Index == r.LayerIndex && l.OpType == r.OpType);
            Assert.InRange(r.SqnrDb, 25, 120); // int8 weights: error present but small
            Assert.True(double.IsNaN(r.RmseOverScale));
        });
        Assert.True(report.Outputs[0].Top1Agreement > 0.8);
    }

    [SkippableFact]
    public void Map_ExcludedLayerStaysFloat_IsNotMeasured()
    {
        var plan = new QuantizationPlan();
        plan.Rules.Add(new LayerRule { Name = ["MatMul"] });
        var (sm, q) = Quantize("mnist_conv_tf1", plan);
        var map = TfDebugLayers.Map(SavedModelConverter.ToTflite(q.Model), SavedModelConverter.ToTflite(sm), TfQuantizer.Layers(sm));
        Assert.DoesNotContain(map.Values, l => l.Name == "MatMul");
        Assert.Contains(map.Values, l => l.Name == "MatMul_1");
    }

    [SkippableFact]
    public void Map_UnquantizedTwin_MapsNothing()
    {
        var sm = TensorFlowTestData.ReadSavedModel("mnist_conv_tf1");
        var t = SavedModelConverter.ToTflite(sm);
        Assert.Empty(TfDebugLayers.Map(SavedModelConverter.ToTflite(sm), t, TfQuantizer.Layers(sm)));
    }
}
