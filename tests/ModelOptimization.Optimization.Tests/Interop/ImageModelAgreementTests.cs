using ModelOptimization.Core.Data;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Datasets;
using ModelOptimization.Formats.Tflite;
using ModelOptimization.Optimization.Calibration;
using ModelOptimization.Optimization.Quantization;
using ModelOptimization.Optimization.Tests.Helpers;
using ModelOptimization.Tests.Shared;
using Xunit.Abstractions;

namespace ModelOptimization.Optimization.Tests.Interop;

/// <summary>
/// FullInteger / Int16x8 agreement with the float model in LiteRT.js for mobilenet_v1_0.25_224 (top-1) and deeplabv3 (mask
/// pixels) over the four sample photos and random crops/flips of them (calibration on other crops). Long (minutes):
/// runs only with MODELOPT_LONG_TESTS=1; prints the figures.
/// </summary>
public class ImageModelAgreementTests(ITestOutputHelper output)
{
    private static readonly string[] Photos = ["burger.jpg", "cats_and_dogs.jpg", "grace_hopper_224.jpg", "segmentation_input_rotation0.jpg"];

    // mobilenet_v1_0.25 cannot reach 98 %: 8-bit weights alone agree only 60 % (see MobileNetWeightPrecisionTests), bias
    // correction brings FullInteger to 80.9 % and Int16x8 to 92.6 % in LiteRT.js; the bars are those figures less one image.
    // Adaptive (GPTQ) weight rounding: Int16x8 98.5 % (issue #4 met); FullInteger 85.3 % with Mse ranges, 77.9 % with
    // MinMax — its 8-bit activations, not the weights, bound it.
    [SkippableTheory]
    [InlineData("mobilenet_v1_0.25_224_float.tflite", QuantizationMode.FullInteger, 224, 1001, 16, 17, CalibrationMethod.MinMax, 79.0, WeightRounding.Nearest)]
    [InlineData("mobilenet_v1_0.25_224_float.tflite", QuantizationMode.Int16x8, 224, 1001, 16, 17, CalibrationMethod.MinMax, 91.0, WeightRounding.Nearest)]
    [InlineData("mobilenet_v1_0.25_224_float.tflite", QuantizationMode.FullInteger, 224, 1001, 16, 17, CalibrationMethod.Mse, 83.5, WeightRounding.Adaptive)]
    [InlineData("mobilenet_v1_0.25_224_float.tflite", QuantizationMode.FullInteger, 224, 1001, 16, 17, CalibrationMethod.MinMax, 76.0, WeightRounding.Adaptive)]
    [InlineData("mobilenet_v1_0.25_224_float.tflite", QuantizationMode.Int16x8, 224, 1001, 16, 17, CalibrationMethod.MinMax, 97.0, WeightRounding.Adaptive)]
    [InlineData("deeplabv3_mnv2_257_float.tflite", QuantizationMode.FullInteger, 257, 21, 8, 14, CalibrationMethod.Mse, 98.0, WeightRounding.Nearest)]
    public void Quantized_AgreesWithFloatInLiteRt(string file, QuantizationMode mode, int size, int classes, int calibrationPerPhoto, int evaluationPerPhoto,
        CalibrationMethod method, double target, WeightRounding rounding)
    {
        Skip.If(Environment.GetEnvironmentVariable("MODELOPT_LONG_TESTS") != "1", "Long test: set MODELOPT_LONG_TESTS=1.");
        Skip.If(InteropRunner.UnavailableReason is not null, InteropRunner.UnavailableReason);
        var model = SharedModels.Load(file);
        var calibration = Variants(size, calibrationPerPhoto, seed: 1);
        var evaluation = Variants(size, evaluationPerPhoto, seed: 0);
        var q = ModelQuantizer.Quantize(model, new QuantizationOptions
        {
            Mode = mode,
            CalibrationData = new InMemoryDataset(calibration.Select(x => new Array[] { x }).ToList()),
            Calibration = new CalibrationOptions { Method = method },
            WeightRounding = rounding,
        }).Model;

        using var tmp = new TempDir();
        string floatPath = tmp.File("float.tflite"), quantPath = tmp.File("int8.tflite");
        TfliteWriter.WriteFile(model, floatPath);
        TfliteWriter.WriteFile(q, quantPath);
        double agreement = 0;
        foreach (var x in evaluation)
        {
            var input = new[] { InteropTensor.FromFloats([1, size, size, 3], x) };
            var f = InteropRunner.Run("litert", floatPath, input, stripShapeSignature: true);
            var r = InteropRunner.Run("litert", quantPath, input, stripShapeSignature: true);
            Assert.True(f.Ok, f.ToString());
            Assert.True(r.Ok, r.ToString());
            float[] a = f.Outputs[0].ToFloats(), b = r.Outputs[0].ToFloats();
            int positions = a.Length / classes, same = 0;
            for (int p = 0; p < positions; p++) if (ArgMax(a, p * classes, classes) == ArgMax(b, p * classes, classes)) same++;
            agreement += (double)same / positions;
        }

        agreement = 100 * agreement / evaluation.Count;
        output.WriteLine($"{file} {mode} ({method}, bias correction, {rounding} rounding): {agreement:F2} % agreement over {evaluation.Count} images; "
            + $"{new FileInfo(floatPath).Length / (double)new FileInfo(quantPath).Length:F2}x smaller");
        Assert.True(agreement >= target, $"agreement {agreement:F2} % < {target} %");
    }

