namespace ModelOptimization.PowerShell.Model;

using System.Globalization;
using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime;

/// <summary>
/// One inference as <c>Invoke-Model</c> writes it: the sample's index, the outputs (each a flat row-major array in
/// its own type, with name and shape), the time the interpreter took, the sample's label when the dataset has one,
/// and the predicted class when the first output looks like a classifier's ([N] or [1, N]).
/// </summary>
public sealed class InferenceResult
{
    /// <summary>The model that ran.</summary>
    public string ModelName { get; init; } = "";

    /// <summary>The sample's position in the input (0-based; counts on across pipeline input for one model).</summary>
    public int SampleIndex { get; init; }

    /// <summary>The outputs in the model's output order.</summary>
    public IReadOnlyList<TensorValue> Outputs { get; init; } = [];

    /// <summary>With -IncludeIntermediate: every tensor of the subgraph (inputs, constants, intermediates, outputs); else null.</summary>
    public IReadOnlyList<TensorValue>? Tensors { get; init; }

    /// <summary>Milliseconds the interpreter spent in Invoke for this sample.</summary>
    public double Milliseconds { get; init; }

    /// <summary>The sample's label, when the dataset has labels.</summary>
    public int? Label { get; init; }

    /// <summary>The index of the largest value of the first output, when it is shaped like class scores ([N] or [1, N], N ≥ 2).</summary>
    public int? Predicted { get; init; }

    /// <summary>True or false when both <see cref="Label"/> and <see cref="Predicted"/> are known, else null.</summary>
    public bool? IsCorrect => Label is int l && Predicted is int p ? l == p : null;

    /// <summary>The first output (the one most models have).</summary>
    public TensorValue? Output => Outputs.Count > 0 ? Outputs[0] : null;

    /// <summary>The argmax of the first output when it has classifier shape, else null.</summary>
    public static int? ArgMaxOfClassifier(TensorValue? output)
    {
        if (output is null) return null;
        var shape = output.Shape;
        bool classifier = shape.Length == 1 && shape[0] >= 2 || shape.Length == 2 && shape[0] == 1 && shape[1] >= 2;
        if (!classifier || output.DataType is TensorType.String or TensorType.Bool) return null;
        var values = output.ToFloats();
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best]) best = i;
        }

        return best;
    }

    /// <summary>A short text for the outputs column: the first output's type, shape and first values.</summary>
    public string OutputSummary
    {
        get
        {
            if (Output is not { } o) return "";
            var values = o.Data.Cast<object>().Take(6).Select(v => Convert.ToString(v is float f ? Math.Round(f, 4) : v, CultureInfo.InvariantCulture));
            string more = o.Data.Length > 6 ? ", ..." : "";
            string extra = Outputs.Count > 1 ? $" (+{Outputs.Count - 1} more)" : "";
            return $"{TensorTypeInfo.ShortName(o.DataType)}[{string.Join(",", o.Shape)}] {{{string.Join(", ", values)}{more}}}{extra}";
        }
    }

    public override string ToString()
        => $"{ModelName} sample {SampleIndex}: "
           + (Predicted is int p ? $"predicted {p}" + (Label is int l ? $", label {l}" : "") + ", " : "")
           + $"{Outputs.Count} output{(Outputs.Count == 1 ? "" : "s")}, {Milliseconds.ToString("F3", CultureInfo.InvariantCulture)} ms";
}
