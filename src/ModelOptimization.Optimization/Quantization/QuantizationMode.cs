namespace ModelOptimization.Optimization.Quantization;

/// <summary>What <see cref="ModelQuantizer"/> does to a float model.</summary>
public enum QuantizationMode
{
    /// <summary>
    /// int8 symmetric weights, float activations; FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D, BATCH_MATMUL (constant
    /// right-hand side) and EMBEDDING_LOOKUP run as TFLite "hybrid" ops that quantize their input on the fly; GATHER
    /// of a constant table gathers int8 rows and dequantizes them. No calibration.
    /// </summary>
    DynamicRange,

    /// <summary>
    /// int8 weights (symmetric, per channel), int8 activations (asymmetric, per tensor, from calibration), int32
    /// biases. Ops without an int8 kernel stay float between QUANTIZE/DEQUANTIZE ops.
    /// </summary>
    FullInteger,

    /// <summary>int16 activations (symmetric, zero point 0), int8 weights, int64 biases ("16x8").</summary>
    Int16x8,

    /// <summary>float32 constants stored as FLOAT16, each feeding a DEQUANTIZE op into float32 compute.</summary>
    Float16,

    /// <summary>float32 constants stored as BFLOAT16, each feeding a DEQUANTIZE op into float32 compute.</summary>
    BFloat16,

    /// <summary>
    /// Weights stored as int8 or int4 (per channel or blockwise) and dequantized to float; compute stays float.
    /// </summary>
    WeightOnly,
}
