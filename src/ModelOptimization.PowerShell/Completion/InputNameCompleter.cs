namespace ModelOptimization.PowerShell.Completion;

using ModelOptimization.Core.Graph;

/// <summary>Completes the names of the model inputs (the input tensors of each subgraph).</summary>
public sealed class InputNameCompleter : ModelCompleter
{
    protected override IEnumerable<string> GetNames(IReadOnlyList<Model> models)
        => models.SelectMany(m => m.Subgraphs)
            .SelectMany(s => s.Inputs.Where(i => i >= 0 && i < s.Tensors.Count).Select(i => s.Tensors[i].Name ?? ""));
}
