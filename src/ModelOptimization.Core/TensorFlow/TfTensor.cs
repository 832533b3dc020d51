namespace ModelOptimization.Core.TensorFlow;

/// <summary>
/// A constant tensor inside the graph (a <c>Const</c> node's <c>value</c> attribute, <c>TensorProto</c>):
/// type, shape and the elements as dense little-endian bytes (row-major), with a single stored value repeated to
/// fill the shape as TensorFlow does. String tensors hold <see cref="StringValues"/> instead.
/// </summary>
public sealed class TfTensor
{
    public TfDataType DataType { get; init; }

    public TfShape Shape { get; init; } = TfShape.Scalar;

    /// <summary>Dense element bytes; empty for string/resource/variant tensors or when they could not be expanded.</summary>
    public ReadOnlyMemory<byte> Content { get; init; }

    /// <summary>The elements of a string tensor (raw bytes, usually UTF-8).</summary>
    public IReadOnlyList<byte[]>? StringValues { get; init; }

    /// <summary>True when <see cref="Content"/> holds every element.</summary>
    public bool IsDense { get; init; }

    public override string ToString() => $"{TfDataTypeInfo.ShortName(DataType)}{Shape}";
}
