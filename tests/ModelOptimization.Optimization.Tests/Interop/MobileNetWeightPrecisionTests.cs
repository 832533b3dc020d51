using System.Runtime.InteropServices;
using ModelOptimization.Core.Data;
using ModelOptimization.Core.Graph;
using ModelOptimization.Optimization.Calibration;
using ModelOptimization.Optimization.Quantization;
using ModelOptimization.Optimization.Tests.Helpers;
using ModelOptimization.Runtime;
using Xunit.Abstractions;

namespace ModelOptimization.Optimization.Tests.Interop;

/// <summary>
/// Where mobilenet_v1_0.25_224 loses top-1 agreement with its float model (our interpreter, the evaluation crops of
/// <see cref="ImageModelAgreementTests"/>): 8-bit per-channel weights alone already lose it — exactly as much as
/// rounding the float weights in place, and about as much as uniform noise of the same size — so the loss is the
/// model's sensitivity to 8-bit weights, not a quantizer bug; bias correction recovers most of it, adaptive (GPTQ)
/// weight rounding more (Int16x8 98.5 %, WeightOnly int8 89.7 %). Long: runs only
/// with MODELOPT_LONG_TESTS=1; prints the figures.
/// </summary>
public class MobileNetWeightPrecisionTests(ITestOutputHelper output)
{
    private const string File = "mobilenet_v1_0.25_224_float.tflite";

    [SkippableFact]
    public void WeightOnly8_LosesWhatRoundingTheFloatWeightsLoses()
    {
        Skip.If(Environment.GetEnvironmentVariable("MODELOPT_LONG_TESTS") != "1", "Long test: set MODELOPT_LONG_TESTS=1.");
        var model = SharedModels.Load(File);
        var evaluation = ImageModelAgreementTests.Variants(224, 17, seed: 0);
        var reference = Predict(model, evaluation);
        var weightOnly = ModelQuantizer.Quantize(model, new QuantizationOptions { Mode = QuantizationMode.WeightOnly }).Model;
        double quantized = Agreement(reference, Predict(weightOnly, evaluation));
        double rounded8 = Agreement(reference, Predict(Perturb(model, 8, noise: false), evaluation));
        double noise8 = Agreement(reference, Predict(Perturb(model, 8, noise: true), evaluation));
        double rounded12 = Agreement(reference, Predict(Perturb(model, 12, noise: false), evaluation));
        output.WriteLine($"WeightOnly 8: {quantized:F2} %; float weights rounded to 8 bits per channel: {rounded8:F2} %, "
            + $"with uniform noise of one 8-bit step: {noise8:F2} %, rounded to 12 bits: {rounded12:F2} %");
        Assert.InRange(quantized, rounded8 - 1.5, rounded8 + 1.5);
        Assert.InRange(quantized, noise8 - 10, noise8 + 10);
        Assert.True(rounded12 >= 97, $"12-bit weights agree only {rounded12:F2} %");
    }

    [SkippableFact]
    public void BiasCorrection_RaisesAgreement_FullIntegerAndInt16x8()
    {
        Skip.If(Environment.GetEnvironmentVariable("MODELOPT_LONG_TESTS") != "1", "Long test: set MODELOPT_LONG_TESTS=1.");
        var model = SharedModels.Load(File);
        var calibration = new InMemoryDataset(ImageModelAgreementTests.Variants(224, 16, seed: 1).Select(x => new Array[] { Image(x) }).ToList());
        var evaluation = ImageModelAgreementTests.Variants(224, 17, seed: 0);
        var reference = Predict(model, evaluation);
        foreach (var mode in new[] { QuantizationMode.FullInteger, QuantizationMode.Int16x8 })
        {
            var figures = new Dictionary<(CalibrationMethod, bool), double>();
            foreach (var method in new[] { CalibrationMethod.MinMax, CalibrationMethod.Percentile, CalibrationMethod.Mse, CalibrationMethod.Entropy, CalibrationMethod.MovingAverage })
            {
                foreach (bool correct in new[] { true, false })
                {
                    var q = ModelQuantizer.Quantize(model, new QuantizationOptions
                    {
                        Mode = mode,
                        CalibrationData = calibration,
                        Calibration = new CalibrationOptions { Method = method },
                        BiasCorrection = correct,
                    }).Model;
                    figures[(method, correct)] = Agreement(reference, Predict(q, evaluation));
                    output.WriteLine($"{mode} {method} bias correction {(correct ? "on" : "off")}: {figures[(method, correct)]:F2} %");
                }
            }

            Assert.True(figures[(CalibrationMethod.MinMax, true)] >= figures[(CalibrationMethod.MinMax, false)] + 10,
                $"{mode}: bias correction does not help ({figures[(CalibrationMethod.MinMax, true)]:F2} vs {figures[(CalibrationMethod.MinMax, false)]:F2} %)");
        }
    }

