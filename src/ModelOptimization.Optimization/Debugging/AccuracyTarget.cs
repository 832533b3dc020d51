namespace ModelOptimization.Optimization.Debugging;

/// <summary>What accuracy-aware quantization must reach. Every target given must hold.</summary>
public sealed record AccuracyTarget
{
    /// <summary>Minimum SQNR (dB) of the first model output against the float model, averaged over validation samples.</summary>
    public double? MinSqnrDb { get; init; }

    /// <summary>
    /// Maximum top-1 accuracy loss against the float model, in percentage points (needs dataset labels): a sample is
    /// correct when the argmax of the first output (flattened) equals its label.
    /// </summary>
    public double? MaxAccuracyDrop { get; init; }

    /// <summary>At most this many layers may be excluded (null: no limit).</summary>
    public int? MaxExcludedLayers { get; init; }

    public override string ToString()
        => string.Join(", ", new[] { MinSqnrDb is { } s ? $"SQNR ≥ {s:F1} dB" : null, MaxAccuracyDrop is { } d ? $"accuracy drop ≤ {d:F2} pp" : null,
            MaxExcludedLayers is { } m ? $"≤ {m} exclusions" : null }.Where(x => x is not null));
}
