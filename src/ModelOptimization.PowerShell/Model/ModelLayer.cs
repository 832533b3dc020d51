namespace ModelOptimization.PowerShell.Model;

using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;

/// <summary>
/// One operator of a model as <c>Get-ModelLayer</c> writes it: where it is, its name (the name of its first
/// output tensor, as AI Edge Quantizer names layers), op type and version, its tensors, how many weights it holds,
/// and what the model's quantization plan decides for it.
/// </summary>
public sealed class ModelLayer
{
    /// <summary>The operator's position in its subgraph (execution order).</summary>
    public int Index { get; init; }

    /// <summary>The subgraph the operator belongs to.</summary>
    public int Subgraph { get; init; }

    /// <summary>The layer name: the name of the first output tensor.</summary>
    public string Name { get; init; } = "";

    /// <summary>The op type, e.g. <c>CONV_2D</c> (the custom code for custom ops).</summary>
    public string OpType { get; init; } = "";

    /// <summary>The op version from the operator-code table.</summary>
    public int Version { get; init; }

    /// <summary>The inputs in order (absent optional inputs keep their place with index -1).</summary>
    public ModelLayerTensor[] Inputs { get; init; } = [];

    /// <summary>The outputs in order.</summary>
    public ModelLayerTensor[] Outputs { get; init; } = [];

    /// <summary>Elements of the constant, non-variable inputs (the weights and biases).</summary>
    public long ParameterCount { get; init; }

    /// <summary>What the plan decides: <c>Quantize</c>, <c>Float</c>, or the mode a rule sets (e.g. <c>Int16x8</c>).</summary>
    public string Decision { get; init; } = "Quantize";

    /// <summary>The plan rule that decided, or null when no rule matches (the default applies).</summary>
    public LayerRule? DecisionRule { get; init; }

    /// <summary>The layer reference (subgraph, index, name, op type) used by quantization plans.</summary>
    public LayerRef Layer { get; init; } = null!;

    /// <summary>The model the layer belongs to.</summary>
    public Model Model { get; init; } = null!;

    /// <summary>The view of one operator.</summary>
    public static ModelLayer Of(Model model, LayerRef layer)
    {
        var sg = model.Subgraphs[layer.Subgraph];
        var op = sg.Operators[layer.Index];
        var code = op.OpcodeIndex < model.OperatorCodes.Count ? model.OperatorCodes[(int)op.OpcodeIndex] : null;
        long parameters = 0;
        foreach (int i in op.Inputs.Where(i => i >= 0 && i < sg.Tensors.Count).Distinct())
        {
            var t = sg.Tensors[i];
            if (model.IsConstant(t) && !t.IsVariable) parameters += t.ElementCount;
        }

        var decision = model.Plan.Decide(layer);
        return new ModelLayer
        {
            Index = layer.Index,
            Subgraph = layer.Subgraph,
            Name = layer.Name,
            OpType = layer.OpType,
            Version = code?.Version ?? 0,
            Inputs = op.Inputs.Select(i => ModelLayerTensor.Of(model, layer.Subgraph, i)).ToArray(),
            Outputs = op.Outputs.Select(i => ModelLayerTensor.Of(model, layer.Subgraph, i)).ToArray(),
            ParameterCount = parameters,
            Decision = decision.ToString(),
            DecisionRule = decision.Rule,
            Layer = layer,
            Model = model,
        };
    }

    /// <summary>E.g. <c>[0:1] StatefulPartitionedCall/conv2d CONV_2D v3 (320 parameters, Quantize)</c>.</summary>
    public override string ToString()
        => $"[{Subgraph}:{Index}] {Name} {OpType} v{Version} ({ParameterCount:N0} parameters, {Decision})";
}
