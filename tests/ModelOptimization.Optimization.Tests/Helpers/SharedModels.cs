using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Datasets;
using ModelOptimization.Formats.Tflite;
using ModelOptimization.Tests.Shared;

namespace ModelOptimization.Optimization.Tests.Helpers;

/// <summary>The shared models and data of ../shared/models, skipping a test when they are missing.</summary>
internal static class SharedModels
{
    private static readonly Lazy<(float[][] Images, int[] Labels)?> MnistData = new(LoadMnist);

    /// <summary>Reads tflite/<paramref name="file"/>; skips the test when the file is not there.</summary>
    public static Model Load(string file)
    {
        var path = TestModels.Find("tflite/" + file);
        Skip.If(path is null, $"The shared model tflite/{file} is not available (set MODELOPT_SHARED_MODELS).");
        return TfliteReader.Read(path!);
    }

    /// <summary>The 10,000 MNIST digits (pixels / 255, [1,28,28,1] each) and labels; skips when missing.</summary>
    public static (float[][] Images, int[] Labels) Mnist()
    {
        var d = MnistData.Value;
        Skip.If(d is null, "The shared MNIST data (data/mnist10k) is not available.");
        return d!.Value;
    }

    private static (float[][], int[])? LoadMnist()
    {
        var images = TestModels.Find("data/mnist10k/mnist10k-images-idx3-ubyte.gz");
        var labels = TestModels.Find("data/mnist10k/mnist10k-labels-idx1-ubyte.gz");
        if (images is null || labels is null) return null;
        var x = DatasetReader.Open(images, new DatasetOptions { Scale = 1 / 255.0, Shape = [1, 28, 28, 1] }).GetSamples().Select(s => (float[])s[0]).ToArray();
        var y = DatasetReader.Open(labels).GetSamples().Select(s => (int)Convert.ToDouble(s[0].GetValue(0))).ToArray();
        return (x, y);
    }
}
