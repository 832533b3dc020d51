namespace ModelOptimization.Core.TensorFlow;

/// <summary>A named entry point of the model (<c>SignatureDef</c>), e.g. <c>serving_default</c>.</summary>
public sealed class TfSignature
{
    public string Key { get; set; } = "";

    /// <summary>E.g. <c>tensorflow/serving/predict</c>.</summary>
    public string MethodName { get; set; } = "";

    public List<TfTensorSpec> Inputs { get; set; } = [];

    public List<TfTensorSpec> Outputs { get; set; } = [];

    public TfSignature Clone() => new()
    {
        Key = Key,
        MethodName = MethodName,
        Inputs = Inputs.Select(t => t.Clone()).ToList(),
        Outputs = Outputs.Select(t => t.Clone()).ToList(),
    };

    public override string ToString() => $"{Key}({string.Join(", ", Inputs.Select(i => i.Key))}) -> ({string.Join(", ", Outputs.Select(o => o.Key))})";
}
