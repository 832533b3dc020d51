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

    /// <summary>
    /// The layers to measure, by reference operator index, each with the name, op type and index to report; null:
    /// every operator the quantized model computes in quantized form, named by its first output. Used for two models
    /// converted from SavedModels (the quantized one's int8 weights are folded back to float by the conversion, so
    /// only the weights tell which layers were quantized; the names are the TensorFlow layers Get-ModelLayer shows).
    /// </summary>
    public IReadOnlyDictionary<int, Core.Graph.LayerRef>? Layers { get; init; }
}
