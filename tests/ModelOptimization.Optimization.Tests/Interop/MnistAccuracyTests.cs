using ModelOptimization.Core.Data;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Tflite;
using ModelOptimization.Optimization.Calibration;
using ModelOptimization.Optimization.Quantization;
using ModelOptimization.Optimization.Tests.Helpers;
using ModelOptimization.Tests.Shared;
using Xunit.Abstractions;

namespace ModelOptimization.Optimization.Tests.Interop;

/// <summary>
/// conv_fc_mnist on all 10,000 MNIST digits in LiteRT.js (calibration on the first 1,000), evaluated as 10 calls of a
/// batch-1000 copy of each model. Targets: float 96.73 %; FullInteger ≥ 96.6 %, WeightOnly int8 ≥ 96.7 %,
/// DynamicRange ≥ 96.6 %; the same with adaptive (GPTQ) weight rounding.
/// </summary>
public class MnistAccuracyTests(ITestOutputHelper output)
{
    private const int Batch = 1000;

    [SkippableTheory]
    [InlineData(null, 96.7)]
    [InlineData(QuantizationMode.FullInteger, 96.6)]
    [InlineData(QuantizationMode.WeightOnly, 96.7)]
    [InlineData(QuantizationMode.DynamicRange, 96.6)]
    [InlineData(QuantizationMode.FullInteger, 96.6, WeightRounding.Adaptive)]
    [InlineData(QuantizationMode.WeightOnly, 96.7, WeightRounding.Adaptive)]
    public void ConvFcMnist_AccuracyInLiteRt(QuantizationMode? mode, double target, WeightRounding rounding = WeightRounding.Nearest)
    {
        Skip.If(InteropRunner.UnavailableReason is not null, InteropRunner.UnavailableReason);
        var model = SharedModels.Load("conv_fc_mnist_float.tflite");
        var (images, labels) = SharedModels.Mnist();
        if (mode is { } m)
        {
            var o = new QuantizationOptions { Mode = m, WeightRounding = rounding };
            if (QuantizationOptions.NeedsCalibration(m) || rounding == WeightRounding.Adaptive)
                o = o with { CalibrationData = new InMemoryDataset(images.Take(1000).Select(x => new Array[] { x }).ToList()) };
            model = ModelQuantizer.Quantize(model, o).Model;
        }

        double accuracy = Accuracy(model, images, labels);
        output.WriteLine($"{mode?.ToString() ?? "float"} ({rounding} rounding): {accuracy:F2} %");
        Assert.True(accuracy >= target, $"{mode?.ToString() ?? "float"} accuracy {accuracy:F2} % < {target} %");
    }

    internal static double Accuracy(Model model, float[][] images, int[] labels)
    {
        using var tmp = new TempDir();
        string path = tmp.File("batch.tflite");
        TfliteWriter.WriteFile(Batching.Make(model, Batch), path);
        int correct = 0;
        for (int k = 0; k < images.Length / Batch; k++)
        {
            var x = images.Skip(k * Batch).Take(Batch).SelectMany(a => a).ToArray();
            var r = InteropRunner.Run("litert", path, [InteropTensor.FromFloats([Batch, 28, 28, 1], x)]);
            Assert.True(r.Ok, r.ToString());
            var y = r.Outputs[0].ToFloats();
            for (int i = 0; i < Batch; i++)
            {
                int arg = 0;
                for (int j = 1; j < 10; j++) if (y[i * 10 + j] > y[i * 10 + arg]) arg = j;
                if (arg == labels[k * Batch + i]) correct++;
            }
        }

        return 100.0 * correct / (images.Length / Batch * Batch);
    }
}
