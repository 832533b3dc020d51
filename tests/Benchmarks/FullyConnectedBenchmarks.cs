using BenchmarkDotNet.Attributes;
using ModelOptimization.Kernels;

namespace ModelOptimization.Benchmarks;

/// <summary>FC = GEMM at M=256, K=1024, N=1024 on one thread (2·M·N·K = 537 M operations per call).</summary>
[Config(typeof(ShortConfig))]
public class FullyConnectedBenchmarks
{
    public const int M = 256, K = 1024, N = 1024;
    public const double Operations = 2.0 * M * N * K;

    private float[] _inputF = [], _weightsF = [], _biasF = [], _outputF = [];
    private sbyte[] _input8 = [], _weights8 = [], _output8 = [];
    private int[] _bias32 = [], _mult = [], _shift = [];
    private PackedWeights _packedF = null!, _packed8 = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _inputF = Data.Floats(rng, M * K);
        _weightsF = Data.Floats(rng, N * K);
        _biasF = Data.Floats(rng, N);
        _outputF = new float[M * N];
        _input8 = Data.SBytes(rng, M * K);
        _weights8 = Data.SBytes(rng, N * K);
        _bias32 = Enumerable.Range(0, N).Select(_ => rng.Next(-5000, 5000)).ToArray();
        _mult = Enumerable.Range(0, N).Select(_ => rng.Next(1 << 30, int.MaxValue)).ToArray();
        _shift = Enumerable.Range(0, N).Select(_ => rng.Next(-12, -8)).ToArray();
        _output8 = new sbyte[M * N];
        _packedF = PackedWeights.PackFloat(_weightsF, N, K);
        _packed8 = PackedWeights.PackInt8(_weights8, N, K);
    }

    [Benchmark(Description = "FC float packed, 1 thread")]
    public void FloatPacked() => FullyConnected.Float(_inputF, _packedF, _biasF, _outputF, M, float.MinValue, float.MaxValue, 1);

    [Benchmark(Description = "FC float (packs per call), 1 thread")]
    public void FloatUnpacked() => FullyConnected.Float(_inputF, _weightsF, _biasF, _outputF, M, N, K, float.MinValue, float.MaxValue, 1);

    [Benchmark(Description = "FC int8 per-channel packed, 1 thread")]
    public void Int8Packed() => FullyConnected.Int8PerChannel(_input8, 3, _packed8, _bias32, _mult, _shift, -2, _output8, M, -128, 127, 1);

    [Benchmark(Description = "FC float packed, 2 threads")]
    public void FloatPacked2Threads() => FullyConnected.Float(_inputF, _packedF, _biasF, _outputF, M, float.MinValue, float.MaxValue, 2);
}