    private static int ArgMax(float[] a, int offset, int n)
    {
        int best = 0;
        for (int j = 1; j < n; j++) if (a[offset + j] > a[offset + best]) best = j;
        return best;
    }

    /// <summary>Per photo: the whole photo (seed 0 only) and random crops (50–100 % per side) with random flips, resized, in [−1, 1].</summary>
    internal static List<float[]> Variants(int size, int perPhoto, int seed)
    {
        var rng = new Random(seed);
        var list = new List<float[]>();
        foreach (var photo in Photos)
        {
            var path = TestModels.Find("data/images/" + photo);
            Skip.If(path is null, $"data/images/{photo} is not available.");
            var ds = (ImageDataset)DatasetReader.Open(path!);
            var px = (float[])ds.GetSamples().First()[0];
            int h = ds.Height, w = ds.Width;
            for (int v = 0; v < perPhoto; v++)
            {
                int ch = h, cw = w, y0 = 0, x0 = 0;
                bool flip = false;
                if (v > 0 || seed != 0)
                {
                    ch = Math.Max(8, (int)(h * (0.5 + 0.5 * rng.NextDouble())));
                    cw = Math.Max(8, (int)(w * (0.5 + 0.5 * rng.NextDouble())));
                    y0 = rng.Next(h - ch + 1);
                    x0 = rng.Next(w - cw + 1);
                    flip = rng.Next(2) == 1;
                }

                var dst = new float[size * size * 3];
                for (int y = 0; y < size; y++)
                {
                    double sy = Math.Clamp((y + 0.5) * ch / size - 0.5, 0, ch - 1);
                    int ya = (int)sy, yb = Math.Min(ya + 1, ch - 1);
                    double fy = sy - ya;
                    for (int x = 0; x < size; x++)
                    {
                        double sx = Math.Clamp((x + 0.5) * cw / size - 0.5, 0, cw - 1);
                        int xa = (int)sx, xb = Math.Min(xa + 1, cw - 1);
                        double fx = sx - xa;
                        for (int c = 0; c < 3; c++)
                        {
                            double P(int yy, int xx) => px[((y0 + yy) * w + (flip ? x0 + cw - 1 - xx : x0 + xx)) * 3 + c];
                            double value = (1 - fy) * ((1 - fx) * P(ya, xa) + fx * P(ya, xb)) + fy * ((1 - fx) * P(yb, xa) + fx * P(yb, xb));
                            dst[(y * size + x) * 3 + c] = (float)(value / 127.5 - 1);
                        }
                    }
                }

                list.Add(dst);
            }
        }

        return list;
    }
}
