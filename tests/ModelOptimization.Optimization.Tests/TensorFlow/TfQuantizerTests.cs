using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.TensorFlow;
using ModelOptimization.Formats.SavedModel;
using ModelOptimization.Formats.SavedModel.Conversion;
using ModelOptimization.Optimization.Quantization;
using ModelOptimization.Optimization.TensorFlow;
using Xunit.Abstractions;

namespace ModelOptimization.Optimization.Tests.TensorFlow;

public sealed class TfQuantizerTests(ITestOutputHelper output)
{
    private static TfQuantizationResult Quantize(Model sm, TfComputeType compute, WeightGranularity granularity = WeightGranularity.PerChannel)
        => TfQuantizer.Quantize(sm, new TfQuantizationOptions
        {
            ComputeType = compute,
            Granularity = granularity,
            FunctionCaptures = SavedModelFunctionCaptures.Of(sm),
        });

    /// <summary>Writes the quantized model as a SavedModel and reads it back.</summary>
    private static Model WriteAndRead(Model quantized, TensorFlowTestData.Temp temp, string name, SavedModelPruning pruning = SavedModelPruning.Auto)
    {
        var folder = temp.File(name);
        SavedModelGraphWriter.Write(quantized, folder, new SavedModelWriteOptions { Pruning = pruning });
        return SavedModelReader.Read(folder);
    }

    private static long ModelVariableBytes(Model m) => m.TensorFlowGraph!.Variables.Where(v => !v.IsTrainingState).Sum(v => v.ByteCount);

    [SkippableTheory]
    [InlineData("keras_mlp_dense", TfComputeType.Float32)]
    [InlineData("keras_mlp_dense", TfComputeType.BFloat16)]
    [InlineData("mnist_conv_tf1", TfComputeType.Float32)]
    [InlineData("mnist_conv_tf1", TfComputeType.BFloat16)]
    public void Quantize_WrittenAndReimported_Int8WeightsFourTimesSmallerAndOutputsClose(string name, TfComputeType compute)
    {
        var sm = TensorFlowTestData.ReadSavedModel(name);
        var result = Quantize(sm, compute);
        foreach (var w in result.Weights) output.WriteLine(w.ToString());
        Assert.Contains(result.Weights, w => w.Quantized);
        Assert.All(result.Weights.Where(w => w.Quantized), w => Assert.StartsWith("per-channel", w.Granularity));
        Assert.Same(sm, result.Model.Source);
        Assert.All(sm.TensorFlowGraph!.Variables, v => Assert.NotEqual(TfDataType.Int8, v.DataType)); // the input is unchanged

        using var temp = new TensorFlowTestData.Temp();
        var back = WriteAndRead(result.Model, temp, name);
        var quantizedKeys = result.Weights.Where(w => w.Quantized).Select(w => w.Variable).ToHashSet();
        Assert.All(back.TensorFlowGraph!.Variables.Where(v => quantizedKeys.Contains(v.Name)), v => Assert.Equal(TfDataType.Int8, v.DataType));
        double ratio = (double)ModelVariableBytes(sm) / ModelVariableBytes(back);
        output.WriteLine($"{name} {compute}: model variables {ModelVariableBytes(sm):N0} -> {ModelVariableBytes(back):N0} bytes ({ratio:F2}x); "
                         + $"checkpoint {sm.TensorFlowGraph.VariableBytes:N0} -> {back.TensorFlowGraph.VariableBytes:N0}; weights+scales {result.CompressionRatio:F2}x");
        Assert.InRange(ratio, 3.5, 4.0);

        // Dequantization in the graph (Cast, Mul) is folded by the converter: the TFLite model is float again.
        var tf = SavedModelConverter.ToTflite(sm);
        var tq = SavedModelConverter.ToTflite(back);
        Assert.Equal(tf.Subgraphs[0].Operators.Select(o => tf.CodeOf(o).Name), tq.Subgraphs[0].Operators.Select(o => tq.CodeOf(o).Name));
        var x = TensorFlowTestData.RandomFloats(784, 7, 0, name == "mnist_conv_tf1" ? 255 : 1);
        var a = TensorFlowTestData.Run(tf, x)[0];
        var b = TensorFlowTestData.Run(tq, x)[0];
        double maxAbs = a.Zip(b).Max(p => Math.Abs(p.First - p.Second));
        output.WriteLine($"softmax max |float - int8| = {maxAbs:G3}; argmax {Array.IndexOf(a, a.Max())} vs {Array.IndexOf(b, b.Max())}");
        Assert.True(maxAbs < 0.05, $"the quantized model's probabilities differ by {maxAbs}");
    }

