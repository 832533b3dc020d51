using ModelOptimization.Core.TensorFlow;

namespace ModelOptimization.Formats.SavedModel.Conversion;

/// <summary>
/// One operation of the flattened graph: a node of the main graph or of an inlined function body, with its data
/// inputs resolved to other flat nodes. Pseudo-ops: <c>_Input</c> (a signature input) and <c>_Variable</c> (a
/// variable's saved value).
/// </summary>
internal sealed class FlatNode
{
    public const string InputOp = "_Input";
    public const string VariableOp = "_Variable";

    public int Id { get; set; }

    /// <summary>The node's name with the names of the calls it was inlined through, e.g. <c>StatefulPartitionedCall/dense/MatMul</c>.</summary>
    public string Name { get; init; } = "";

    public string Op { get; init; } = "";

    /// <summary>Where the node came from, for messages: <c>node 'x' (Op) in function 'f'</c>.</summary>
    public string Where { get; init; } = "";

    public IReadOnlyDictionary<string, TfAttrValue> Attributes { get; init; } = new Dictionary<string, TfAttrValue>();

    public List<FlatRef> Inputs { get; } = [];

    /// <summary>For <c>_Variable</c>: the saved value.</summary>
    public TfVariable? Variable { get; init; }

    /// <summary>For <c>_Input</c>: the index of the signature input.</summary>
    public int InputIndex { get; init; } = -1;

    public TfAttrValue? Attr(string name) => Attributes.TryGetValue(name, out var a) ? a : null;

    public override string ToString() => $"{Name} ({Op})";
}

/// <summary>Output <see cref="Index"/> of a flat node.</summary>
internal readonly record struct FlatRef(FlatNode Node, int Index)
{
    public override string ToString() => Index == 0 ? Node.Name : $"{Node.Name}:{Index}";
}
