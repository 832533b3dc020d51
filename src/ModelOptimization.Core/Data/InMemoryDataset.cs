namespace ModelOptimization.Core.Data;

/// <summary>A dataset over samples already in memory (e.g. an array of samples from the shell).</summary>
public sealed class InMemoryDataset : IDataset
{
    private readonly IReadOnlyList<Array[]> _samples;

    public InMemoryDataset(IReadOnlyList<Array[]> samples, IReadOnlyList<int>? labels = null, string name = "samples")
    {
        _samples = samples;
        Labels = labels;
        Name = name;
    }

    public string Name { get; }

    public int? Count => _samples.Count;

    public IReadOnlyList<int>? Labels { get; }

    public IEnumerable<Array[]> GetSamples(CancellationToken cancellationToken = default)
    {
        foreach (var s in _samples)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return s;
        }
    }

    public override string ToString() => $"{Name} ({_samples.Count} samples)";
}
