using BenchmarkDotNet.Attributes;
using ModelOptimization.Core.Data;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Tflite;
using ModelOptimization.Optimization.Debugging;
using ModelOptimization.Optimization.Quantization;
using ModelOptimization.Runtime;

namespace ModelOptimization.Benchmarks;

/// <summary>
/// The quantization debugger on mobilenet_v1_0.25_224 (FullInteger) over 100 samples against the two plain inference
/// runs it replaces (float + quantized, same samples). Target: <see cref="DebugAccumulated"/> ≤ 3 × (<see cref="FloatInference"/>
/// + <see cref="QuantizedInference"/>). Samples are smooth deterministic images in [−1, 1]. Needs ../shared/models.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortConfig))]
public class DebuggerBenchmarks
{
    public const double Operations = 0;
    private const int Samples = 100;
    private Model? _float;
    private Model? _quantized;
    private InMemoryDataset _data = null!;

    [GlobalSetup]
    public void Setup()
    {
        if (Data.SharedTflite("mobilenet_v1_0.25_224_float") is not { } path) return;

        _float = TfliteReader.Read(path);
        _data = new InMemoryDataset(Enumerable.Range(0, Samples).Select(i => new Array[] { Image(224, i) }).ToList());
        var calibration = new InMemoryDataset(Enumerable.Range(1000, 16).Select(i => new Array[] { Image(224, i) }).ToList());
        _quantized = ModelQuantizer.Quantize(_float, new QuantizationOptions { Mode = QuantizationMode.FullInteger, CalibrationData = calibration }).Model;
    }

    [Benchmark(Baseline = true)]
    public void FloatInference() => Infer(_float);

    [Benchmark]
    public void QuantizedInference() => Infer(_quantized);

    [Benchmark]
    public QuantizationErrorReport? DebugAccumulated()
        => _quantized is null ? null : QuantizationDebugger.Measure(_quantized, _float!, _data);

    [Benchmark]
    public QuantizationErrorReport? DebugIsolated()
        => _quantized is null ? null : QuantizationDebugger.Measure(_quantized, _float!, _data, new QuantizationDebugOptions { Mode = ErrorMeasurementMode.Isolated });

    private void Infer(Model? model)
    {
        if (model is null) return;
        using var run = Interpreter.Create(model);
        foreach (var s in _data.GetSamples())
        {
            run.SetInput(0, s[0]);
            run.Invoke();
            _ = run.GetOutput(0);
        }
    }

    /// <summary>A smooth deterministic [size, size, 3] image in [−1, 1].</summary>
    internal static float[] Image(int size, int seed)
    {
        var rng = new Random(seed);
        double a = rng.NextDouble() * 0.2, b = rng.NextDouble() * 0.2, c = rng.NextDouble() * 6;
        var x = new float[size * size * 3];
        for (int y = 0; y < size; y++)
        {
            for (int u = 0; u < size; u++)
            {
                for (int k = 0; k < 3; k++)
                {
                    x[(y * size + u) * 3 + k] = (float)Math.Clamp(Math.Sin(a * y + c * k) * Math.Cos(b * u - k) + 0.1 * (rng.NextDouble() - 0.5), -1, 1);
                }
            }
        }

        return x;
    }
}
