using System.Runtime.InteropServices;
using ModelOptimization.Core.Data;
using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Optimization.Calibration;
using ModelOptimization.Optimization.Quantization;
using ModelOptimization.Optimization.Tests.Helpers;

namespace ModelOptimization.Optimization.Tests.Quantization;

public class AdaptiveRoundingTests
{
    /// <summary>Rows × cols weights, samples × cols inputs whose columns are correlated (x = z A).</summary>
    private static (float[] W, float[][] X) Layer(int rows, int cols, int samples, int seed)
    {
        var w = GraphBuilder.Values(rows * cols, seed, 0.5f);
        var a = GraphBuilder.Values(cols * cols, seed + 1);
        var x = new float[samples][];
        for (int s = 0; s < samples; s++)
        {
            var z = GraphBuilder.Values(cols, seed + 100 + s);
            x[s] = new float[cols];
            for (int j = 0; j < cols; j++)
            {
                double v = 0;
                for (int k = 0; k < cols; k++) v += z[k] * a[k * cols + j];
                x[s][j] = (float)v;
            }
        }

        return (w, x);
    }

    private static double[] Hessian(float[][] x, int cols)
    {
        var h = new double[cols * cols];
        foreach (var v in x)
        {
            for (int i = 0; i < cols; i++) for (int j = 0; j < cols; j++) h[i * cols + j] += (double)v[i] * v[j];
        }

        return h;
    }

    /// <summary>Σ over samples and rows of ((W − s·q) x)².</summary>
    private static double OutputError(float[] w, sbyte[] q, float[] scales, float[][] x, int rows, int cols)
    {
        double e = 0;
        foreach (var v in x)
        {
            for (int r = 0; r < rows; r++)
            {
                double d = 0;
                for (int k = 0; k < cols; k++) d += (w[r * cols + k] - scales[r] * q[r * cols + k]) * v[k];
                e += d * d;
            }
        }

        return e;
    }

    private static (sbyte[] Nearest, sbyte[] Adaptive, float[] Scales) RoundBoth(float[] w, double[] h, int rows, int cols)
    {
        var scales = new float[rows];
        for (int r = 0; r < rows; r++) scales[r] = w.AsSpan(r * cols, cols).ToArray().Max(Math.Abs) / 127;
        var nearest = new sbyte[rows * cols];
        var adaptive = new sbyte[rows * cols];
        var rounder = AdaptiveRounding.Create(h, cols)!;
        for (int r = 0; r < rows; r++)
        {
            AdaptiveRounding.Identity(cols).RoundRow(w.AsSpan(r * cols, cols), 1, scales[r], -127, 127, nearest.AsSpan(r * cols, cols), 1);
            rounder.RoundRow(w.AsSpan(r * cols, cols), 1, scales[r], -127, 127, adaptive.AsSpan(r * cols, cols), 1);
        }

        return (nearest, adaptive, scales);
    }

    [Fact]
    public void RoundRow_CorrelatedInputs_OutputErrorBelowNearest()
    {
        const int rows = 12, cols = 24;
        var (w, x) = Layer(rows, cols, 400, seed: 3);
        var (nearest, adaptive, scales) = RoundBoth(w, Hessian(x, cols), rows, cols);
        double en = OutputError(w, nearest, scales, x, rows, cols), ea = OutputError(w, adaptive, scales, x, rows, cols);
        Assert.True(ea < en, $"adaptive error {ea} is not below nearest {en}");
        Assert.All(adaptive, v => Assert.InRange(v, -127, 127));
        // Nearest is what RoundRow does without error feedback.
        for (int i = 0; i < w.Length; i++) Assert.Equal((sbyte)Math.Round(w[i] / scales[i / cols], MidpointRounding.ToEven), nearest[i]);
    }

    [Fact]
    public void RoundRow_TwoIdenticalInputs_SecondRoundingCancelsTheFirst()
    {
        // x1 = x2: nearest rounds 10.4 and 10.4 both down (output off by 0.8 x1); the error of the first moves to the
        // second, which then rounds up (off by about 0.2 x1).
        float[] w = [127f, 10.4f, 10.4f];
        var x = Enumerable.Range(0, 50).Select(i => new[] { (float)Math.Sin(i), (float)Math.Cos(i * 0.7), (float)Math.Cos(i * 0.7) }).ToArray();
        var (nearest, adaptive, scales) = RoundBoth(w, Hessian(x, 3), 1, 3);
        Assert.Equal(1f, scales[0]);
        Assert.Equal(new sbyte[] { 127, 10, 10 }, nearest);
        Assert.Equal(21, adaptive[1] + adaptive[2]);
        Assert.True(OutputError(w, adaptive, scales, x, 1, 3) < 0.25 * OutputError(w, nearest, scales, x, 1, 3));
    }