    [SkippableFact]
    public void Quantize_KerasMlpDense_EveryFunctionReadsTheInt8VariableConsistently()
    {
        var sm = TensorFlowTestData.ReadSavedModel("keras_mlp_dense");
        using var temp = new TensorFlowTestData.Temp();
        var back = WriteAndRead(Quantize(sm, TfComputeType.BFloat16).Model, temp, "q");
        var g = back.TensorFlowGraph!;
        var kernel = g.Variables.Single(v => v.VariableName == "dense/kernel");
        Assert.Equal(TfDataType.Int8, g.FindNode(kernel.NodeName!)!.DataType);

        // Every int8 read feeds only the dequantization Cast or the save plumbing; no float read of it is left.
        int int8Reads = 0;
        foreach (var f in g.Functions)
        {
            foreach (var read in f.Nodes.Where(n => n.Op == "ReadVariableOp" && n.DataType == TfDataType.Int8))
            {
                int8Reads++;
                var users = f.Nodes.Where(n => n.Inputs.Any(i => i.StartsWith(read.Name + ":", StringComparison.Ordinal))).ToList();
                Assert.All(users, u => Assert.True(u.Op is "Cast" or "Identity" or "SaveV2", $"{u.Name} ({u.Op}) in {f.Name} reads the int8 value"));
            }

            foreach (var mm in f.Nodes.Where(n => n.Op == "MatMul"))
            {
                var producer = mm.Inputs[1].Split(':')[0];
                var p = f.Nodes.FirstOrDefault(n => n.Name == producer);
                if (p?.Op == "ReadVariableOp") Assert.True(p.DataType == TfDataType.Float, $"{mm.Name} in {f.Name} reads a variable directly");
            }
        }

        output.WriteLine($"int8 ReadVariableOps: {int8Reads}");
        Assert.True(int8Reads >= 5);
        var restore = g.Functions.Single(f => f.Name.Contains("_traced_restore", StringComparison.Ordinal));
        Assert.Contains(TfDataType.Int8, restore.Nodes.Single(n => n.Op == "RestoreV2").Attributes["dtypes"].List!.Types);
    }

    [SkippableFact]
    public void Quantize_MnistConvTf1_SaverRetypedAndTrainingUpdatesRemoved()
    {
        var sm = TensorFlowTestData.ReadSavedModel("mnist_conv_tf1");
        using var temp = new TensorFlowTestData.Temp();
        // Training state kept on request (the default export is serving-only and drops the updates altogether).
        var back = WriteAndRead(Quantize(sm, TfComputeType.Float32).Model, temp, "q", SavedModelPruning.KeepTrainingState);
        var g = back.TensorFlowGraph!;
        Assert.Equal(TfDataType.Int8, g.FindNode("Variable_6")!.DataType);
        Assert.Equal(TfDataType.Int8, g.FindNode("Variable_6/read")!.DataType);
        Assert.Equal("Variable_6/read/dequantize", g.FindNode("MatMul")!.Inputs[1]);
        Assert.Null(g.FindNode("MomentumOp/update_Variable_6/ApplyMomentum"));
        Assert.NotNull(g.FindNode("MomentumOp/update_Variable_7/ApplyMomentum")); // the float bias keeps its update
        Assert.DoesNotContain("^MomentumOp/update_Variable_6/ApplyMomentum", g.FindNode("MomentumOp")!.Inputs);
        var restoreTypes = g.FindNode("save/RestoreV2")!.Attributes["dtypes"].List!.Types;
        Assert.Equal(4, restoreTypes.Count(t => t == TfDataType.Int8));
        Assert.Equal(restoreTypes, g.FindNode("save/SaveV2")!.Attributes["dtypes"].List!.Types);
        Assert.Equal("Cast", g.FindNode(TfGraphInput(g.FindNode("Variable_6/Assign")!, 1))!.Op);
    }

