using System.Collections;
using ModelOptimization.Core.Data;
using ModelOptimization.Core.Graph;

namespace ModelOptimization.Formats.Datasets;

/// <summary>
/// Turns what a user hands a cmdlet (-Input, -Dataset, -CalibrationData) into an <see cref="IDataset"/>: a dataset
/// (from Import-Dataset or the library), one sample, or an array of samples. PSObject wrappers are looked through.
/// </summary>
/// <remarks>
/// <para>Accepted:</para>
/// <list type="bullet">
/// <item>an <see cref="IDataset"/>;</item>
/// <item>a hashtable input name (or index) → data: one sample; an array of hashtables: one sample each;</item>
/// <item>a typed array or a flat list of numbers: one sample of a one-input model;</item>
/// <item>a list whose entries are arrays: one sample when its entries fit the model's inputs one to one (count and
/// lengths), otherwise one sample per entry — so <c>@($a)</c> and <c>@($a, $b)</c> for a one-input model with
/// 784-value arrays are one and two samples, and <c>@($x, $y)</c> for a two-input model is one sample;</item>
/// <item>a list of lists of arrays: one sample per entry.</item>
/// </list>
/// <para>With the model's inputs given, every sample is converted by <see cref="SampleConverter.Convert"/> as it is
/// read (InputDataInvalid names the first sample that does not fit); without them, typed arrays are kept and lists
/// of numbers become float32 arrays.</para>
/// </remarks>
public static class DatasetAdapter
{
    /// <summary>A dataset from <paramref name="input"/>, its samples as given (lists of numbers as float32).</summary>
    public static IDataset ToDataset(object input) => ToDataset(input, null);

    /// <summary>A dataset from <paramref name="input"/> whose samples fit <paramref name="inputs"/> (when given).</summary>
    public static IDataset ToDataset(object? input, IReadOnlyList<(string Name, int[] Shape, TensorType Type)>? inputs)
    {
        object? value = ShellObject.Unwrap(input);
        switch (value)
        {
            case null:
                throw DatasetErrors.InputData("No input data was given ($null).");
            case IDataset dataset:
                return inputs is null
                    ? dataset
                    : new ConvertingDataset(dataset.Name, dataset.Count, dataset.Labels, ct => dataset.GetSamples(ct), inputs) { Inner = dataset };
            case string text:
                throw DatasetErrors.InputData($"'{text}' is text, not input data; read files with Import-Dataset -Path.");
        }

        if (ShellObject.IsList(value) && !((IEnumerable)value).GetEnumerator().MoveNext())
        {
            throw DatasetErrors.InputData("The input holds no samples (an empty array).");
        }

        var samples = IsSingleSample(value, inputs) ? new List<object?> { value } : ShellObject.Items((IEnumerable)value);
        if (samples.Count == 0) throw DatasetErrors.InputData("The input holds no samples (an empty array).");
        if (samples.Any(s => s is null)) throw DatasetErrors.InputData($"Sample {samples.IndexOf(null)} is $null.");
        var list = samples.Cast<object>().ToArray();
        string name = list.Length == 1 ? "sample" : "samples";
        if (inputs is not null) return new ConvertingDataset(name, list.Length, null, _ => list, inputs);
        return new InMemoryDataset(list.Select(SampleConverter.ConvertUntyped).ToArray(), null, name);
    }

    /// <summary>True when <paramref name="value"/> is one sample rather than a list of samples.</summary>
    private static bool IsSingleSample(object value, IReadOnlyList<(string Name, int[] Shape, TensorType Type)>? inputs)
    {
        if (value is IDictionary || !ShellObject.IsList(value)) return true;
        if (value is Array[] arrays && arrays.All(a => a is not null && a.GetType().GetElementType()!.IsPrimitive))
        {
            return inputs is null || arrays.Length == inputs.Count;
        }

        if (ShellObject.Depth(value) <= 1) return true; // a typed array or a flat list of numbers
        var items = ShellObject.Items((IEnumerable)value);
        if (items.Count == 0) return false;
        if (items.All(i => i is IDictionary)) return false;
        if (inputs is null) return ShellObject.Depth(value) == 2;

        if (inputs.Count == 1)
        {
            var shape = inputs[0].Shape;
            if (items.All(i => InputSpec.Fits(shape, ShellObject.LeafCount(i)))) return items.Count == 1 && !ShellObject.IsList(items[0]);
            return InputSpec.Fits(shape, ShellObject.LeafCount(value));
        }

        return items.Count == inputs.Count && items.Select((item, k) => InputSpec.Fits(inputs[k].Shape, ShellObject.LeafCount(item))).All(f => f);
    }
}
