using BenchmarkDotNet.Attributes;
using ModelOptimization.Core.Data;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Tflite;
using ModelOptimization.Optimization.Calibration;
using ModelOptimization.Optimization.Quantization;

namespace ModelOptimization.Benchmarks;

/// <summary>
/// What adaptive (GPTQ) weight rounding costs: FullInteger quantization of mobilenet_v1_0.25_224 from saved
/// statistics (Nearest) against the same with the input Hessians gathered during calibration and the error-feedback
/// rounding (Adaptive, which must calibrate itself). 16 smooth deterministic images in [−1, 1]; the calibration-only
/// run is the third figure, so Adaptive − Calibrate is the rounding's own cost. Needs ../shared/models.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortConfig))]
public class WeightRoundingBenchmarks
{
    public const double Operations = 0;
    private Model? _float;
    private InMemoryDataset _data = null!;
    private CalibrationStatistics? _statistics;

    [GlobalSetup]
    public void Setup()
    {
        if (Data.SharedTflite("mobilenet_v1_0.25_224_float") is not { } path) return;
        _float = TfliteReader.Read(path);
        _data = new InMemoryDataset(Enumerable.Range(0, 16).Select(i => new Array[] { DebuggerBenchmarks.Image(224, i) }).ToList());
        _statistics = Calibrator.Calibrate(_float, _data, new CalibrationOptions());
    }

    [Benchmark(Baseline = true)]
    public Model? NearestFromStatistics() => _float is null ? null
        : ModelQuantizer.Quantize(_float, new QuantizationOptions { Mode = QuantizationMode.FullInteger, Statistics = _statistics }).Model;

    [Benchmark]
    public CalibrationStatistics? Calibrate() => _float is null ? null : Calibrator.Calibrate(_float, _data, new CalibrationOptions());

    [Benchmark]
    public Model? Adaptive() => _float is null ? null
        : ModelQuantizer.Quantize(_float, new QuantizationOptions { Mode = QuantizationMode.FullInteger, CalibrationData = _data, WeightRounding = WeightRounding.Adaptive }).Model;
}
