namespace ModelOptimization.Core.TensorFlow;

/// <summary>A list attribute (<c>AttrValue.ListValue</c>); usually only one of the lists is non-empty.</summary>
public sealed class TfAttrList
{
    public IReadOnlyList<byte[]> Strings { get; init; } = [];

    public IReadOnlyList<long> Ints { get; init; } = [];

    public IReadOnlyList<float> Floats { get; init; } = [];

    public IReadOnlyList<bool> Bools { get; init; } = [];

    public IReadOnlyList<TfDataType> Types { get; init; } = [];

    public IReadOnlyList<TfShape> Shapes { get; init; } = [];

    public IReadOnlyList<TfTensor> Tensors { get; init; } = [];

    public IReadOnlyList<TfFunctionRef> Funcs { get; init; } = [];

    /// <summary>Number of items over all lists.</summary>
    public int Count => Strings.Count + Ints.Count + Floats.Count + Bools.Count + Types.Count + Shapes.Count
                        + Tensors.Count + Funcs.Count;

    public override string ToString()
    {
        if (Strings.Count > 0) return "[" + string.Join(", ", Strings.Select(s => TfAttrValue.Quote(s))) + "]";
        if (Ints.Count > 0) return "[" + string.Join(", ", Ints) + "]";
        if (Floats.Count > 0) return "[" + string.Join(", ", Floats.Select(f => f.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
        if (Bools.Count > 0) return "[" + string.Join(", ", Bools) + "]";
        if (Types.Count > 0) return "[" + string.Join(", ", Types.Select(TfDataTypeInfo.ShortName)) + "]";
        if (Shapes.Count > 0) return "[" + string.Join(", ", Shapes) + "]";
        if (Tensors.Count > 0) return "[" + string.Join(", ", Tensors) + "]";
        if (Funcs.Count > 0) return "[" + string.Join(", ", Funcs) + "]";
        return "[]";
    }
}
