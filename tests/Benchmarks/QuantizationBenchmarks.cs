using System.Diagnostics;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Optimization.Quantization;

namespace ModelOptimization.Benchmarks;

/// <summary>
/// Weight quantization of a synthesized 1 GiB float model (16 FULLY_CONNECTED layers with 4096 × 4096 weights):
/// the whole <see cref="ModelQuantizer.Quantize"/> call (clone, per-channel scales, encoding, version update,
/// compaction, validation). <see cref="Operations"/> is the float bytes read, so QuickRun's "GOP/s" column is
/// GB/s of weights (target: ≥ 50 % of one-thread memcpy, 12.2 GB/s here). GlobalCleanup prints the process's peak
/// working set (target: &lt; 2 × the 1 GiB model).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortConfig))]
public class QuantizationBenchmarks
{
    public const double Operations = Layers * (double)Width * Width * sizeof(float);

    private const int Layers = 16;
    private const int Width = 4096;
    private Model _model = null!;

    [GlobalSetup]
    public void Setup() => _model = Synthesize();

    [GlobalCleanup]
    public void Cleanup()
        => Console.WriteLine($"// peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (double)(1 << 30):F2} GiB for a {Operations / (1 << 30):F2} GiB float model");

    [Benchmark(Baseline = true)]
    public Model DynamicRangeInt8PerChannel() => ModelQuantizer.Quantize(_model, new QuantizationOptions { Mode = QuantizationMode.DynamicRange }).Model;

    [Benchmark]
    public Model WeightOnlyInt8PerChannel() => ModelQuantizer.Quantize(_model, new QuantizationOptions { Mode = QuantizationMode.WeightOnly }).Model;

    [Benchmark]
    public Model Float16() => ModelQuantizer.Quantize(_model, new QuantizationOptions { Mode = QuantizationMode.Float16 }).Model;

    [Benchmark]
    public Model WeightOnlyInt4Blockwise32() => ModelQuantizer.Quantize(_model, new QuantizationOptions
    {
        Mode = QuantizationMode.WeightOnly, WeightBits = 4, Granularity = WeightGranularity.Blockwise, BlockSize = 32,
    }).Model;

    /// <summary>x [1, 4096] → 16 × FULLY_CONNECTED (4096 → 4096, ReLU); weights uniform in ±0.05.</summary>
    internal static Model Synthesize()
    {
        var model = new Model { Name = "synthetic_1gib", Buffers = [new ModelBuffer()] };
        var sg = new Subgraph();
        model.Subgraphs.Add(sg);
        int x = sg.AddTensor(new Tensor { Name = "x", Type = TensorType.Float32, Shape = [1, Width], HasRank = true });
        sg.Inputs = [x];
        var rng = new Random(1);
        uint fc = model.GetOrAddOperatorCode(BuiltinOperator.FULLY_CONNECTED);
        for (int l = 0; l < Layers; l++)
        {
            var w = new float[Width * Width];
            for (int i = 0; i < w.Length; i++) w[i] = (float)(rng.NextDouble() * 0.1 - 0.05);
            int wt = sg.AddTensor(new Tensor { Name = $"fc{l}/weights", Type = TensorType.Float32, Shape = [Width, Width], HasRank = true, Buffer = model.AddBuffer(MemoryMarshal.AsBytes(w.AsSpan()).ToArray()) });
            int bt = sg.AddTensor(new Tensor { Name = $"fc{l}/bias", Type = TensorType.Float32, Shape = [Width], HasRank = true, Buffer = model.AddBuffer(new byte[Width * 4]) });
            int y = sg.AddTensor(new Tensor { Name = $"fc{l}/out", Type = TensorType.Float32, Shape = [1, Width], HasRank = true });
            var options = OperatorOptions.For(BuiltinOperator.FULLY_CONNECTED)!;
            options["fused_activation_function"] = (sbyte)ActivationFunctionType.RELU;
            sg.Operators.Add(new Operator { OpcodeIndex = fc, Inputs = [x, wt, bt], Outputs = [y], BuiltinOptions = options });
            x = y;
        }

        sg.Outputs = [x];
        return model;
    }
}
