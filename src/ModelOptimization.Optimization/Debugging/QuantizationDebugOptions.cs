namespace ModelOptimization.Optimization.Debugging;

/// <summary>Settings of one <see cref="QuantizationDebugger.Measure"/> run. Immutable.</summary>
public sealed record QuantizationDebugOptions
{
    public ErrorMeasurementMode Mode { get; init; } = ErrorMeasurementMode.Accumulated;

    /// <summary>Read at most this many samples of the dataset (null: all).</summary>
    public int? MaxSamples { get; init; }

    /// <summary>Threads the interpreters may use (results do not depend on it).</summary>
    public int ThreadCount { get; init; } = Environment.ProcessorCount;

    /// <summary>Also fill <see cref="LayerErrorRecord.WeightScales"/> and <see cref="LayerErrorRecord.WeightZeroPoints"/>.</summary>
    public bool IncludeChannelDetail { get; init; }
}
