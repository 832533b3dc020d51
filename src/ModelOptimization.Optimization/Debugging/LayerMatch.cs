namespace ModelOptimization.Optimization.Debugging;

/// <summary>
/// A layer of the float (reference) model and the operator of the quantized model that computes it.
/// <see cref="ReferenceTensor"/> and <see cref="QuantizedTensor"/> are the compared output tensors (subgraph 0);
/// <see cref="IsQuantized"/> tells whether the quantized operator reads or writes quantized data.
/// </summary>
public sealed record LayerMatch(int ReferenceIndex, int QuantizedIndex, string Name, string OpType, int ReferenceTensor, int QuantizedTensor,
    bool IsQuantized, bool MatchedByName)
{
    public override string ToString() => $"{ReferenceIndex} {OpType} '{Name}' -> {QuantizedIndex}{(IsQuantized ? " (quantized)" : "")}";
}
