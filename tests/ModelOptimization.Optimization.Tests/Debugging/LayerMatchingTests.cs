using ModelOptimization.Core.Data;
using ModelOptimization.Core.Graph;
using ModelOptimization.Optimization.Debugging;
using ModelOptimization.Optimization.Quantization;
using ModelOptimization.Optimization.Tests.Helpers;
using Xunit.Abstractions;

namespace ModelOptimization.Optimization.Tests.Debugging;

/// <summary>MatchLayers on the shared float models quantized in every mode: every float layer finds its twin.</summary>
public class LayerMatchingTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData("mobilenet_like_tiny_float.tflite")]
    [InlineData("branching_conv_fc_float.tflite")]
    [InlineData("lstm_cell_float.tflite")]
    [InlineData("mnist_lstm_float.tflite")]
    [InlineData("op_depthwise_conv2d_bias_float.tflite")]
    [InlineData("op_transpose_conv_bias_float.tflite")]
    [InlineData("op_two_inputs_concatenation_float.tflite")]
    [InlineData("movie_review_text_float.tflite")]
    [InlineData("hello_world_float.tflite")]
    public void MatchLayers_SharedModelInEveryMode_PairsEveryLayer(string file)
    {
        var model = SharedModels.Load(file);
        var sg = model.Subgraphs[0];
        bool floatInputs = sg.Inputs.All(i => sg.Tensors[i].Type == TensorType.Float32);
        foreach (var mode in Enum.GetValues<QuantizationMode>())
        {
            if (QuantizationOptions.NeedsCalibration(mode) && !floatInputs) continue;
            var o = new QuantizationOptions { Mode = mode };
            if (QuantizationOptions.NeedsCalibration(mode)) o = o with { CalibrationData = RandomSamples(model, 8) };
            var q = ModelQuantizer.Quantize(model, o).Model;

            var matches = QuantizationDebugger.MatchLayers(q, model);

            int conversions = sg.Operators.Count(op => model.CodeOf(op).Name is "QUANTIZE" or "DEQUANTIZE" or "CAST");
            Assert.True(matches.Count >= sg.Operators.Count - conversions, $"{mode}: {matches.Count} of {sg.Operators.Count} layers matched");
            Assert.All(matches, m => Assert.Equal(m.OpType, q.CodeOf(q.Subgraphs[0].Operators[m.QuantizedIndex]).Name));
            output.WriteLine($"{mode}: {matches.Count} layers, {matches.Count(m => m.IsQuantized)} quantized");
        }
    }

    private static InMemoryDataset RandomSamples(Model model, int count)
    {
        var sg = model.Subgraphs[0];
        return new InMemoryDataset(Enumerable.Range(0, count)
            .Select(k => sg.Inputs.Select((t, i) => (Array)GraphBuilder.Values((int)sg.Tensors[t].ElementCount, 100 * k + i)).ToArray()).ToList());
    }
}
