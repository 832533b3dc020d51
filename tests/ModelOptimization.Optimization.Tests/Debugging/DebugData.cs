using ModelOptimization.Core.Data;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Datasets;
using ModelOptimization.Formats.Tflite;
using ModelOptimization.Optimization.Quantization;
using ModelOptimization.Tests.Shared;

namespace ModelOptimization.Optimization.Tests.Debugging;

/// <summary>conv_fc_mnist and the 100 MNIST digits of tests/Assets, and a small FC → FC graph.</summary>
internal static class DebugData
{
    private static readonly Lazy<(float[][] Images, int[] Labels)> Digits = new(() =>
    {
        string dir = Path.Combine(TestModels.RepoRoot, "tests", "Assets");
        var x = DatasetReader.Open(Path.Combine(dir, "mnist-first100-images-idx3-ubyte.gz"), new DatasetOptions { Scale = 1 / 255.0, Shape = [1, 28, 28, 1] })
            .GetSamples().Select(s => (float[])s[0]).ToArray();
        var y = DatasetReader.Open(Path.Combine(dir, "mnist-first100-labels-idx1-ubyte.gz")).GetSamples().Select(s => (int)Convert.ToDouble(s[0].GetValue(0))).ToArray();
        return (x, y);
    });

    public static Model ConvFcMnist() => TfliteReader.Read(Path.Combine(TestModels.RepoRoot, "tests", "Assets", "conv_fc_mnist_float.tflite"));

    /// <summary>Digits [first, first + count) with their labels.</summary>
    public static InMemoryDataset Mnist(int first, int count)
    {
        var (x, y) = Digits.Value;
        return new InMemoryDataset(x.Skip(first).Take(count).Select(a => new Array[] { a }).ToList(), y.Skip(first).Take(count).ToArray(), "mnist");
    }

    public static QuantizationResult QuantizeMnist(Model model, QuantizationMode mode, Action<QuantizationOptions>? _ = null, QuantizationOptions? options = null)
    {
        var o = options ?? new QuantizationOptions { Mode = mode };
        if (QuantizationOptions.NeedsCalibration(o.Mode) && o.CalibrationData is null && o.Statistics is null) o = o with { CalibrationData = Mnist(50, 50) };
        return ModelQuantizer.Quantize(model, o);
    }

    /// <summary>x [1, 16] → FULLY_CONNECTED (12, ReLU) → FULLY_CONNECTED (6) → output.</summary>
    public static Model TwoLayers()
    {
        var b = new Helpers.GraphBuilder();
        int x = b.Input([1, 16], "x");
        int w1 = b.Const([12, 16], Helpers.GraphBuilder.Values(12 * 16, 1, 0.5f), "fc1/weights");
        int b1 = b.Const([12], Helpers.GraphBuilder.Values(12, 2, 0.1f), "fc1/bias");
        int h = b.Tensor([1, 12], "fc1/out");
        b.Op(Core.Tflite.BuiltinOperator.FULLY_CONNECTED, [x, w1, b1], [h], o => o["fused_activation_function"] = (sbyte)Core.Tflite.ActivationFunctionType.RELU);
        int w2 = b.Const([6, 12], Helpers.GraphBuilder.Values(6 * 12, 3, 0.5f), "fc2/weights");
        int b2 = b.Const([6], Helpers.GraphBuilder.Values(6, 4, 0.1f), "fc2/bias");
        int y = b.Tensor([1, 6], "fc2/out");
        b.Op(Core.Tflite.BuiltinOperator.FULLY_CONNECTED, [h, w2, b2], [y]);
        return b.Build(y);
    }
}
