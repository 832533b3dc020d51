using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Tflite;
using ModelOptimization.Optimization.Quantization;
using ModelOptimization.Optimization.Tests.Helpers;
using ModelOptimization.Runtime;
using ModelOptimization.Tests.Shared;
using Xunit.Abstractions;
using static ModelOptimization.Optimization.Tests.Helpers.ModelRuns;

namespace ModelOptimization.Optimization.Tests.Interop;

/// <summary>
/// WeightOnly int4 blockwise models (FULLY_CONNECTED reading block-scaled int4 weights directly): our interpreter
/// computes what LiteRT.js computes (XNNPACK qd8 × qb4w), and classifies MNIST like the float model.
/// </summary>
public class BlockwiseInteropTests(ITestOutputHelper output)
{
    private static readonly Lazy<(Model Model, float[][] Images, int[] Labels)> Mnist = new(() =>
    {
        var model = SharedModels.Load("conv_fc_mnist_float.tflite");
        var (images, labels) = SharedModels.Mnist();
        return (model, images.Take(300).ToArray(), labels.Take(300).ToArray());
    });

    private static Model Quantize(Model model, int blockSize) => ModelQuantizer.Quantize(model, new QuantizationOptions
    {
        Mode = QuantizationMode.WeightOnly, WeightBits = 4, Granularity = WeightGranularity.Blockwise, BlockSize = blockSize,
    }).Model;

    /// <summary>Runs <paramref name="model"/> in LiteRT.js and in our interpreter; returns the worst relative difference.</summary>
    private static double CompareWithLiteRt(Model model, int[] shape, IEnumerable<float[]> inputs, bool sameTop1)
    {
        Skip.If(InteropRunner.UnavailableReason is not null, InteropRunner.UnavailableReason);
        Assert.Contains(model.Subgraphs[0].Tensors, t => t.Quantization?.Details is Core.Quantization.BlockwiseQuantization);
        using var tmp = new TempDir();
        string path = tmp.File("blockwise.tflite");
        TfliteWriter.WriteFile(model, path);
        double worst = 0;
        foreach (var x in inputs)
        {
            var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan()).ToArray();
            var res = InteropRunner.Run("litert", path, [InteropTensor.FromBytes("float32", shape, bytes)], stripShapeSignature: true);
            Assert.True(res.Ok, res.ToString());
            var theirs = res.Outputs[0].ToFloats();
            var ours = Ours(model, x);
            Assert.Contains(ours, v => v != 0);
            double scale = Math.Max(1, theirs.Max(Math.Abs));
            worst = Math.Max(worst, ours.Zip(theirs).Max(p => Math.Abs(p.First - p.Second)) / scale);
            if (sameTop1) Assert.Equal(ArgMax(theirs), ArgMax(ours));
        }

        return worst;
    }

    [SkippableFact]
    public void Int4BlockwiseMnist_InterpreterMatchesLiteRt()
    {
        // conv_fc_mnist's FULLY_CONNECTED weights are [32, 1568] and [10, 32]: only 32 divides both.
        var model = Quantize(Mnist.Value.Model, 32);
        double worst = CompareWithLiteRt(model, [1, 28, 28, 1], Mnist.Value.Images.Skip(100).Take(5), sameTop1: true);
        output.WriteLine($"mnist block 32: worst |ours - LiteRT| / max(1, |LiteRT|) = {worst:G3}");
        Assert.True(worst < 1e-4, $"int4 blockwise: interpreter differs from LiteRT by {worst} (relative)");
    }

    [SkippableTheory]
    [InlineData(64)]
    [InlineData(128)]
    [InlineData(256)]
    public void Int4BlockwiseDense_InterpreterMatchesLiteRt(int blockSize)
    {
        var model = Quantize(GraphBuilder.FullyConnected(inputs: 512, outputs: 24), blockSize);
        double worst = CompareWithLiteRt(model, [1, 512], Enumerable.Range(0, 4).Select(i => GraphBuilder.Values(512, 40 + i)), sameTop1: false);
        output.WriteLine($"dense 512x24 block {blockSize}: worst |ours - LiteRT| / max(1, |LiteRT|) = {worst:G3}");
        Assert.True(worst < 1e-4, $"int4 blockwise {blockSize}: interpreter differs from LiteRT by {worst} (relative)");
    }

    [SkippableFact]
    public void Int4Blockwise32Mnist_ClassifiesLikeTheFloatModel()
    {
        var (floatModel, images, labels) = Mnist.Value;
        var model = Quantize(floatModel, 32);
        int agree = 0, correctFloat = 0, correctQuantized = 0;
        foreach (var (x, label) in images.Zip(labels))
        {
            int f = ArgMax(Ours(floatModel, x)), q = ArgMax(Ours(model, x));
            agree += f == q ? 1 : 0;
            correctFloat += f == label ? 1 : 0;
            correctQuantized += q == label ? 1 : 0;
        }

        long floatBytes = Size(floatModel), int4Bytes = Size(model);
        output.WriteLine($"mnist block 32: {floatBytes} -> {int4Bytes} bytes ({(double)int4Bytes / floatBytes:P1})");
        Assert.True(int4Bytes < floatBytes * 0.2, $"{int4Bytes} of {floatBytes} bytes");
        output.WriteLine($"mnist block 32: top-1 agreement {agree}/{images.Length}, accuracy float {correctFloat}, int4 {correctQuantized}");
        Assert.True(agree >= images.Length * 0.97, $"top-1 agreement {agree}/{images.Length}");
    }
}
