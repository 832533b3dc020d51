using System.Management.Automation;

namespace ModelOptimization.PowerShell.Commands;

using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.PowerShell.Completion;
using ModelOptimization.PowerShell.Model;

/// <summary>
/// <c>Get-ModelTensor</c>: writes one object per tensor of a model — shape, type, role, quantization parameters,
/// sparsity and size.
/// </summary>
[Cmdlet(VerbsCommon.Get, "ModelTensor")]
[OutputType(typeof(ModelTensor))]
public sealed class GetModelTensorCommand : ModelCmdletBase
{
    /// <summary>The model whose tensors to list.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public Model InputObject { get; set; } = null!;

    /// <summary>Tensor names (wildcards allowed); a literal name that matches no tensor is an error.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(TensorNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Only tensors of this subgraph.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Subgraph { get; set; }

    protected override void ProcessRecord()
    {
        ThrowIfStopping();
        var model = InputObject;
        if (model.Subgraphs.Count == 0 && model.TensorFlowGraph is not null)
        {
            WriteWarning($"Model '{model.Name}' is a SavedModel: its TensorFlow graph has no TFLite tensors to list.");
        }

        bool bySubgraph = MyInvocation.BoundParameters.ContainsKey(nameof(Subgraph));
        if (bySubgraph && Subgraph >= model.Subgraphs.Count)
        {
            WriteModelError(new ModelOptimizationException(ErrorIds.SubgraphNotFound, ErrorKind.ObjectNotFound,
                $"Model '{model.Name}' has no subgraph {Subgraph} (it has {model.Subgraphs.Count}).", Subgraph,
                $"Use -Subgraph 0..{model.Subgraphs.Count - 1}."), Subgraph);
            return;
        }

        var names = Name?.Select(n => new NameFilter(n)).ToArray();
        for (int s = 0; s < model.Subgraphs.Count; s++)
        {
            if (bySubgraph && s != Subgraph) continue;
            var sg = model.Subgraphs[s];
            for (int i = 0; i < sg.Tensors.Count; i++)
            {
                if (names is not null)
                {
                    bool any = false;
                    foreach (var n in names)
                    {
                        if (n.IsMatch(sg.Tensors[i].Name)) { n.Found = true; any = true; }
                    }

                    if (!any) continue;
                }

                WriteObject(ModelTensor.Of(model, s, i));
            }
        }

        foreach (var n in names ?? [])
        {
            if (n.Found || n.HasWildcard) continue;
            string where = bySubgraph ? $"subgraph {Subgraph} of model '{model.Name}'" : $"model '{model.Name}'";
            WriteModelError(new ModelOptimizationException(ErrorIds.TensorNotFound, ErrorKind.ObjectNotFound,
                $"Cannot find a tensor named '{n.Pattern}' in {where}.", n.Pattern,
                "List the tensor names with Get-ModelTensor (tab completion offers them)."), n.Pattern);
        }
    }
}
