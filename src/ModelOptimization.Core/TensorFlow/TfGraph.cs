namespace ModelOptimization.Core.TensorFlow;

/// <summary>
/// The TensorFlow graph form of a model (one MetaGraph of a SavedModel): the main graph's nodes, the function
/// library, the signatures and the variables' saved values. Readers fill it; transforms may change variables'
/// values; the SavedModel writer writes it back.
/// </summary>
public sealed class TfGraph
{
    /// <summary>The MetaGraph's tags, e.g. <c>serve</c>.</summary>
    public List<string> Tags { get; set; } = [];

    /// <summary>The TensorFlow version that wrote the graph, e.g. <c>2.14.0</c>.</summary>
    public string? TensorFlowVersion { get; set; }

    /// <summary>The GraphDef producer version (<c>versions.producer</c>).</summary>
    public int Producer { get; set; }

    /// <summary>True for TF2 object-graph models (resource variables, function library, object-based checkpoint).</summary>
    public bool IsObjectGraph { get; set; }

    public List<TfNode> Nodes { get; set; } = [];

    public List<TfFunction> Functions { get; set; } = [];

    public List<TfSignature> Signatures { get; set; } = [];

    public List<TfVariable> Variables { get; set; } = [];

    /// <summary>The node of the main graph with this name, or null.</summary>
    public TfNode? FindNode(string name) => Nodes.FirstOrDefault(n => n.Name == name);

    /// <summary>The function with this name, or null.</summary>
    public TfFunction? FindFunction(string name) => Functions.FirstOrDefault(f => f.Name == name);

    /// <summary>The variable with this checkpoint key, or null.</summary>
    public TfVariable? FindVariable(string name) => Variables.FirstOrDefault(v => v.Name == name);

    /// <summary>The signature with this key, or null.</summary>
    public TfSignature? FindSignature(string key) => Signatures.FirstOrDefault(s => s.Key == key);

    /// <summary>Number of nodes in the main graph and all function bodies.</summary>
    public int TotalNodeCount => Nodes.Count + Functions.Sum(f => f.Nodes.Count);

    /// <summary>Elements over all model variables (not training state): the parameter count.</summary>
    public long ParameterCount => Variables.Where(v => !v.IsTrainingState).Sum(v => Math.Max(0, v.ElementCount));

    /// <summary>Bytes of all variables' data.</summary>
    public long VariableBytes => Variables.Sum(v => v.ByteCount);

    /// <summary>A deep copy of the structure; variable bytes and attribute values are shared (immutable).</summary>
    public TfGraph Clone() => new()
    {
        Tags = [.. Tags],
        TensorFlowVersion = TensorFlowVersion,
        Producer = Producer,
        IsObjectGraph = IsObjectGraph,
        Nodes = Nodes.Select(n => n.Clone()).ToList(),
        Functions = Functions.Select(f => f.Clone()).ToList(),
        Signatures = Signatures.Select(s => s.Clone()).ToList(),
        Variables = Variables.Select(v => v.Clone()).ToList(),
    };

    public override string ToString()
        => $"TF graph [{string.Join(",", Tags)}] ({Nodes.Count} nodes, {Functions.Count} functions, {Signatures.Count} signatures, {Variables.Count} variables, {ParameterCount:N0} parameters)";
}
