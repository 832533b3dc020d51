namespace ModelOptimization.Core.TensorFlow;

/// <summary>One input or output of a signature (<c>TensorInfo</c>): its key, graph tensor name, type and shape.</summary>
public sealed class TfTensorSpec
{
    /// <summary>The key in the signature, e.g. <c>x</c> or <c>input_1</c>.</summary>
    public string Key { get; set; } = "";

    /// <summary>The graph tensor, e.g. <c>serving_default_x:0</c>; empty for sparse/composite tensors.</summary>
    public string TensorName { get; set; } = "";

    public TfDataType DataType { get; set; }

    public TfShape Shape { get; set; } = TfShape.Unknown;

    /// <summary>True for sparse (COO) or composite tensors, which are not a single graph tensor.</summary>
    public bool IsComposite { get; set; }

    public TfTensorSpec Clone() => (TfTensorSpec)MemberwiseClone();

    public override string ToString() => $"{Key}: {TensorName} {TfDataTypeInfo.ShortName(DataType)}{Shape}";
}
