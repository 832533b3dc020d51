namespace ModelOptimization.Formats.SavedModel;

/// <summary>Whether the writer Snappy-compresses the blocks of variables.index.</summary>
public enum SavedModelIndexCompression
{
    /// <summary>As the source index was written (Snappy when any of its blocks was compressed), else none.</summary>
    MatchSource,

    /// <summary>No compression: readable by every TensorFlow build, including those without Snappy.</summary>
    None,

    /// <summary>Snappy for blocks that shrink by at least 1/8, as TensorFlow built with Snappy writes them.</summary>
    Snappy,
}