    [SkippableFact]
    public void AdaptiveRounding_RaisesAgreement()
    {
        Skip.If(Environment.GetEnvironmentVariable("MODELOPT_LONG_TESTS") != "1", "Long test: set MODELOPT_LONG_TESTS=1.");
        var model = SharedModels.Load(File);
        var calibration = new InMemoryDataset(ImageModelAgreementTests.Variants(224, 16, seed: 1).Select(x => new Array[] { Image(x) }).ToList());
        var evaluation = ImageModelAgreementTests.Variants(224, 17, seed: 0);
        var reference = Predict(model, evaluation);
        var figures = new Dictionary<(string, WeightRounding), double>();
        foreach (var (name, options) in new (string, QuantizationOptions)[]
        {
            ("FullInteger", new() { Mode = QuantizationMode.FullInteger }),
            ("Int16x8", new() { Mode = QuantizationMode.Int16x8 }),
            ("WeightOnly int8", new() { Mode = QuantizationMode.WeightOnly }),
            ("WeightOnly int4", new() { Mode = QuantizationMode.WeightOnly, WeightBits = 4 }),
        })
        {
            foreach (var rounding in new[] { WeightRounding.Nearest, WeightRounding.Adaptive })
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var q = ModelQuantizer.Quantize(model, options with { CalibrationData = calibration, WeightRounding = rounding }).Model;
                long ms = clock.ElapsedMilliseconds;
                figures[(name, rounding)] = Agreement(reference, Predict(q, evaluation));
                output.WriteLine($"{name} {rounding}: {figures[(name, rounding)]:F2} % top-1 agreement over {evaluation.Count} images (quantized in {ms} ms)");
            }
        }

        // Where weight rounding dominates, adaptive rounding recovers most of the loss: Int16x8 98.5 % with these samples
        // (97.1-98.5 % with calibration seeds 2-4; nearest 92.6 % with each);
        // FullInteger is bounded by its 8-bit activations and stays within a few images of nearest rounding.
        Assert.True(figures[("Int16x8", WeightRounding.Adaptive)] >= 97, $"Int16x8 adaptive: {figures[("Int16x8", WeightRounding.Adaptive)]:F2} %");
        Assert.True(figures[("WeightOnly int8", WeightRounding.Adaptive)] >= figures[("WeightOnly int8", WeightRounding.Nearest)] + 20);
        Assert.True(figures[("WeightOnly int4", WeightRounding.Adaptive)] > figures[("WeightOnly int4", WeightRounding.Nearest)]);
        Assert.True(figures[("FullInteger", WeightRounding.Adaptive)] >= figures[("FullInteger", WeightRounding.Nearest)] - 6);
    }

    internal static float[,,,] ImageOf(float[] x) => Image(x);

    internal static List<int> PredictOf(Model model, List<float[]> images) => Predict(model, images);

    internal static double AgreementOf(List<int> a, List<int> b) => Agreement(a, b);

    private static float[,,,] Image(float[] x)
    {
        var r = new float[1, 224, 224, 3];
        Buffer.BlockCopy(x, 0, r, 0, x.Length * sizeof(float));
        return r;
    }

    private static List<int> Predict(Model model, List<float[]> images)
    {
        using var interpreter = Interpreter.Create(model);
        var top = new List<int>();
        foreach (var x in images)
        {
            interpreter.SetInput(0, Image(x));
            interpreter.Invoke();
            var y = interpreter.GetOutput(0).ToFloats();
            int best = 0;
            for (int j = 1; j < y.Length; j++) if (y[j] > y[best]) best = j;
            top.Add(best);
        }

        return top;
    }

    private static double Agreement(List<int> a, List<int> b) => 100.0 * a.Zip(b).Count(p => p.First == p.Second) / a.Count;

    /// <summary>A copy whose conv/depthwise weights are rounded per output channel to <paramref name="bits"/> (symmetric, absmax scale), or given uniform noise of one such step.</summary>
    private static Model Perturb(Model model, int bits, bool noise)
    {
        var m = model.Clone();
        var rng = new Random(5);
        int qmax = (1 << (bits - 1)) - 1;
        foreach (var t in m.Subgraphs[0].Tensors.Where(t => t.Name!.Contains("weights") && t.Type == TensorType.Float32))
        {
            var w = MemoryMarshal.Cast<byte, float>(m.Buffers[(int)t.Buffer].Data.Span).ToArray();
            bool depthwise = t.Name!.Contains("depthwise");
            int channels = depthwise ? t.Shape[^1] : t.Shape[0];
            int Channel(int k) => depthwise ? k % channels : k / (w.Length / channels);
            var absMax = new float[channels];
            for (int k = 0; k < w.Length; k++) absMax[Channel(k)] = Math.Max(absMax[Channel(k)], Math.Abs(w[k]));
            for (int k = 0; k < w.Length; k++)
            {
                float scale = absMax[Channel(k)] / qmax;
                w[k] = noise ? w[k] + (float)(rng.NextDouble() - 0.5) * scale : MathF.Round(w[k] / scale, MidpointRounding.AwayFromZero) * scale;
            }

            m.Buffers[(int)t.Buffer] = new ModelBuffer(MemoryMarshal.AsBytes(w.AsSpan()).ToArray());
        }

        return m;
    }
}
