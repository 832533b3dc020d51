using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Formats.Tflite;
using ModelOptimization.Runtime.Tests.Helpers;
using ModelOptimization.Tests.Shared;
using Xunit.Abstractions;

namespace ModelOptimization.Runtime.Tests.Operators;

/// <summary>
/// Hybrid (dynamic-range) UNIDIRECTIONAL_SEQUENCE_LSTM with peepholes and projection: int8 per-tensor weights,
/// float activations. Checked against the float LSTM on the dequantized weights and against tfjs-tflite's TFLite.
/// </summary>
public sealed class HybridLstmTests(ITestOutputHelper output)
{
    private const int Batches = 2, Steps = 4, Inputs = 6, Cells = 8, Outputs = 5;

    private static float[] F(int n, int seed, float scale = 1) { var r = new Random(seed); return Enumerable.Range(0, n).Select(_ => (float)((r.NextDouble() - 0.5) * scale)).ToArray(); }

    private static sbyte[] Q(int n, int seed) { var r = new Random(seed); return Enumerable.Range(0, n).Select(_ => (sbyte)r.Next(-127, 128)).ToArray(); }

    /// <summary>The LSTM, hybrid (int8 weights) or float with the same weights dequantized.</summary>
    private static Model Build(bool hybrid, bool asymmetric)
    {
        var mb = new ModelBuilder();
        var ids = new int[20];
        Array.Fill(ids, -1);
        ids[0] = mb.Input(TensorType.Float32, [Batches, Steps, Inputs]);
        int Weight(int[] shape, int seed, float scale)
        {
            int n = shape.Aggregate(1, (a, b) => a * b);
            var q = Q(n, seed);
            return hybrid
                ? mb.Const(TensorType.Int8, shape, q, QuantizationParameters.PerTensor(scale, 0))
                : mb.Const(TensorType.Float32, shape, q.Select(v => v * scale).ToArray());
        }

        for (int g = 0; g < 4; g++)
        {
            ids[1 + g] = Weight([Cells, Inputs], 10 + g, 0.004f + 0.001f * g);
            ids[5 + g] = Weight([Cells, Outputs], 20 + g, 0.003f + 0.001f * g);
            ids[12 + g] = mb.Const(TensorType.Float32, [Cells], F(Cells, 30 + g, 0.2f));
        }

        for (int p = 0; p < 3; p++) ids[9 + p] = Weight([Cells], 40 + p, 0.002f);
        ids[16] = Weight([Outputs, Cells], 50, 0.006f);
        ids[17] = mb.Const(TensorType.Float32, [Outputs], F(Outputs, 51, 0.1f));
        ids[18] = mb.Variable(TensorType.Float32, [Batches, Outputs]);
        ids[19] = mb.Variable(TensorType.Float32, [Batches, Cells]);
        int o = mb.Tensor(TensorType.Float32, [Batches, Steps, Outputs]);
        mb.Op(BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM, ids, [o], opt =>
        {
            opt["fused_activation_function"] = (sbyte)ActivationFunctionType.TANH;
            opt["cell_clip"] = 3f;
            opt["proj_clip"] = 0.4f;
            opt["asymmetric_quantize_inputs"] = asymmetric;
        }, version: hybrid ? (asymmetric ? 3 : 2) : 1);
        return mb.Build(o);
    }

    private static float[] Input() => F(Batches * Steps * Inputs, 99, 4);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void SequenceLstm_Hybrid_CloseToFloatOnDequantizedWeights(bool asymmetric)
    {
        var x = Input();
        var hybrid = (float[])ModelBuilder.RunSingle(Build(hybrid: true, asymmetric), null, x).Data;
        var reference = (float[])ModelBuilder.RunSingle(Build(hybrid: false, asymmetric), null, x).Data;
        double worst = hybrid.Zip(reference).Max(p => Math.Abs(p.First - p.Second));
        output.WriteLine($"asymmetric={asymmetric}: worst |hybrid - float| = {worst:G3}");
        // x and h are quantized to 8 bits per row: small, visible differences.
        Assert.InRange(worst, 1e-6, 0.02);
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void SequenceLstm_Hybrid_MatchesTfjsTflite(bool asymmetric)
    {
        Skip.If(InteropRunner.UnavailableReason is not null, InteropRunner.UnavailableReason);
        var model = Build(hybrid: true, asymmetric);
        var x = Input();
        var ours = (float[])ModelBuilder.RunSingle(model, null, x).Data;
        string path = Path.Combine(Path.GetTempPath(), $"hybrid_lstm_{Guid.NewGuid():N}.tflite");
        try
        {
            TfliteWriter.WriteFile(model, path);
            // LiteRT.js refuses variable tensors; tfjs-tflite runs TFLite's hybrid LSTM kernel.
            var res = InteropRunner.Run("tfjs", path, [InteropTensor.FromFloats([Batches, Steps, Inputs], x)]);
            Assert.True(res.Ok, res.ToString());
            double worst = ours.Zip(res.Outputs[0].ToFloats()).Max(p => Math.Abs(p.First - p.Second));
            output.WriteLine($"asymmetric={asymmetric}: worst |ours - tfjs-tflite| = {worst:G3}");
            Assert.True(worst < 1e-5, $"hybrid LSTM differs from TFLite by {worst}");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
