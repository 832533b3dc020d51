namespace ModelOptimization.Formats.SavedModel.Conversion;

/// <summary>How <see cref="SavedModelConverter.ToTflite"/> converts a SavedModel.</summary>
public sealed class SavedModelConversionOptions
{
    /// <summary>The signature to convert (default: <c>serving_default</c>, else the only signature).</summary>
    public string? SignatureKey { get; init; }

    /// <summary>
    /// The size given to unknown (-1) input dimensions in the TFLite <c>shape</c> (default 1, as the TFLite converter
    /// does); <c>shape_signature</c> keeps -1 for them and for every dimension that follows them.
    /// </summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>
    /// Write <c>shape_signature</c> -1 for the dimensions that follow unknown input dimensions (default true). When the
    /// graph only works for one batch size (e.g. a Reshape to a fixed shape) the converter falls back to static shapes.
    /// </summary>
    public bool DynamicBatch { get; init; } = true;

    /// <summary>Input shapes by signature input key, replacing the signature's (needed for inputs of unknown rank).
    /// -1 entries are unknown dimensions as in the signature.</summary>
    public IReadOnlyDictionary<string, int[]>? InputShapes { get; init; }
}
