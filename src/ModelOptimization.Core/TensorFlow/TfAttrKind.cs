namespace ModelOptimization.Core.TensorFlow;

/// <summary>Which value a <see cref="TfAttrValue"/> holds (the <c>AttrValue.value</c> oneof).</summary>
public enum TfAttrKind
{
    None,
    String,
    Int,
    Float,
    Bool,
    Type,
    Shape,
    Tensor,
    List,
    Func,
    Placeholder,
}
