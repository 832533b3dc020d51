namespace ModelOptimization.PowerShell.Completion;

using ModelOptimization.Core.Graph;

/// <summary>Completes tensor names of the model on the command line.</summary>
public sealed class TensorNameCompleter : ModelCompleter
{
    protected override IEnumerable<string> GetNames(IReadOnlyList<Model> models)
        => models.SelectMany(m => m.Subgraphs).SelectMany(s => s.Tensors).Select(t => t.Name ?? "");
}
