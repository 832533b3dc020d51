namespace ModelOptimization.Core.TensorFlow;

/// <summary>A function (or op) name with attribute bindings (<c>NameAttrList</c>), e.g. a call's <c>f</c> attribute.</summary>
public sealed class TfFunctionRef
{
    public string Name { get; init; } = "";

    public IReadOnlyDictionary<string, TfAttrValue> Attributes { get; init; } = new Dictionary<string, TfAttrValue>();

    public override string ToString() => Name;
}
