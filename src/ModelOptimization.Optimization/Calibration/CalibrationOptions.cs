namespace ModelOptimization.Optimization.Calibration;

/// <summary>Settings of a calibration run and of how ranges are chosen from its statistics.</summary>
public sealed record CalibrationOptions
{
    /// <summary>How ranges are chosen (default <see cref="CalibrationMethod.MinMax"/>).</summary>
    public CalibrationMethod Method { get; init; } = CalibrationMethod.MinMax;

    /// <summary>For <see cref="CalibrationMethod.Percentile"/>: the share of values kept, in percent (default 99.99).</summary>
    public double Percentile { get; init; } = 99.99;

    /// <summary>At most this many samples are run (null: all of the dataset).</summary>
    public int? MaxSamples { get; init; }

    /// <summary>For <see cref="CalibrationMethod.MovingAverage"/>: the weight of each new sample (default 0.01).</summary>
    public double MovingAverageConstant { get; init; } = 0.01;

    /// <summary>Threads the interpreter may use (results do not depend on it). Default: all processors.</summary>
    public int ThreadCount { get; init; } = Environment.ProcessorCount;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for settings that cannot work.</summary>
    public void Validate()
    {
        if (!(Percentile > 0 && Percentile <= 100)) throw new ArgumentOutOfRangeException(nameof(Percentile), Percentile, "Percentile must be in (0, 100].");
        if (MaxSamples is <= 0) throw new ArgumentOutOfRangeException(nameof(MaxSamples), MaxSamples, "MaxSamples must be positive.");
        if (!(MovingAverageConstant > 0 && MovingAverageConstant <= 1)) throw new ArgumentOutOfRangeException(nameof(MovingAverageConstant), MovingAverageConstant, "MovingAverageConstant must be in (0, 1].");
        if (ThreadCount <= 0) throw new ArgumentOutOfRangeException(nameof(ThreadCount), ThreadCount, "ThreadCount must be positive.");
    }
}
