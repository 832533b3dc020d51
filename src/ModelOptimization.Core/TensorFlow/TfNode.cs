namespace ModelOptimization.Core.TensorFlow;

/// <summary>
/// One operation of a TensorFlow graph or function body (<c>NodeDef</c>): for listing it is a layer. Inputs are
/// <c>node</c>, <c>node:k</c> or <c>^node</c> (control input); inside functions <c>node:out:k</c>.
/// </summary>
public sealed class TfNode
{
    public string Name { get; set; } = "";

    public string Op { get; set; } = "";

    public List<string> Inputs { get; set; } = [];

    public string Device { get; set; } = "";

    public Dictionary<string, TfAttrValue> Attributes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The shapes of the outputs as recorded by the <c>_output_shapes</c> attribute, or null when the graph does
    /// not record them.
    /// </summary>
    public IReadOnlyList<TfShape>? OutputShapes
        => Attributes.TryGetValue("_output_shapes", out var a) && a.Kind == TfAttrKind.List ? a.List!.Shapes : null;

    /// <summary>The node (or function argument) part of an input reference: <c>a/b:1</c>, <c>a:out:0</c>, <c>^a</c> → <c>a/b</c>, <c>a</c>.</summary>
    public static string NodeOf(string reference)
    {
        var s = reference.AsSpan().TrimStart('^');
        int colon = s.IndexOf(':');
        return (colon >= 0 ? s[..colon] : s).ToString();
    }

    /// <summary>The output index an input reference names (<c>a:1</c> → 1, <c>a:out:2</c> → 2, <c>a</c> → 0).</summary>
    public static int OutputIndexOf(string reference)
    {
        int colon = reference.LastIndexOf(':');
        return colon >= 0 && int.TryParse(reference.AsSpan(colon + 1), System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out int k) ? k : 0;
    }

    /// <summary>The data inputs (without control inputs).</summary>
    public IEnumerable<string> DataInputs => Inputs.Where(i => !i.StartsWith('^'));

    /// <summary>The node's <c>dtype</c> or <c>T</c> attribute, if any.</summary>
    public TfDataType? DataType
        => Attributes.TryGetValue("dtype", out var d) && d.Kind == TfAttrKind.Type ? d.Type
            : Attributes.TryGetValue("T", out var t) && t.Kind == TfAttrKind.Type ? t.Type : null;

    /// <summary>A copy with its own lists and dictionary (attribute values are immutable and shared).</summary>
    public TfNode Clone() => new()
    {
        Name = Name,
        Op = Op,
        Inputs = [.. Inputs],
        Device = Device,
        Attributes = new Dictionary<string, TfAttrValue>(Attributes, StringComparer.Ordinal),
    };

    public override string ToString() => $"{Name} ({Op})";
}
