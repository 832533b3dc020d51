namespace ModelOptimization.Core.Data;

/// <summary>
/// A stream of samples for inference, calibration and debugging. Each sample is one flat, row-major array per
/// model input, in input order, in the input's own element type (float[], sbyte[], byte[], short[], int[], ...).
/// Implementations stream (a large image folder is never loaded whole); enumerating twice reads twice.
/// </summary>
public interface IDataset
{
    /// <summary>A display name (the file or folder, or "samples").</summary>
    string Name { get; }

    /// <summary>The number of samples when known without reading them all, else null.</summary>
    int? Count { get; }

    /// <summary>Labels aligned with the samples when the source has them (e.g. IDX label files), else null.</summary>
    IReadOnlyList<int>? Labels { get; }

    /// <summary>Reads the samples in order.</summary>
    IEnumerable<Array[]> GetSamples(CancellationToken cancellationToken = default);
}
