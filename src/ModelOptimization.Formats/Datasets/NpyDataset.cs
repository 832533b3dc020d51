namespace ModelOptimization.Formats.Datasets;

/// <summary>
/// A NumPy .npy array (header versions 1 to 3, C order; plain or gzipped). The first axis counts the samples,
/// unless a -Shape regroups the values: then every <c>prod(Shape)</c> consecutive values form one sample.
/// </summary>
public sealed class NpyDataset : FileDataset
{
    private readonly int[] _sampleShape;
    private readonly long _sampleCount;

    private NpyDataset(string path, DatasetOptions options, NpyHeader header, int[] sampleShape, long sampleCount)
        : base(path, DatasetFormat.Npy, options)
    {
        Header = header;
        _sampleShape = sampleShape;
        _sampleCount = sampleCount;
    }

    /// <summary>The array's shape as stored.</summary>
    public long[] FileShape => Header.Shape.ToArray();

    /// <summary>The stored dtype, e.g. <c>&lt;f4</c>.</summary>
    public string Descr => Header.Descr;

    internal NpyHeader Header { get; }

    private protected override int[] SampleShape => _sampleShape;

    private protected override long? SourceCount => _sampleCount;

    private protected override IReadOnlyList<int>? SourceLabels => null;

    internal static NpyDataset Open(string path, DatasetOptions options)
    {
        var header = NpyHeader.Read(path);
        long total = header.Shape.Aggregate(1L, (a, d) => a * d);
        int[] itemShape = header.Shape.Length <= 1 ? [1] : header.Shape[1..].Select(d => checked((int)d)).ToArray();
        int[] sampleShape = options.Shape?.ToArray() ?? itemShape;
        long sampleSize = ValueConverter.ElementCount(sampleShape);
        if (sampleSize == 0 || total % sampleSize != 0)
        {
            throw DatasetErrors.ShapeMismatch(path,
                $"the array ({string.Join(", ", header.Shape)}) holds {total:N0} values, which do not divide into samples of "
                + $"{ValueConverter.Format(sampleShape)} ({sampleSize:N0} values).");
        }

        return new NpyDataset(path, options, header, sampleShape, total / sampleSize);
    }

    private protected override IEnumerable<Array[]> ReadSamples(long skip, long? take, CancellationToken cancellationToken)
    {
        int n = ElementCount;
        int width = Header.ElementSize;
        long end = take is long t ? Math.Min(_sampleCount, skip + t) : _sampleCount;
        if (skip >= end) yield break;

        using var stream = DataFile.OpenRead(Path, out _);
        DataFile.SkipForward(stream, Header.DataOffset, Path, () => "the header");
        DataFile.SkipForward(stream, skip * n * width, Path, () => $"sample {skip}");
        var bytes = new byte[n * width];
        var raw = new double[n];
        for (long i = skip; i < end; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            long index = i;
            DataFile.ReadExactly(stream, bytes, Path, () => $"sample {index} (at byte {Header.DataOffset + index * n * width})");
            Header.Decode(bytes, raw);
            yield return MakeSample(raw);
        }
    }
}
