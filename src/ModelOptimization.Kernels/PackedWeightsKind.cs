namespace ModelOptimization.Kernels;

/// <summary>The element type of <see cref="PackedWeights"/>.</summary>
public enum PackedWeightsKind
{
    Float32,
    Int8,
    UInt8,
}
