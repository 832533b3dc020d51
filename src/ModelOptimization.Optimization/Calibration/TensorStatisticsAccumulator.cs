using System.Numerics.Tensors;
using ModelOptimization.Core.Errors;

namespace ModelOptimization.Optimization.Calibration;

/// <summary>
/// Collects <see cref="TensorStatistics"/> of one tensor, one sample at a time. The histogram covers [−R, R] with R a
/// power of two; when a value exceeds R, R doubles and pairs of bins merge, so growing is exact.
/// </summary>
internal sealed class TensorStatisticsAccumulator
{
    private const int Bins = TensorStatistics.HistogramBins;
    private readonly long[] _histogram = new long[Bins];
    private readonly double _movingAverageConstant;
    private float _radius;
    private float _min = float.PositiveInfinity, _max = float.NegativeInfinity;
    private double _avgMin, _avgMax;
    private int _samples;
    private long _elements;

    private readonly double[]? _channelSums;

    public TensorStatisticsAccumulator(int subgraph, int tensorIndex, string name, double movingAverageConstant, int channels = 0)
    {
        if (channels > 0) _channelSums = new double[channels];
        Subgraph = subgraph;
        TensorIndex = tensorIndex;
        Name = name;
        _movingAverageConstant = movingAverageConstant;
    }

    public int Subgraph { get; }

    public int TensorIndex { get; }

    public string Name { get; }

    /// <summary>Adds one sample's values; throws CalibrationDataInvalid on NaN or infinity.</summary>
    public void Add(ReadOnlySpan<float> values, int sampleIndex)
    {
        if (values.IsEmpty) return;
        float bmin = TensorPrimitives.Min(values), bmax = TensorPrimitives.Max(values);
        if (!float.IsFinite(bmin) || !float.IsFinite(bmax))
        {
            int bad = IndexOfNonFinite(values);
            throw new ModelOptimizationException(ErrorIds.CalibrationDataInvalid, ErrorKind.InvalidData,
                $"Calibration sample {sampleIndex} produces {(bad >= 0 ? values[bad].ToString(System.Globalization.CultureInfo.InvariantCulture) : "NaN")} in tensor '{Name}' (element {bad}); "
                + "quantization ranges need finite values.", Name,
                "Check the calibration data (range, normalization, NaN/Inf in the files) and that the model computes finite values for it; exclude the samples that overflow.");
        }

        if (_samples == 0)
        {
            _avgMin = bmin;
            _avgMax = bmax;
        }
        else
        {
            _avgMin += (bmin - _avgMin) * _movingAverageConstant;
            _avgMax += (bmax - _avgMax) * _movingAverageConstant;
        }

        _min = Math.Min(_min, bmin);
        _max = Math.Max(_max, bmax);
        _samples++;
        _elements += values.Length;

        float magnitude = Math.Max(Math.Abs(bmin), Math.Abs(bmax));
        if (_radius == 0) _radius = RadiusFor(magnitude);
        while (magnitude > _radius) Grow();

        if (_channelSums is { } sums && values.Length % sums.Length == 0)
        {
            int c = sums.Length;
            for (int i = 0; i < values.Length; i += c)
            {
                for (int k = 0; k < c; k++) sums[k] += values[i + k];
            }
        }

        double perUnit = Bins / (2.0 * _radius);
        float radius = _radius;
        foreach (float v in values)
        {
            int bin = (int)((v + radius) * perUnit);
            if (bin >= Bins) bin = Bins - 1;
            else if (bin < 0) bin = 0;
            _histogram[bin]++;
        }
    }

    public TensorStatistics ToStatistics() => new(Subgraph, TensorIndex, Name,
        _samples == 0 ? 0 : _min, _samples == 0 ? 0 : _max, (float)_avgMin, (float)_avgMax, _samples, _elements,
        _radius == 0 ? RadiusFor(0) : _radius, _histogram,
        _channelSums is { } sums && _elements > 0 ? sums.Select(v => (float)(v / (_elements / sums.Length))).ToArray() : null);

    /// <summary>The smallest power of two ≥ <paramref name="magnitude"/> (at least 2^−20).</summary>
    internal static float RadiusFor(float magnitude)
    {
        float r = 1.0f / (1 << 20);
        while (r < magnitude) r *= 2;
        return r;
    }

    private void Grow()
    {
        // [−R, R] → [−2R, 2R]: old bins 2k, 2k+1 become new bin Bins/4 + k.
        var merged = new long[Bins];
        for (int k = 0; k < Bins / 2; k++) merged[Bins / 4 + k] = _histogram[2 * k] + _histogram[2 * k + 1];
        Array.Copy(merged, _histogram, Bins);
        _radius *= 2;
    }

    private static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++) if (!float.IsFinite(values[i])) return i;
        return -1;
    }
}
