using System.Management.Automation;

namespace ModelOptimization.PowerShell.Commands;

using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Formats.SavedModel.Conversion;
using ModelOptimization.Optimization.TensorFlow;
using ModelOptimization.PowerShell.Completion;
using ModelOptimization.PowerShell.Model;

/// <summary>
/// <c>Get-ModelLayer</c>: writes one object per operator of a model — its name (first output tensor, as AI Edge
/// Quantizer names layers), op type, tensors, weight count and the quantization plan's decision for it. The layers
/// of a SavedModel are the TensorFlow nodes its signatures run that compute with a float variable (node name, TF op
/// type such as MatMul or Conv2D; no tensors listed).
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
        bool savedModel = model.Format == ModelFormat.SavedModel;
        int subgraphs = savedModel ? 1 : model.Subgraphs.Count;
        bool bySubgraph = MyInvocation.BoundParameters.ContainsKey(nameof(Subgraph));
        if (bySubgraph && Subgraph >= subgraphs)
        {
            WriteModelError(new ModelOptimizationException(ErrorIds.SubgraphNotFound, ErrorKind.ObjectNotFound,
                $"Model '{model.Name}' has no subgraph {Subgraph} (it has {subgraphs}).", Subgraph,
                $"Use -Subgraph 0..{subgraphs - 1}."), Subgraph);
            return;
        }

        var tfLayers = savedModel ? TfQuantizer.Layers(model, SavedModelFunctionCaptures.Of(model)).ToDictionary(l => l.Layer) : null;
        var all = tfLayers is not null ? tfLayers.Keys : LayerRef.All(model);

        var names = Name?.Select(n => new NameFilter(n)).ToArray();
        var opTypes = OpType?.Select(t => Wildcard.ToRegex(t)).ToArray();
        foreach (var layer in all)
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
            WriteObject(tfLayers is not null ? OfTensorFlow(model, tfLayers[layer]) : ModelLayer.Of(model, layer));
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

    /// <summary>A SavedModel layer; the plan excludes it by its own name or op type, or by one of its variables.</summary>
    private static ModelLayer OfTensorFlow(Model model, TfLayer layer)
    {
        var decision = model.Plan.Decide(layer.Layer);
        foreach (string v in layer.Variables)
        {
            if (decision.Excluded) break;
            var byVariable = model.Plan.Decide(new LayerRef(0, -1, v, "Variable"));
            if (byVariable.Excluded) decision = byVariable;
        }

        return new ModelLayer
        {
            Index = layer.Layer.Index,
            Name = layer.Layer.Name,
            OpType = layer.Layer.OpType,
            ParameterCount = layer.ParameterCount,
            Decision = decision.ToString(),
            DecisionRule = decision.Rule,
            Layer = layer.Layer,
            Model = model,
        };
    }
}
