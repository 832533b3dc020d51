namespace ModelOptimization.Optimization.Quantization;

/// <summary>The element type of a quantized model's inputs or outputs.</summary>
public enum IoType
{
    /// <summary>float32: QUANTIZE/DEQUANTIZE ops at the edges (the default).</summary>
    Float32,

    /// <summary>int8 with the tensor's own scale and zero point (integer-only models).</summary>
    Int8,

    /// <summary>uint8 with the int8 scale and zero point + 128 (a QUANTIZE op converts at the edge).</summary>
    UInt8,

    /// <summary>int16 (for <see cref="QuantizationMode.Int16x8"/>), zero point 0.</summary>
    Int16,
}
