namespace ModelOptimization.Optimization.Calibration;

/// <summary>
/// What calibration saw of one float tensor over all samples: its extremes, moving averages of each sample's
/// extremes and a value histogram. Immutable; method-agnostic (the range for any <see cref="CalibrationMethod"/>
/// is derived from it, see <see cref="RangeSelector"/>).
/// </summary>
public sealed class TensorStatistics
{
    /// <summary>Number of histogram bins over [−<see cref="HistogramRadius"/>, <see cref="HistogramRadius"/>].</summary>
    public const int HistogramBins = 4096;

    private readonly long[] _histogram;

    public TensorStatistics(int subgraph, int tensorIndex, string name, float min, float max, float movingAverageMin,
        float movingAverageMax, int sampleCount, long elementCount, float histogramRadius, long[] histogram, float[]? channelMeans = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(histogram);
        if (histogram.Length != HistogramBins) throw new ArgumentException($"The histogram must have {HistogramBins} bins.", nameof(histogram));
        Subgraph = subgraph;
        TensorIndex = tensorIndex;
        Name = name;
        Min = min;
        Max = max;
        MovingAverageMin = movingAverageMin;
        MovingAverageMax = movingAverageMax;
        SampleCount = sampleCount;
        ElementCount = elementCount;
        HistogramRadius = histogramRadius;
        _histogram = (long[])histogram.Clone();
        ChannelMeans = channelMeans?.ToArray();
    }

    /// <summary>The subgraph of the tensor.</summary>
    public int Subgraph { get; }

    /// <summary>The tensor's index in its subgraph.</summary>
    public int TensorIndex { get; }

    /// <summary>The tensor's name (checked when statistics are applied to a model).</summary>
    public string Name { get; }

    /// <summary>Smallest value seen.</summary>
    public float Min { get; }

    /// <summary>Largest value seen.</summary>
    public float Max { get; }

    /// <summary>Exponential moving average of each sample's minimum.</summary>
    public float MovingAverageMin { get; }

    /// <summary>Exponential moving average of each sample's maximum.</summary>
    public float MovingAverageMax { get; }

    /// <summary>Samples that reached this tensor.</summary>
    public int SampleCount { get; }

    /// <summary>Values seen (all samples).</summary>
    public long ElementCount { get; }

    /// <summary>The histogram covers [−radius, radius] (a power of two ≥ the largest magnitude seen).</summary>
    public float HistogramRadius { get; }

    /// <summary>Counts of values per bin, <see cref="HistogramBins"/> bins of width 2·radius / bins.</summary>
    public IReadOnlyList<long> Histogram => _histogram;

    internal long[] HistogramArray => _histogram;

    /// <summary>
    /// The mean of each channel of the last axis (NHWC channels, features), or null. Bias correction uses it: the
    /// shift a weight's quantization error causes in an output channel is that error times the mean input.
    /// </summary>
    public IReadOnlyList<float>? ChannelMeans { get; }

    /// <summary>Width of one histogram bin.</summary>
    public double BinWidth => 2.0 * HistogramRadius / HistogramBins;

    public override string ToString() => $"{Name} [{Min:G5}, {Max:G5}] ({SampleCount} samples)";
}
