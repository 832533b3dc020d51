namespace ModelOptimization.Formats.Datasets;

/// <summary>
/// Numbers in text, one sample per row: separated by commas, semicolons, tabs or (as numpy.savetxt writes) spaces,
/// chosen from the first row. A first row that is not all numbers is a header and is skipped; a header column
/// named <c>label</c> gives the labels and is not part of the samples. Empty lines and lines starting with '#' are
/// ignored. When a -Shape's element count differs from the row length (and there is no label column), the values
/// are read as one row-major stream and cut into samples of that many values.
/// The file is checked once when opened (every value a number, every row the same length); samples are read later.
/// </summary>
public sealed class CsvDataset : FileDataset
{
    private readonly int[] _sampleShape;
    private readonly long _sampleCount;
    private readonly int[]? _labels;

    private CsvDataset(string path, DatasetOptions options, CsvLayout layout, int[] sampleShape, long sampleCount, int[]? labels)
        : base(path, DatasetFormat.Csv, options)
    {
        Layout = layout;
        _sampleShape = sampleShape;
        _sampleCount = sampleCount;
        _labels = labels;
    }

    /// <summary>True when the first row is a header.</summary>
    public bool HasHeader => Layout.HasHeader;

    /// <summary>Numeric columns per row (without the label column).</summary>
    public int Columns => Layout.Columns;

    /// <summary>True when rows are concatenated and regrouped by -Shape instead of one sample per row.</summary>
    public bool IsStream { get; private init; }

    internal CsvLayout Layout { get; }

    private protected override int[] SampleShape => _sampleShape;

    private protected override long? SourceCount => _sampleCount;

    private protected override IReadOnlyList<int>? SourceLabels => _labels;

    internal static CsvDataset Open(string path, DatasetOptions options)
    {
        var layout = CsvLayout.Detect(path);
        int[] rowShape = [layout.Columns];
        int[] sampleShape = options.Shape?.ToArray() ?? rowShape;
        long sampleSize = ValueConverter.ElementCount(sampleShape);
        bool stream = sampleSize != layout.Columns;
        if (stream && layout.LabelColumn >= 0)
        {
            throw DatasetErrors.ShapeMismatch(path,
                $"rows hold {layout.Columns} values plus a label, which does not fit samples of {ValueConverter.Format(sampleShape)} ({sampleSize:N0} values).");
        }

        // One pass to check every value and count rows (and collect labels); nothing but the labels is kept.
        long rows = 0, values = 0;
        var labels = layout.LabelColumn >= 0 ? new List<int>() : null;
        var scratch = new double[layout.Columns];
        foreach (var (line, lineNumber) in layout.DataLines(path))
        {
            int? label = layout.ParseRow(path, line, lineNumber, scratch);
            if (label is int l) labels!.Add(l);
            rows++;
            values += layout.Columns;
        }

        if (stream && values % sampleSize != 0)
        {
            throw DatasetErrors.ShapeMismatch(path,
                $"the file holds {values:N0} values ({rows:N0} rows of {layout.Columns}), which do not divide into samples of "
                + $"{ValueConverter.Format(sampleShape)} ({sampleSize:N0} values).");
        }

        long count = stream ? values / sampleSize : rows;
        return new CsvDataset(path, options, layout, sampleShape, count, labels?.ToArray()) { IsStream = stream };
    }

    private protected override IEnumerable<Array[]> ReadSamples(long skip, long? take, CancellationToken cancellationToken)
    {
        long end = take is long t ? Math.Min(_sampleCount, skip + t) : _sampleCount;
        if (skip >= end) yield break;

        var row = new double[Layout.Columns];
        if (!IsStream)
        {
            long index = 0;
            foreach (var (line, lineNumber) in Layout.DataLines(Path))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (index >= end) yield break;
                if (index++ < skip) continue;
                Layout.ParseRow(Path, line, lineNumber, row);
                yield return MakeSample(row);
            }

            yield break;
        }

        int n = ElementCount;
        var sample = new double[n];
        int filled = 0;
        long sampleIndex = 0;
        foreach (var (line, lineNumber) in Layout.DataLines(Path))
        {
            cancellationToken.ThrowIfCancellationRequested();
            Layout.ParseRow(Path, line, lineNumber, row);
            int taken = 0;
            while (taken < row.Length)
            {
                int chunk = Math.Min(row.Length - taken, n - filled);
                row.AsSpan(taken, chunk).CopyTo(sample.AsSpan(filled));
                taken += chunk;
                filled += chunk;
                if (filled < n) continue;
                filled = 0;
                if (sampleIndex >= skip) yield return MakeSample(sample);
                if (++sampleIndex >= end) yield break;
            }
        }
    }
}
