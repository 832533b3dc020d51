namespace ModelOptimization.Core.Graph;

/// <summary>An alias of a tensor in a signature (TFLite <c>TensorMap</c>).</summary>
public sealed class TensorMap
{
    public string? Name { get; set; }

    public uint TensorIndex { get; set; }

    public TensorMap Clone() => (TensorMap)MemberwiseClone();

    public override string ToString() => $"{Name} -> {TensorIndex}";
}

/// <summary>A named entry point of the model (TFLite <c>SignatureDef</c>).</summary>
public sealed class SignatureDef
{
    public List<TensorMap>? Inputs { get; set; }

    public List<TensorMap>? Outputs { get; set; }

    public string? SignatureKey { get; set; }

    public uint SubgraphIndex { get; set; }

    public SignatureDef Clone() => new()
    {
        Inputs = Inputs?.Select(t => t.Clone()).ToList(),
        Outputs = Outputs?.Select(t => t.Clone()).ToList(),
        SignatureKey = SignatureKey,
        SubgraphIndex = SubgraphIndex,
    };

    public override string ToString() => SignatureKey ?? "(unnamed)";
}
