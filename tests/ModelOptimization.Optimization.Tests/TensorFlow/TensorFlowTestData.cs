using System.IO.Compression;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.SavedModel;
using ModelOptimization.Runtime;
using ModelOptimization.Tests.Shared;

namespace ModelOptimization.Optimization.Tests.TensorFlow;

/// <summary>Shared SavedModels, MNIST-10k, temporary folders and interpreter runs for the TensorFlow tests.</summary>
internal static class TensorFlowTestData
{
    private static readonly Lazy<(byte[] Images, byte[] Labels)?> mnist = new(LoadMnist);

    /// <summary>Reads a shared SavedModel; skips the test when it is missing.</summary>
    public static Model ReadSavedModel(string name)
    {
        var path = TestModels.Find("savedmodel/" + name);
        Skip.If(path is null, $"The shared SavedModel 'savedmodel/{name}' is not available.");
        return SavedModelReader.Read(path!);
    }

    /// <summary>MNIST-10k: 10,000 images of 28×28 uint8 pixels (row-major, one after the other) and their labels; skips when missing.</summary>
    public static (byte[] Images, byte[] Labels) Mnist()
    {
        var data = mnist.Value;
        Skip.If(data is null, "The shared MNIST-10k data set (data/mnist10k) is not available.");
        return data!.Value;
    }

    private static (byte[] Images, byte[] Labels)? LoadMnist()
    {
        var images = TestModels.Find("data/mnist10k/mnist10k-images-idx3-ubyte.gz");
        var labels = TestModels.Find("data/mnist10k/mnist10k-labels-idx1-ubyte.gz");
        if (images is null || labels is null) return null;
        var img = Gunzip(images);
        var lab = Gunzip(labels);
        return (img[16..], lab[8..]);
    }

    private static byte[] Gunzip(string path)
    {
        using var file = File.OpenRead(path);
        using var gz = new GZipStream(file, CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    /// <summary>
    /// Top-1 accuracy (percent) of a converted MNIST model over all 10,000 images, each pixel times
    /// <paramref name="scale"/>; the model's batch size must divide 10,000.
    /// </summary>
    public static double MnistAccuracy(Model tflite, float scale, out int[] predictions)
    {
        var (images, labels) = Mnist();
        using var interpreter = Interpreter.Create(tflite);
        int batch = interpreter.Inputs[0].Shape[0];
        Assert.Equal(784 * batch, interpreter.Inputs[0].Shape.Aggregate(1, (a, b) => a * b));
        var x = new float[784 * batch];
        predictions = new int[labels.Length];
        int correct = 0;
        for (int start = 0; start < labels.Length; start += batch)
        {
            for (int i = 0; i < x.Length; i++) x[i] = images[(start * 784) + i] * scale;
            interpreter.SetInput(0, x);
            interpreter.Invoke();
            var y = interpreter.GetOutput(0).ToFloats();
            for (int k = 0; k < batch; k++)
            {
                int best = 0;
                for (int c = 1; c < 10; c++) if (y[(k * 10) + c] > y[(k * 10) + best]) best = c;
                predictions[start + k] = best;
                if (best == labels[start + k]) correct++;
            }
        }

        return 100.0 * correct / labels.Length;
    }

    /// <summary>Runs a TFLite model in our interpreter on float inputs; returns every output as floats.</summary>
    public static float[][] Run(Model tflite, params float[][] inputs)
    {
        using var interpreter = Interpreter.Create(tflite);
        for (int i = 0; i < inputs.Length; i++) interpreter.SetInput(i, inputs[i]);
        interpreter.Invoke();
        return Enumerable.Range(0, interpreter.Outputs.Count).Select(o => interpreter.GetOutput(o).ToFloats()).ToArray();
    }

    /// <summary>Deterministic pseudo-random floats in [lo, hi).</summary>
    public static float[] RandomFloats(int count, int seed, float lo = -1, float hi = 1)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => lo + ((hi - lo) * (float)rng.NextDouble())).ToArray();
    }

    /// <summary>
    /// Largest |a − b| over the elements relative to the largest magnitude in either tensor (at least
    /// <paramref name="floor"/>): a difference relative to the output's scale, so values near zero do not dominate.
    /// </summary>
    public static double MaxRelativeDifference(float[] a, float[] b, double floor = 1e-6)
    {
        Assert.Equal(a.Length, b.Length);
        double worst = 0, scale = floor;
        for (int i = 0; i < a.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
            scale = Math.Max(scale, Math.Max(Math.Abs(a[i]), Math.Abs(b[i])));
        }

        return worst / scale;
    }

    /// <summary>A fresh temporary folder, deleted when disposed.</summary>
    public sealed class Temp : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "modelopt-tf-" + Guid.NewGuid().ToString("N"));

        public Temp() => Directory.CreateDirectory(Path);

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
