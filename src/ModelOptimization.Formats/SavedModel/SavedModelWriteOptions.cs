namespace ModelOptimization.Formats.SavedModel;

/// <summary>How <see cref="SavedModelWriter"/> writes a SavedModel folder.</summary>
public sealed class SavedModelWriteOptions
{
    /// <summary>Replace an existing output folder (the replacement is atomic: the old folder is kept until the new one is in place).</summary>
    public bool Overwrite { get; init; }

    /// <summary>
    /// Align each tensor in the data file to this many bytes, padding with zeros (TensorFlow's
    /// <c>BundleWriter::Options::data_alignment</c>; default 1 = dense, as TensorFlow writes SavedModels).
    /// </summary>
    public int DataAlignment { get; init; } = 1;

    /// <summary>Compression of the index blocks (default: as the source, which reproduces its bytes).</summary>
    public SavedModelIndexCompression IndexCompression { get; init; } = SavedModelIndexCompression.MatchSource;

    /// <summary>
    /// What the export keeps (default <see cref="SavedModelPruning.Auto"/>: serving-only after a transformation, the
    /// whole graph for a model as read, so an unchanged model is still written byte for byte).
    /// </summary>
    public SavedModelPruning Pruning { get; init; } = SavedModelPruning.Auto;
}
