namespace ModelOptimization.Core.TensorFlow;

/// <summary>An input or output argument of a function signature (<c>OpDef.ArgDef</c>).</summary>
public sealed class TfArg
{
    public string Name { get; set; } = "";

    /// <summary>The fixed type, or <see cref="TfDataType.Invalid"/> when given by <see cref="TypeAttribute"/>.</summary>
    public TfDataType DataType { get; set; }

    /// <summary>The name of the attribute that gives the type, if the type is not fixed.</summary>
    public string? TypeAttribute { get; set; }

    public TfArg Clone() => (TfArg)MemberwiseClone();

    public override string ToString() => $"{Name}: {(DataType != TfDataType.Invalid ? TfDataTypeInfo.ShortName(DataType) : TypeAttribute)}";
}
