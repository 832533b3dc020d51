namespace ModelOptimization.PowerShell.Completion;

using ModelOptimization.Core.Graph;

/// <summary>Completes layer names (first output tensor of each operator) of the model on the command line.</summary>
public sealed class LayerNameCompleter : ModelCompleter
{
    protected override IEnumerable<string> GetNames(IReadOnlyList<Model> models)
        => models.SelectMany(LayerRef.All).Select(l => l.Name);
}
