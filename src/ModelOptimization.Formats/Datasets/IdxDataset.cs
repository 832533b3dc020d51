namespace ModelOptimization.Formats.Datasets;

/// <summary>
/// An IDX file (the MNIST layout), plain or gzipped: magic <c>00 00 type ndim</c>, big-endian int32 dimensions,
/// then big-endian values (type 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64). The
/// first dimension counts the items. An images file (0x0803) whose folder holds the matching labels file
/// (<c>*-images-idx3-ubyte[.gz]</c> → <c>*-labels-idx1-ubyte[.gz]</c>) gets its labels.
/// </summary>
public sealed class IdxDataset : FileDataset
{
    private readonly int[] _sampleShape;
    private readonly long _sampleCount;
    private readonly IReadOnlyList<int>? _labels;

    private IdxDataset(string path, DatasetOptions options, IdxHeader header, int[] sampleShape, long sampleCount,
        string? labelsPath, IReadOnlyList<int>? labels)
        : base(path, DatasetFormat.Idx, options)
    {
        Header = header;
        _sampleShape = sampleShape;
        _sampleCount = sampleCount;
        LabelsPath = labelsPath;
        _labels = labels;
    }

    /// <summary>The dimensions the file declares (items first).</summary>
    public int[] FileShape => Header.Dimensions.ToArray();

    /// <summary>The labels file used, if any.</summary>
    public string? LabelsPath { get; }

    internal IdxHeader Header { get; }

    private protected override int[] SampleShape => _sampleShape;

    private protected override long? SourceCount => _sampleCount;

    private protected override IReadOnlyList<int>? SourceLabels => _labels;

    /// <summary>Reads the header (and the labels file, if any) and checks the sizes; samples are read later.</summary>
    internal static IdxDataset Open(string path, DatasetOptions options)
    {
        var header = IdxHeader.Read(path);
        long items = header.Dimensions[0];
        int[] itemShape = header.Dimensions.Length == 1 ? [1] : header.Dimensions[1..];
        long itemSize = ValueConverter.ElementCount(itemShape);
        long total = items * itemSize;

        int[] sampleShape = options.Shape?.ToArray() ?? itemShape;
        long sampleSize = ValueConverter.ElementCount(sampleShape);
        if (sampleSize == 0 || total % sampleSize != 0)
        {
            throw DatasetErrors.ShapeMismatch(path,
                $"the file holds {total:N0} values ({items:N0} items of {ValueConverter.Format(itemShape)}), which do not divide into samples of "
                + $"{ValueConverter.Format(sampleShape)} ({sampleSize:N0} values).");
        }

        string? labelsPath = null;
        IReadOnlyList<int>? labels = null;
        if (header.Dimensions.Length == 3 && header.ElementCode == 0x08 && sampleSize == itemSize)
        {
            labelsPath = FindLabelsFile(path);
            if (labelsPath is not null) labels = ReadLabels(labelsPath, items);
        }

        return new IdxDataset(path, options, header, sampleShape, total / sampleSize, labelsPath, labels);
    }

    private protected override IEnumerable<Array[]> ReadSamples(long skip, long? take, CancellationToken cancellationToken)
    {
        int n = ElementCount;
        int width = Header.ElementSize;
        long end = take is long t ? Math.Min(_sampleCount, skip + t) : _sampleCount;
        if (skip >= end) yield break;

        using var stream = DataFile.OpenRead(Path, out _);
        DataFile.SkipForward(stream, Header.HeaderBytes, Path, () => "the header");
        DataFile.SkipForward(stream, skip * n * width, Path, () => $"sample {skip}");
        var bytes = new byte[n * width];
        var raw = new double[n];
        for (long i = skip; i < end; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long index = i;
            DataFile.ReadExactly(stream, bytes, Path, () => $"sample {index} (at byte {Header.HeaderBytes + index * n * width} of the data)");
            Header.Decode(bytes, raw);
            yield return MakeSample(raw);
        }
    }

    /// <summary>The labels file beside an images file (images → labels, idx3 → idx1, with or without .gz), or null.</summary>
    internal static string? FindLabelsFile(string imagesPath)
    {
        string name = System.IO.Path.GetFileName(imagesPath);
        if (name.IndexOf("images", StringComparison.OrdinalIgnoreCase) < 0) return null;
        string stem = name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? name[..^3] : name;
        stem = stem.Replace("images", "labels", StringComparison.OrdinalIgnoreCase).Replace("idx3", "idx1", StringComparison.OrdinalIgnoreCase);
        string dir = System.IO.Path.GetDirectoryName(imagesPath) ?? ".";
        foreach (string candidate in new[] { stem + ".gz", stem })
        {
            string full = System.IO.Path.Combine(dir, candidate);
            if (File.Exists(full)) return full;
        }

        return null;
    }

    private static int[] ReadLabels(string labelsPath, long expected)
    {
        var header = IdxHeader.Read(labelsPath);
        if (header.ElementCode != 0x08 || header.Dimensions.Length != 1)
        {
            throw DatasetErrors.ReadFailed(labelsPath,
                $"a labels file must be IDX uint8 with one dimension (magic 0x00000801); this one has type 0x{header.ElementCode:X2} and {header.Dimensions.Length} dimensions.");
        }

        if (header.Dimensions[0] != expected)
        {
            throw DatasetErrors.ReadFailed(labelsPath, $"it holds {header.Dimensions[0]:N0} labels, but the images file holds {expected:N0} images.");
        }

        using var stream = DataFile.OpenRead(labelsPath, out _);
        DataFile.SkipForward(stream, header.HeaderBytes, labelsPath, () => "the header");
        var bytes = new byte[expected];
        DataFile.ReadExactly(stream, bytes, labelsPath, () => $"the {expected:N0} labels");
        var labels = new int[expected];
        for (int i = 0; i < labels.Length; i++) labels[i] = bytes[i];
        return labels;
    }
}
