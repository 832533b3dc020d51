namespace ModelOptimization.Formats.Datasets;

/// <summary>The kinds of dataset files <see cref="DatasetReader"/> reads.</summary>
public enum DatasetFormat
{
    /// <summary>IDX (the MNIST layout), plain or gzipped.</summary>
    Idx,

    /// <summary>A NumPy .npy array (header versions 1 to 3), plain or gzipped.</summary>
    Npy,

    /// <summary>Comma- (or semicolon-, tab-) separated numbers, one sample per row.</summary>
    Csv,

    /// <summary>PNG, JPEG or BMP images: one file, or a folder searched recursively.</summary>
    Image,
}