    private static string TfGraphInput(TfNode node, int i) => node.Inputs[i].Split(':')[0];

    [SkippableFact]
    public void Quantize_MnistConvTf1_Mnist10kAccuracyWithinHalfPercentOfFloat()
    {
        // The graph feeds the Features placeholder straight into Conv2D (no scaling op after it), and its training
        // script (mnist_conv_model.py, dotnet/machinelearning-testdata) fed raw pixels from mnist_train.1K.tsv: the
        // input is taken as raw 0..255 pixel values.
        var sm = TensorFlowTestData.ReadSavedModel("mnist_conv_tf1");
        var options = new SavedModelConversionOptions { BatchSize = 100 };
        double f = TensorFlowTestData.MnistAccuracy(SavedModelConverter.ToTflite(sm, options), 1f, out var pf);
        double q32 = TensorFlowTestData.MnistAccuracy(SavedModelConverter.ToTflite(Quantize(sm, TfComputeType.Float32).Model, options), 1f, out var p32);
        double q16 = TensorFlowTestData.MnistAccuracy(SavedModelConverter.ToTflite(Quantize(sm, TfComputeType.BFloat16).Model, options), 1f, out var p16);
        output.WriteLine($"mnist_conv_tf1 MNIST-10k (raw pixels): float {f:F2} %, int8 weights float32 compute {q32:F2} %, int8 weights bfloat16 compute {q16:F2} %");
        output.WriteLine($"top-1 agreement with float: {Agreement(pf, p32):F2} % / {Agreement(pf, p16):F2} %");
        Assert.InRange(q32, f - 0.5, f + 0.5);
        Assert.InRange(q16, f - 0.5, f + 0.5);
    }

    [SkippableFact]
    public void Quantize_KerasMlpDense_Mnist10kAccuracyWithinHalfPercentOfFloat()
    {
        var sm = TensorFlowTestData.ReadSavedModel("keras_mlp_dense");
        var options = new SavedModelConversionOptions { BatchSize = 100 };
        double f = TensorFlowTestData.MnistAccuracy(SavedModelConverter.ToTflite(sm, options), 1 / 255f, out var pf);
        double q16 = TensorFlowTestData.MnistAccuracy(SavedModelConverter.ToTflite(Quantize(sm, TfComputeType.BFloat16).Model, options), 1 / 255f, out var p16);
        output.WriteLine($"keras_mlp_dense MNIST-10k (pixels / 255): float {f:F2} %, int8 weights bfloat16 compute {q16:F2} %, agreement {Agreement(pf, p16):F2} %");
        Assert.InRange(q16, f - 0.5, f + 0.5);
    }

    private static double Agreement(int[] a, int[] b) => 100.0 * a.Zip(b).Count(p => p.First == p.Second) / a.Length;

    [SkippableFact]
    public void Quantize_PlanExcludesALayer_ThatWeightStaysFloat()
    {
        var sm = TensorFlowTestData.ReadSavedModel("mnist_conv_tf1");
        var options = new TfQuantizationOptions
        {
            Plan = new QuantizationPlan { Rules = [new LayerRule { Name = ["MatMul"], Reason = "keep the big FC float" }] },
        };
        var result = TfQuantizer.Quantize(sm, options);
        var w = result.Weights.Single(r => r.Variable == "Variable_6");
        Assert.False(w.Quantized);
        Assert.Contains("plan", w.Reason);
        Assert.True(result.Weights.Single(r => r.Variable == "Variable_8").Quantized);
        Assert.Equal(TfDataType.Float, result.Model.TensorFlowGraph!.FindVariable("Variable_6")!.DataType);
    }

