namespace ModelOptimization.Optimization.TensorFlow;

/// <summary>What the TensorFlow quantizer did with one float variable.</summary>
/// <param name="Variable">The checkpoint key, e.g. <c>dense/kernel</c> or <c>layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE</c>.</param>
/// <param name="Shape">The weight's shape.</param>
/// <param name="Quantized">True when the weight is now int8.</param>
/// <param name="Granularity"><c>per-channel (axis 3)</c>, <c>per-tensor</c>, or empty when not quantized.</param>
/// <param name="Layers">The nodes of the signatures that consume the weight.</param>
/// <param name="Reason">Why the weight stayed float, or null.</param>
/// <param name="BytesBefore">Bytes of the float value.</param>
/// <param name="BytesAfter">Bytes of the int8 value plus its scales (equal to <paramref name="BytesBefore"/> when not quantized).</param>
public sealed record TfWeightReport(string Variable, IReadOnlyList<long> Shape, bool Quantized, string Granularity,
    IReadOnlyList<string> Layers, string? Reason, long BytesBefore, long BytesAfter)
{
    public override string ToString() => Quantized
        ? $"{Variable} [{string.Join(",", Shape)}] int8 {Granularity}"
        : $"{Variable} [{string.Join(",", Shape)}] float ({Reason})";
}
