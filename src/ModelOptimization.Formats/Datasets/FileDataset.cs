using ModelOptimization.Core.Data;
using ModelOptimization.Core.Graph;

namespace ModelOptimization.Formats.Datasets;

/// <summary>
/// A dataset read from a file or folder by <see cref="DatasetReader.Open"/>. Samples are streamed: enumerating
/// reads the file again, one sample at a time, and never holds the whole dataset. Each sample is one flat,
/// row-major array of <see cref="DataType"/> with <see cref="ElementCount"/> values (one model input).
/// </summary>
public abstract class FileDataset : IDataset
{
    private IReadOnlyList<int>? _labels;
    private bool _labelsRead;

    private protected FileDataset(string path, DatasetFormat format, DatasetOptions options)
    {
        Path = path;
        Format = format;
        Options = options;
        Name = System.IO.Path.GetFileName(path.TrimEnd(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar));
    }

    /// <summary>The file or folder name.</summary>
    public string Name { get; }

    /// <summary>The full path of the file or folder.</summary>
    public string Path { get; }

    /// <summary>The kind of file.</summary>
    public DatasetFormat Format { get; }

    /// <summary>The options the dataset was opened with.</summary>
    public DatasetOptions Options { get; }

    /// <summary>The shape of one sample (the -Shape given, or the file's own per-sample shape).</summary>
    public int[] Shape => SampleShape.ToArray();

    /// <summary>The element type of the samples.</summary>
    public TensorType DataType => Options.DataType;

    /// <summary>Values per sample (the element count of <see cref="Shape"/>).</summary>
    public int ElementCount => (int)ValueConverter.ElementCount(SampleShape);

    /// <summary>The number of samples after Skip and First, or null when the source does not say.</summary>
    public int? Count
    {
        get
        {
            long? total = SourceCount;
            if (total is null) return null;
            long n = Math.Max(0, total.Value - Options.Skip);
            if (Options.First is int first) n = Math.Min(n, first);
            return (int)Math.Min(n, int.MaxValue);
        }
    }

    /// <summary>Labels aligned with the samples (after Skip and First), or null when the source has none.</summary>
    public IReadOnlyList<int>? Labels
    {
        get
        {
            if (_labelsRead) return _labels;
            var all = SourceLabels;
            if (all is not null)
            {
                int skip = (int)Math.Min(Options.Skip, all.Count);
                int take = Math.Min(all.Count - skip, Options.First ?? int.MaxValue);
                _labels = skip == 0 && take == all.Count ? all : all.Skip(skip).Take(take).ToArray();
            }

            _labelsRead = true;
            return _labels;
        }
    }

    /// <summary>True when the samples have labels.</summary>
    public virtual bool HasLabels => Labels is not null;

    /// <summary>The sample shape as stored (not copied).</summary>
    private protected abstract int[] SampleShape { get; }

    /// <summary>Samples in the whole source, before Skip and First; null when unknown.</summary>
    private protected abstract long? SourceCount { get; }

    /// <summary>Labels of the whole source, before Skip and First; null when none.</summary>
    private protected abstract IReadOnlyList<int>? SourceLabels { get; }

    /// <inheritdoc/>
    public IEnumerable<Array[]> GetSamples(CancellationToken cancellationToken = default)
    {
        if (Options.First == 0) return [];
        return ReadSamples(Options.Skip, Options.First, cancellationToken);
    }

    /// <summary>Streams the samples from index <paramref name="skip"/>, at most <paramref name="take"/> of them.</summary>
    private protected abstract IEnumerable<Array[]> ReadSamples(long skip, long? take, CancellationToken cancellationToken);

    /// <summary>Converts one sample's raw values with the options' scale, offset and type.</summary>
    private protected Array[] MakeSample(ReadOnlySpan<double> raw)
        => [ValueConverter.FromRaw(raw, Options.Scale, Options.Offset, Options.DataType)];

    /// <inheritdoc/>
    public override string ToString()
        => $"{Name} ({Format}, {(Count is int c ? c.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : "?")} samples of "
           + $"{TensorTypeInfo.ShortName(DataType)}{ValueConverter.Format(SampleShape)}{(HasLabels ? ", labelled" : "")})";
}