    [SkippableFact]
    public void Quantize_PerTensor_OneScalePerWeight()
    {
        var sm = TensorFlowTestData.ReadSavedModel("mnist_conv_tf1");
        var result = Quantize(sm, TfComputeType.Float32, WeightGranularity.PerTensor);
        Assert.All(result.Weights.Where(w => w.Quantized), w => Assert.Equal("per-tensor", w.Granularity));
        var scale = result.Model.TensorFlowGraph!.FindNode("Variable_6/read/dequantize/scale")!;
        Assert.Equal(0, scale.Attributes["value"].Tensor!.Shape.Rank);
    }

    [SkippableFact]
    public void Quantize_HalfPlusTwoWithNoMinimumSize_ScalarsQuantizedAndResultClose()
    {
        var sm = TensorFlowTestData.ReadSavedModel("half_plus_two_tf2");
        var result = TfQuantizer.Quantize(sm, new TfQuantizationOptions { MinWeightElements = 0, FunctionCaptures = SavedModelFunctionCaptures.Of(sm) });
        Assert.All(result.Weights.Where(w => w.Variable.StartsWith("a/", StringComparison.Ordinal) || w.Variable.StartsWith("b/", StringComparison.Ordinal)), w => Assert.True(w.Quantized, w.ToString()));
        using var temp = new TensorFlowTestData.Temp();
        var back = WriteAndRead(result.Model, temp, "q");
        var y = TensorFlowTestData.Run(SavedModelConverter.ToTflite(back), [3f])[0].Single();
        Assert.Equal(3.5f, y, 1e-5f);
    }

    [SkippableFact]
    public void Quantize_InvalidInputs_ThrowTypedErrors()
    {
        var sm = TensorFlowTestData.ReadSavedModel("keras_mlp_dense");
        var ex = Assert.Throws<ModelOptimizationException>(() => TfQuantizer.Quantize(sm, new TfQuantizationOptions { Granularity = WeightGranularity.Blockwise }));
        Assert.Equal(ErrorIds.ParameterCombinationInvalid, ex.ErrorId);
        ex = Assert.Throws<ModelOptimizationException>(() => TfQuantizer.Quantize(new Model { Name = "tflite" }));
        Assert.Equal(ErrorIds.UnsupportedModelFormat, ex.ErrorId);
    }

    [SkippableFact]
    public void Layers_Tf1ConvNet_ConvAndMatMulNodesWithTheirVariables()
    {
        var sm = TensorFlowTestData.ReadSavedModel("mnist_conv_tf1");
        var layers = TfQuantizer.Layers(sm, SavedModelFunctionCaptures.Of(sm));
        Assert.Equal(Enumerable.Range(0, layers.Count), layers.Select(l => l.Layer.Index));
        Assert.Equal(["Conv2D", "Conv2D_1", "Conv2D_2"], layers.Where(l => l.Layer.OpType == "Conv2D").Select(l => l.Layer.Name));
        var fc = Assert.Single(layers, l => l.Layer.Name == "MatMul");
        Assert.Equal(["Variable_6"], fc.Variables);
        Assert.Equal(1176 * 200, fc.ParameterCount);
        Assert.DoesNotContain(layers, l => l.Layer.OpType.StartsWith("Apply", StringComparison.Ordinal)); // training ops are no layers
    }

    [SkippableFact]
    public void Quantize_PlanExcludesByOpTypeAndIndexOfLayers_ThoseWeightsStayFloat()
    {
        var sm = TensorFlowTestData.ReadSavedModel("mnist_conv_tf1");
        var layers = TfQuantizer.Layers(sm);
        int fc2 = layers.Single(l => l.Layer.Name == "MatMul_1").Layer.Index;
        var result = TfQuantizer.Quantize(sm, new TfQuantizationOptions
        {
            Plan = new QuantizationPlan { Rules = [new LayerRule { OpType = ["conv2d"] }, new LayerRule { Index = [fc2] }] },
        });
        Assert.Equal(["Variable_6"], result.Weights.Where(w => w.Quantized).Select(w => w.Variable));
        Assert.Contains("excluded by the plan", result.Weights.Single(w => w.Variable == "Variable_8").Reason);
    }
}
