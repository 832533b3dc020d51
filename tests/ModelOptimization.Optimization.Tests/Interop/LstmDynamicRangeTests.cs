using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Formats.Datasets;
using ModelOptimization.Formats.Tflite;
using ModelOptimization.Optimization.Quantization;
using ModelOptimization.Optimization.Tests.Helpers;
using ModelOptimization.Runtime;
using ModelOptimization.Tests.Shared;
using Xunit.Abstractions;
using static ModelOptimization.Optimization.Tests.Helpers.ModelRuns;

namespace ModelOptimization.Optimization.Tests.Interop;

/// <summary>
/// DynamicRange on the MNIST row-by-row LSTM: UNIDIRECTIONAL_SEQUENCE_LSTM becomes TFLite's hybrid form (int8
/// per-tensor weights, asymmetric_quantize_inputs, version 3); our interpreter computes what TFLite computes
/// (tfjs-tflite: LiteRT.js refuses variable tensors) and the golden sample images still classify as their digit.
/// </summary>
public class LstmDynamicRangeTests(ITestOutputHelper output)
{
    private static readonly Lazy<(Model Float, Model Hybrid)> Models = new(() =>
    {
        var model = SharedModels.Load("mnist_lstm_float.tflite");
        return (model, ModelQuantizer.Quantize(model, new QuantizationOptions { Mode = QuantizationMode.DynamicRange }).Model);
    });

    /// <summary>data/mnist/sample{digit}.png as [1, 28, 28] in [0, 1] (evaluate_test.py: image / 255).</summary>
    private static float[] Sample(int digit)
    {
        var path = TestModels.Find($"data/mnist/sample{digit}.png");
        Skip.If(path is null, $"data/mnist/sample{digit}.png is not available.");
        var px = (float[])DatasetReader.Open(path!, new DatasetOptions { Scale = 1 / 255.0, Shape = [1, 28, 28] }).GetSamples().First()[0];
        Assert.Equal(28 * 28, px.Length);
        return px;
    }

    [SkippableFact]
    public void DynamicRange_MnistLstm_HybridLstmWithInt8PerTensorWeights()
    {
        var (f, q) = Models.Value;
        var sg = q.Subgraphs[0];
        var lstm = Assert.Single(sg.Operators, o => q.CodeOf(o).Op == BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM);
        Assert.Equal(3, q.CodeOf(lstm).Version);
        Assert.True(lstm.BuiltinOptions!.GetBoolean("asymmetric_quantize_inputs"));
        Assert.Equal(TensorType.Float32, sg.Tensors[lstm.Inputs[0]].Type);
        foreach (int slot in new[] { 2, 3, 4, 6, 7, 8 })
        {
            var w = sg.Tensors[lstm.Inputs[slot]];
            Assert.Equal(TensorType.Int8, w.Type);
            Assert.Single(w.Quantization!.Scale!);
        }

        Assert.Equal(TensorType.Float32, sg.Tensors[lstm.Inputs[13]].Type); // forget-gate bias stays float
        long before = Size(f), after = Size(q);
        output.WriteLine($"mnist_lstm DynamicRange: {before} -> {after} bytes ({(double)after / before:P1})");
        Assert.True(after < before * 0.4, $"{after} of {before} bytes");
    }

    [SkippableFact]
    public void DynamicRange_MnistLstm_GoldenSamplesClassifyAsTheirDigit()
    {
        var (f, q) = Models.Value;
        double worst = 0;
        for (int digit = 0; digit < 10; digit++)
        {
            var x = Sample(digit);
            var pf = Ours(f, x);
            var pq = Ours(q, x);
            worst = Math.Max(worst, pf.Zip(pq).Max(p => Math.Abs(p.First - p.Second)));
            output.WriteLine($"sample{digit}.png -> float {ArgMax(pf)} ({pf.Max():F3}), hybrid {ArgMax(pq)} ({pq.Max():F3})");
            Assert.Equal(digit, ArgMax(pf));
            Assert.Equal(digit, ArgMax(pq));
        }

        output.WriteLine($"worst |hybrid - float| probability: {worst:G3}");
        Assert.True(worst > 0, "the hybrid model should not compute exactly what the float model computes");
    }

    [SkippableFact]
    public void DynamicRange_MnistLstm_InterpreterMatchesTfjsTflite()
    {
        // LiteRT.js 2.5.3 refuses models with variable tensors (the LSTM states); tfjs-tflite runs TFLite's hybrid kernel,
        // but its TFLite predates per-channel hybrid FULLY_CONNECTED (version 12), so the FULLY_CONNECTED is per tensor.
        Skip.If(InteropRunner.UnavailableReason is not null, InteropRunner.UnavailableReason);
        var q = ModelQuantizer.Quantize(Models.Value.Float, new QuantizationOptions { Mode = QuantizationMode.DynamicRange, Granularity = WeightGranularity.PerTensor }).Model;
        using var tmp = new TempDir();
        string path = tmp.File("mnist_lstm_dynamic.tflite");
        TfliteWriter.WriteFile(q, path);
        double worst = 0;
        for (int digit = 0; digit < 10; digit++)
        {
            var x = Sample(digit);
            var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan()).ToArray();
            var res = InteropRunner.Run("tfjs", path, [InteropTensor.FromBytes("float32", [1, 28, 28], bytes)], stripShapeSignature: true);
            Assert.True(res.Ok, res.ToString());
            var theirs = res.Outputs[0].ToFloats();
            var ours = Ours(q, x);
            worst = Math.Max(worst, ours.Zip(theirs).Max(p => Math.Abs(p.First - p.Second)));
            Assert.Equal(ArgMax(theirs), ArgMax(ours));
        }

        output.WriteLine($"mnist_lstm hybrid: worst |ours - tfjs-tflite| = {worst:G3}");
        Assert.True(worst < 1e-4, $"hybrid LSTM: interpreter differs from tfjs-tflite by {worst}");
    }
}
