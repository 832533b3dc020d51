using BenchmarkDotNet.Attributes;
using ModelOptimization.Kernels;

namespace ModelOptimization.Benchmarks;

/// <summary>Conv2D 1×56×56×64 → 64 channels, 3×3, stride 1, SAME (2·56·56·64·64·9 = 231 M operations), one thread.</summary>
[Config(typeof(ShortConfig))]
public class ConvolutionBenchmarks
{
    public const double Operations = 2.0 * 56 * 56 * 64 * 64 * 9;

    private readonly Conv2DGeometry _geometry = Conv2DGeometry.Create(1, 56, 56, 64, 3, 3, 64, 1, 1, 1, 1, samePadding: true);
    private float[] _inputF = [], _biasF = [], _outputF = [], _scratchF = [];
    private sbyte[] _input8 = [], _output8 = [];
    private short[] _scratch16 = [];
    private int[] _bias32 = [], _mult = [], _shift = [];
    private PackedWeights _filterF = null!, _filter8 = null!;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(3);
        _inputF = Data.Floats(rng, (int)_geometry.InputLength);
        _filterF = PackedWeights.PackFloat(Data.Floats(rng, 64 * _geometry.Depth), 64, _geometry.Depth);
        _biasF = Data.Floats(rng, 64);
        _outputF = new float[_geometry.OutputLength];
        _scratchF = new float[Convolution.Conv2DFloatScratchLength(_geometry, 2)];
        _input8 = Data.SBytes(rng, (int)_geometry.InputLength);
        _filter8 = PackedWeights.PackInt8(Data.SBytes(rng, 64 * _geometry.Depth), 64, _geometry.Depth);
        _output8 = new sbyte[_geometry.OutputLength];
        _scratch16 = new short[Convolution.Conv2DIntegerScratchLength(_geometry, 2)];
        _bias32 = Enumerable.Range(0, 64).Select(_ => rng.Next(-5000, 5000)).ToArray();
        _mult = Enumerable.Range(0, 64).Select(_ => rng.Next(1 << 30, int.MaxValue)).ToArray();
        _shift = Enumerable.Range(0, 64).Select(_ => -10).ToArray();
    }

    [Benchmark(Description = "Conv2D float 3x3 56x56x64->64, 1 thread")]
    public void Conv2DFloat() => Convolution.Conv2DFloat(_inputF, _filterF, _biasF, _outputF, _geometry, 0f, 6f, _scratchF, 1);

    [Benchmark(Description = "Conv2D int8 3x3 56x56x64->64, 1 thread")]
    public void Conv2DInt8() => Convolution.Conv2DInt8PerChannel(_input8, -5, _filter8, _bias32, _mult, _shift, 3, _output8, _geometry, -128, 127, _scratch16, 1);
}

/// <summary>Depthwise 3×3 over 1×112×112×32 (MobileNet's first depthwise), stride 1, SAME: 2·112·112·32·9 = 7.2 M operations.</summary>
[Config(typeof(ShortConfig))]
public class DepthwiseBenchmarks
{
    public const double Operations = 2.0 * 112 * 112 * 32 * 9;

    private readonly Conv2DGeometry _geometry = Conv2DGeometry.Create(1, 112, 112, 32, 3, 3, 32, 1, 1, 1, 1, samePadding: true);
    private float[] _inputF = [], _filterF = [], _biasF = [], _outputF = [];
    private sbyte[] _input8 = [], _filter8 = [], _output8 = [];
    private int[] _bias32 = [], _mult = [], _shift = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(4);
        _inputF = Data.Floats(rng, (int)_geometry.InputLength);
        _filterF = Data.Floats(rng, 9 * 32);
        _biasF = Data.Floats(rng, 32);
        _outputF = new float[_geometry.OutputLength];
        _input8 = Data.SBytes(rng, (int)_geometry.InputLength);
        _filter8 = Data.SBytes(rng, 9 * 32);
        _output8 = new sbyte[_geometry.OutputLength];
        _bias32 = Enumerable.Range(0, 32).Select(_ => rng.Next(-5000, 5000)).ToArray();
        _mult = Enumerable.Range(0, 32).Select(_ => rng.Next(1 << 30, int.MaxValue)).ToArray();
        _shift = Enumerable.Range(0, 32).Select(_ => -8).ToArray();
    }

    [Benchmark(Description = "Depthwise float 3x3 112x112x32, 1 thread")]
    public void DepthwiseFloat() => Convolution.DepthwiseConv2DFloat(_inputF, _filterF, _biasF, _outputF, _geometry, 1, 0f, 6f, 1);

    [Benchmark(Description = "Depthwise int8 3x3 112x112x32, 1 thread")]
    public void DepthwiseInt8() => Convolution.DepthwiseConv2DInt8PerChannel(_input8, 1, _filter8, _bias32, _mult, _shift, -2, _output8, _geometry, 1, -128, 127, 1);
}
