namespace ModelOptimization.Core.TensorFlow;

/// <summary>
/// A variable's saved value (an entry of the checkpoint's tensor bundle): for listing it is a constant tensor (a
/// weight). <see cref="Data"/> is a view over the loaded (memory-mapped) data file, never a copy; to change the
/// value, assign a new buffer (and <see cref="DataType"/>/<see cref="Shape"/> if they change).
/// </summary>
public sealed class TfVariable
{
    /// <summary>The checkpoint key, e.g. <c>dense/kernel</c> (TF1) or
    /// <c>layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE</c> (TF2).</summary>
    public string Name { get; set; } = "";

    /// <summary>The graph node that holds the variable (<c>VariableV2</c>/<c>VarHandleOp</c>), or null if none was found.</summary>
    public string? NodeName { get; set; }

    /// <summary>The variable's own name (TF2: the <c>shared_name</c> of its <c>VarHandleOp</c>), if known.</summary>
    public string? VariableName { get; set; }

    public TfDataType DataType { get; set; }

    public TfShape Shape { get; set; } = TfShape.Scalar;

    /// <summary>The bytes as stored: little-endian row-major elements (string tensors in the bundle's own encoding).</summary>
    public ReadOnlyMemory<byte> Data { get; set; }

    /// <summary>True for optimizer slots and other non-model state (e.g. <c>…/Momentum</c>, <c>optimizer/…</c>, <c>global_step</c>).</summary>
    public bool IsTrainingState { get; set; }

    /// <summary>Number of elements (1 for scalars; -1 when the shape is not fully defined).</summary>
    public long ElementCount => Shape.ElementCount;

    /// <summary>Size of <see cref="Data"/> in bytes.</summary>
    public long ByteCount => Data.Length;

    /// <summary>A copy that shares the (immutable) bytes.</summary>
    public TfVariable Clone() => (TfVariable)MemberwiseClone();

    public override string ToString() => $"{Name} {TfDataTypeInfo.ShortName(DataType)}{Shape} ({Data.Length:N0} bytes)";
}
