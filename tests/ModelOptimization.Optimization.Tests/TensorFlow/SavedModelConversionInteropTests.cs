using ModelOptimization.Formats.SavedModel.Conversion;
using ModelOptimization.Formats.Tflite;
using ModelOptimization.Tests.Shared;
using Xunit.Abstractions;

namespace ModelOptimization.Optimization.Tests.TensorFlow;

/// <summary>
/// Converted SavedModels must compute in LiteRT.js what our interpreter computes for them (float, within 1e-5
/// relative). MNIST-10k accuracies are measured in TfQuantizerTests.
/// </summary>
public sealed class SavedModelConversionInteropTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData("keras_mlp_dense", 1f)]
    [InlineData("mnist_conv_tf1", 255f)]
    [InlineData("keras_conv_fake_effdet", 1f)]
    public void ToTflite_LiteRtMatchesInterpreter(string name, float range)
    {
        Skip.If(InteropRunner.UnavailableReason is not null, InteropRunner.UnavailableReason);
        var t = SavedModelConverter.ToTflite(TensorFlowTestData.ReadSavedModel(name), new SavedModelConversionOptions { BatchSize = 2 });
        var sg = t.Subgraphs[0];
        var input = sg.Tensors[sg.Inputs[0]];
        var x = TensorFlowTestData.RandomFloats((int)input.ElementCount, 42, 0, range);
        var ours = TensorFlowTestData.Run(t, x);

        using var temp = new TensorFlowTestData.Temp();
        var file = temp.File(name + ".tflite");
        TfliteWriter.WriteFile(t, file);
        var r = InteropRunner.Run("litert", file, [InteropTensor.FromFloats(input.Shape, x)], stripShapeSignature: true);
        Assert.True(r.Ok, r.ToString());
        Assert.Equal(ours.Length, r.Outputs.Count);
        for (int o = 0; o < ours.Length; o++)
        {
            double d = TensorFlowTestData.MaxRelativeDifference(ours[o], r.Outputs[o].ToFloats());
            output.WriteLine($"{name} output {o}: max relative difference LiteRT.js vs interpreter {d:G3}");
            Assert.True(d <= 1e-5, $"output {o} differs by {d:G3} (relative)");
        }
    }
}
