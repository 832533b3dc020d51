namespace ModelOptimization.Core.TensorFlow;

/// <summary>
/// A function of the graph's library (<c>FunctionDef</c>): TF2 models keep their computation here, called from
/// the main graph by <c>StatefulPartitionedCall</c>/<c>PartitionedCall</c> nodes.
/// </summary>
public sealed class TfFunction
{
    public string Name { get; set; } = "";

    public List<TfArg> Inputs { get; set; } = [];

    public List<TfArg> Outputs { get; set; } = [];

    public List<TfNode> Nodes { get; set; } = [];

    /// <summary>Output argument name → the body output that produces it (<c>node:out:k</c>).</summary>
    public Dictionary<string, string> Returns { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, TfAttrValue> Attributes { get; set; } = new(StringComparer.Ordinal);

    public bool IsStateful { get; set; }

    public TfFunction Clone() => new()
    {
        Name = Name,
        Inputs = Inputs.Select(a => a.Clone()).ToList(),
        Outputs = Outputs.Select(a => a.Clone()).ToList(),
        Nodes = Nodes.Select(n => n.Clone()).ToList(),
        Returns = new Dictionary<string, string>(Returns, StringComparer.Ordinal),
        Attributes = new Dictionary<string, TfAttrValue>(Attributes, StringComparer.Ordinal),
        IsStateful = IsStateful,
    };

    public override string ToString() => $"{Name} ({Inputs.Count} in, {Outputs.Count} out, {Nodes.Count} nodes)";
}
