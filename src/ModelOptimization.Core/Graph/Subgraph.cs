namespace ModelOptimization.Core.Graph;

/// <summary>A subgraph (TFLite <c>SubGraph</c>): tensors, inputs, outputs and operators in execution order.</summary>
public sealed class Subgraph
{
    public List<Tensor> Tensors { get; set; } = [];

    public int[] Inputs { get; set; } = [];

    public int[] Outputs { get; set; } = [];

    public List<Operator> Operators { get; set; } = [];

    public string? Name { get; set; }

    public int DebugMetadataIndex { get; set; } = -1;

    public Subgraph Clone() => new()
    {
        Tensors = Tensors.Select(t => t.Clone()).ToList(),
        Inputs = Inputs.ToArray(),
        Outputs = Outputs.ToArray(),
        Operators = Operators.Select(o => o.Clone()).ToList(),
        Name = Name,
        DebugMetadataIndex = DebugMetadataIndex,
    };

    /// <summary>Adds a tensor and returns its index.</summary>
    public int AddTensor(Tensor tensor)
    {
        Tensors.Add(tensor);
        return Tensors.Count - 1;
    }
}
