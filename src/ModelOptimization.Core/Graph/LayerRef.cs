namespace ModelOptimization.Core.Graph;

/// <summary>
/// Identifies a layer (an operator) the way users and AI Edge Quantizer name it: by the name of its first output
/// tensor, its op type and its position.
/// </summary>
public sealed record LayerRef(int Subgraph, int Index, string Name, string OpType)
{
    /// <summary>Every layer of a model in graph order.</summary>
    public static IEnumerable<LayerRef> All(Model model)
    {
        for (int s = 0; s < model.Subgraphs.Count; s++)
        {
            var sg = model.Subgraphs[s];
            for (int i = 0; i < sg.Operators.Count; i++) yield return Of(model, s, i);
        }
    }

    /// <summary>The layer reference of operator <paramref name="index"/> of subgraph <paramref name="subgraph"/>.</summary>
    public static LayerRef Of(Model model, int subgraph, int index)
    {
        var sg = model.Subgraphs[subgraph];
        var op = sg.Operators[index];
        string name = op.Outputs.Length > 0 && op.Outputs[0] >= 0 && op.Outputs[0] < sg.Tensors.Count
            ? sg.Tensors[op.Outputs[0]].Name ?? $"op{index}"
            : $"op{index}";
        string opType = op.OpcodeIndex < model.OperatorCodes.Count ? model.OperatorCodes[(int)op.OpcodeIndex].Name : "UNKNOWN";
        return new LayerRef(subgraph, index, name, opType);
    }
}
