using System.Management.Automation;

namespace ModelOptimization.PowerShell.Commands;

using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.PowerShell.Completion;
using ModelOptimization.PowerShell.Model;

/// <summary>
/// <c>Get-ModelLayer</c>: writes one object per operator of a model — its name (first output tensor, as AI Edge
/// Quantizer names layers), op type, tensors, weight count and the quantization plan's decision for it.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ModelLayer")]
[OutputType(typeof(ModelLayer))]
public sealed class GetModelLayerCommand : ModelCmdletBase
{
    /// <summary>The model whose layers to list.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public Model InputObject { get; set; } = null!;

    /// <summary>Layer names (wildcards allowed); a literal name that matches no layer is an error.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(LayerNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Op types, e.g. CONV_2D (case-insensitive, wildcards allowed).</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(OpTypeCompleter))]
    public string[]? OpType { get; set; }

    /// <summary>Only layers of this subgraph.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Subgraph { get; set; }

    protected override void ProcessRecord()
    {
        ThrowIfStopping();
        var model = InputObject;
        if (model.Subgraphs.Count == 0 && model.TensorFlowGraph is not null)
        {
            WriteWarning($"Model '{model.Name}' is a SavedModel: its TensorFlow graph has no TFLite layers to list.");
        }

        bool bySubgraph = MyInvocation.BoundParameters.ContainsKey(nameof(Subgraph));
        if (bySubgraph && Subgraph >= model.Subgraphs.Count)
        {
            WriteModelError(new ModelOptimizationException(ErrorIds.LayerNotFound, ErrorKind.ObjectNotFound,
                $"Model '{model.Name}' has no subgraph {Subgraph} (it has {model.Subgraphs.Count}).", Subgraph,
                $"Use -Subgraph 0..{model.Subgraphs.Count - 1}."), Subgraph);
            return;
        }

        var names = Name?.Select(n => new NameFilter(n)).ToArray();
        var opTypes = OpType?.Select(t => Wildcard.ToRegex(t)).ToArray();
        foreach (var layer in LayerRef.All(model))
        {
            if (bySubgraph && layer.Subgraph != Subgraph) continue;
            if (names is not null)
            {
                bool any = false;
                foreach (var n in names)
                {
                    if (n.IsMatch(layer.Name)) { n.Found = true; any = true; }
                }

                if (!any) continue;
            }

            if (opTypes is not null && !opTypes.Any(r => r.IsMatch(layer.OpType))) continue;
            WriteObject(ModelLayer.Of(model, layer));
        }

        foreach (var n in names ?? [])
        {
            if (n.Found || n.HasWildcard) continue;
            string where = bySubgraph ? $"subgraph {Subgraph} of model '{model.Name}'" : $"model '{model.Name}'";
            WriteModelError(new ModelOptimizationException(ErrorIds.LayerNotFound, ErrorKind.ObjectNotFound,
                $"Cannot find a layer named '{n.Pattern}' in {where}.", n.Pattern,
                "List the layer names with Get-ModelLayer (tab completion offers them); a layer is named by its first output tensor."), n.Pattern);
        }
    }
}