    [Fact]
    public void Create_FactorIsUpperCholeskyOfTheDampedInverse()
    {
        const int n = 7;
        var (_, x) = Layer(1, n, 50, seed: 9);
        var h = Hessian(x, n);
        var rounder = AdaptiveRounding.Create(h, n, actOrder: false)!;
        var u = (double[])typeof(AdaptiveRounding).GetField("_u", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(rounder)!;
        double mean = Enumerable.Range(0, n).Average(i => h[i * n + i]);
        // (H + λI) · UᵀU = I
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double v = 0;
                for (int k = 0; k < n; k++)
                {
                    double uu = 0;
                    for (int m = 0; m < n; m++) uu += u[m * n + k] * u[m * n + j];
                    v += (h[i * n + k] + (i == k ? AdaptiveRounding.Damping * mean : 0)) * uu;
                }

                Assert.Equal(i == j ? 1 : 0, v, 6);
            }

            for (int j = 0; j < i; j++) Assert.Equal(0, u[i * n + j]);
        }
    }

    /// <summary>input [1, 6, 6, 4] → CONV_2D 3×3 SAME (8) → DEPTHWISE 3×3 stride 2 → FULLY_CONNECTED (5).</summary>
    private static Model ConvModel()
    {
        var b = new GraphBuilder();
        int x = b.Input([1, 6, 6, 4], "x");
        int cw = b.Const([8, 3, 3, 4], GraphBuilder.Values(8 * 36, 11, 0.4f), "conv/weights");
        int cb = b.Const([8], GraphBuilder.Values(8, 12, 0.1f), "conv/bias");
        int c = b.Tensor([1, 6, 6, 8], "conv/out");
        b.Op(BuiltinOperator.CONV_2D, [x, cw, cb], [c], o => { o["padding"] = (sbyte)Padding.SAME; o["stride_w"] = 1; o["stride_h"] = 1; });
        int dw = b.Const([1, 3, 3, 8], GraphBuilder.Values(72, 13, 0.4f), "dw/weights");
        int db = b.Const([8], GraphBuilder.Values(8, 14, 0.1f), "dw/bias");
        int d = b.Tensor([1, 3, 3, 8], "dw/out");
        b.Op(BuiltinOperator.DEPTHWISE_CONV_2D, [c, dw, db], [d], o => { o["padding"] = (sbyte)Padding.SAME; o["stride_w"] = 2; o["stride_h"] = 2; o["depth_multiplier"] = 1; });
        int r = b.Tensor([1, 72], "reshape/out");
        b.Op(BuiltinOperator.RESHAPE, [d, b.ConstInt([2], [1, 72], "shape")], [r]);
        int fw = b.Const([5, 72], GraphBuilder.Values(360, 15, 0.3f), "fc/weights");
        int y = b.Tensor([1, 5], "fc/out");
        b.Op(BuiltinOperator.FULLY_CONNECTED, [r, fw, -1], [y]);
        return b.Build(y);
    }

    /// <summary>The quantized values and scales of the tensor named <paramref name="name"/>.</summary>
    private static (sbyte[] Values, float[] Scales) Weights(Model m, string name)
    {
        var t = m.Subgraphs[0].Tensors.First(t => t.Name == name && t.Type == TensorType.Int8);
        return (MemoryMarshal.Cast<byte, sbyte>(m.DataOf(t).Span).ToArray(), t.Quantization!.Scale!.ToArray());
    }

    [Theory]
    [InlineData(QuantizationMode.FullInteger)]
    [InlineData(QuantizationMode.Int16x8)]
    [InlineData(QuantizationMode.WeightOnly)]
    [InlineData(QuantizationMode.DynamicRange)]
    public void Quantize_Adaptive_KeepsScalesAndRange_DeterministicAcrossThreads(QuantizationMode mode)
    {
        var model = ConvModel();
        var data = GraphBuilder.Samples(model, 6);
        var options = new QuantizationOptions { Mode = mode, CalibrationData = data };
        var nearest = ModelQuantizer.Quantize(model, options).Model;
        var one = ModelQuantizer.Quantize(model, options with { WeightRounding = WeightRounding.Adaptive, Calibration = new() { ThreadCount = 1 } });
        var two = ModelQuantizer.Quantize(model, options with { WeightRounding = WeightRounding.Adaptive, Calibration = new() { ThreadCount = 2 } }).Model;
        bool anyDifferent = false;
        foreach (var name in new[] { "conv/weights", "dw/weights", "fc/weights" })
        {
            var (qn, sn) = Weights(nearest, name);
            var (q1, s1) = Weights(one.Model, name);
            var (q2, s2) = Weights(two, name);
            Assert.Equal(sn, s1);
            Assert.Equal(q1, q2);
            Assert.Equal(s1, s2);
            Assert.All(q1, v => Assert.InRange(v, -127, 127));
            anyDifferent |= !qn.SequenceEqual(q1);
        }

        Assert.True(anyDifferent, "adaptive rounding changed no weight");
        Assert.Contains(one.Layers, l => l.Reason.Contains("adaptive rounding", StringComparison.Ordinal));
    }

    [Fact]
    public void Quantize_StatisticsWithHessians_ReusedWithoutReadingTheDataAgain()
    {
        var model = ConvModel();
        var data = GraphBuilder.Samples(model, 6);
        var options = new QuantizationOptions { Mode = QuantizationMode.FullInteger, CalibrationData = data, WeightRounding = WeightRounding.Adaptive };
        var direct = ModelQuantizer.Quantize(model, options).Model;
        var statistics = Calibrator.Calibrate(model, data, options.Calibration, null, default, collectHessians: true);
        var untouched = new ReadCountingDataset(data);
        var reused = ModelQuantizer.Quantize(model, options with { CalibrationData = untouched, Statistics = statistics }).Model;
        Assert.Equal(0, untouched.Reads);
        foreach (var name in new[] { "conv/weights", "dw/weights", "fc/weights" })
        {
            var (qd, sd) = Weights(direct, name);
            var (qr, sr) = Weights(reused, name);
            Assert.Equal(qd, qr);
            Assert.Equal(sd, sr);
        }
    }

    /// <summary>A dataset that counts how often its samples are read.</summary>
    private sealed class ReadCountingDataset(IDataset inner) : IDataset
    {
        public int Reads { get; private set; }

        public string Name => inner.Name;

        public int? Count => inner.Count;

        public IReadOnlyList<int>? Labels => inner.Labels;

        public IEnumerable<Array[]> GetSamples(CancellationToken cancellationToken = default)
        {
            Reads++;
            return inner.GetSamples(cancellationToken);
        }
    }

    [Fact]
    public void Calibrate_ConvHessian_EqualsIm2ColSum()
    {
        var model = ConvModel();
        var data = GraphBuilder.Samples(model, 2);
        var stats = Calibrator.Calibrate(model, data, new CalibrationOptions(), null, default, collectHessians: true);
        var h = stats.Hessians![(0, 0)];
        Assert.Equal(36, h.Columns);
        var expected = new double[36 * 36];
        foreach (var sample in data.GetSamples())
        {
            var x = (float[])sample[0];
            for (int oy = 0; oy < 6; oy++)
            {
                for (int ox = 0; ox < 6; ox++)
                {
                    var p = new double[36];
                    for (int ky = 0; ky < 3; ky++)
                    {
                        for (int kx = 0; kx < 3; kx++)
                        {
                            int iy = oy - 1 + ky, ix = ox - 1 + kx;
                            if (iy is < 0 or >= 6 || ix is < 0 or >= 6) continue;
                            for (int c = 0; c < 4; c++) p[(ky * 3 + kx) * 4 + c] = x[(iy * 6 + ix) * 4 + c];
                        }
                    }

                    for (int i = 0; i < 36; i++) for (int j = 0; j < 36; j++) expected[i * 36 + j] += p[i] * p[j];
                }
            }
        }

        for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - h.Values[i]) <= 1e-4 * (1 + Math.Abs(expected[i])), $"H[{i / 36}, {i % 36}] = {h.Values[i]}, expected {expected[i]}");
        Assert.True(stats.Hessians.ContainsKey((0, 1)) && stats.Hessians[(0, 1)].IsDepthwise);
        Assert.Equal(72, stats.Hessians[(0, 3)].Columns);
    }

    [Theory]
    [InlineData(QuantizationMode.WeightOnly)]
    [InlineData(QuantizationMode.DynamicRange)]
    [InlineData(QuantizationMode.FullInteger)]
    public void Validate_AdaptiveWithoutData_IsParameterCombinationInvalid(QuantizationMode mode)
    {
        var stats = Calibrator.Calibrate(ConvModel(), GraphBuilder.Samples(ConvModel(), 2));
        var e = Assert.Throws<ModelOptimizationException>(() => ModelQuantizer.Quantize(ConvModel(),
            new QuantizationOptions { Mode = mode, WeightRounding = WeightRounding.Adaptive, Statistics = stats }));
        Assert.Equal(ErrorIds.ParameterCombinationInvalid, e.ErrorId);
        Assert.Contains("CalibrationData", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AdaptiveWithFloat16OrBlockwise_IsParameterCombinationInvalid()
    {
        var data = new InMemoryDataset([]);
        Assert.Throws<ModelOptimizationException>(() => new QuantizationOptions { Mode = QuantizationMode.Float16, WeightRounding = WeightRounding.Adaptive, CalibrationData = data }.Validate());
        Assert.Throws<ModelOptimizationException>(() => new QuantizationOptions
        {
            Mode = QuantizationMode.WeightOnly, WeightBits = 4, Granularity = WeightGranularity.Blockwise, WeightRounding = WeightRounding.Adaptive, CalibrationData = data,
        }.Validate());
    }
}
