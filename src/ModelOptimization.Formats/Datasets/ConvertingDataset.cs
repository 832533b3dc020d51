using ModelOptimization.Core.Data;
using ModelOptimization.Core.Graph;

namespace ModelOptimization.Formats.Datasets;

/// <summary>
/// A dataset whose samples are converted for a model's inputs as they are read (<see cref="SampleConverter"/>).
/// A sample that does not fit stops the enumeration with InputDataInvalid naming the sample's index.
/// </summary>
internal sealed class ConvertingDataset : IDataset
{
    private readonly IReadOnlyList<(string Name, int[] Shape, TensorType Type)> _inputs;
    private readonly Func<CancellationToken, IEnumerable<object>> _source;

    public ConvertingDataset(string name, int? count, IReadOnlyList<int>? labels, Func<CancellationToken, IEnumerable<object>> source,
        IReadOnlyList<(string Name, int[] Shape, TensorType Type)> inputs)
    {
        Name = name;
        Count = count;
        Labels = labels;
        _source = source;
        _inputs = inputs;
    }

    /// <summary>The dataset it reads from, when it wraps one.</summary>
    public IDataset? Inner { get; init; }

    public string Name { get; }

    public int? Count { get; }

    public IReadOnlyList<int>? Labels { get; }

    public IEnumerable<Array[]> GetSamples(CancellationToken cancellationToken = default)
    {
        int index = 0;
        foreach (object sample in _source(cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            Array[] converted;
            try
            {
                converted = SampleConverter.Convert(sample, _inputs);
            }
            catch (Core.Errors.ModelOptimizationException ex) when (ex.ErrorId is Core.Errors.ErrorIds.InputDataInvalid)
            {
                throw new Core.Errors.ModelOptimizationException(ex.ErrorId, ex.Kind, $"Sample {index} of '{Name}': {ex.Message}",
                    ex.Target, ex.RecommendedAction, ex);
            }

            index++;
            yield return converted;
        }
    }

    public override string ToString() => Inner?.ToString() ?? $"{Name} ({Count?.ToString() ?? "?"} samples)";
}
