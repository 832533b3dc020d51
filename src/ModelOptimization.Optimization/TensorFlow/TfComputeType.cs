namespace ModelOptimization.Optimization.TensorFlow;

/// <summary>The type TensorFlow dequantizes int8 weights to (and multiplies the scales in) at run time.</summary>
public enum TfComputeType
{
    /// <summary>int8 → Cast float32 → Mul by float32 scales: the dequantized weight is the int8 value times the scale.</summary>
    Float32,

    /// <summary>
    /// int8 → Cast bfloat16 → Mul by bfloat16 scales → Cast float32 for the consumers: the "bf16 × int8" scheme, half
    /// the scale storage; the dequantized weights have bfloat16 precision (8 significant bits).
    /// </summary>
    BFloat16,
}
