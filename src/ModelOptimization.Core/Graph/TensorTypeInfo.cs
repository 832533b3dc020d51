namespace ModelOptimization.Core.Graph;

/// <summary>Sizes and names of <see cref="TensorType"/> values.</summary>
public static class TensorTypeInfo
{
    /// <summary>Bits per element; 0 for types without a fixed width (string, resource, variant).</summary>
    public static int BitWidth(TensorType type) => type switch
    {
        TensorType.Float32 or TensorType.Int32 or TensorType.UInt32 => 32,
        TensorType.Float16 or TensorType.BFloat16 or TensorType.Int16 or TensorType.UInt16 => 16,
        TensorType.UInt8 or TensorType.Int8 or TensorType.Bool or TensorType.Float8E4M3FN or TensorType.Float8E5M2 => 8,
        TensorType.Int64 or TensorType.UInt64 or TensorType.Float64 or TensorType.Complex64 => 64,
        TensorType.Complex128 => 128,
        TensorType.Int4 or TensorType.UInt4 => 4,
        TensorType.Int2 => 2,
        _ => 0,
    };

    /// <summary>True when the type has a fixed element width, so a dense buffer's size follows from the shape.</summary>
    public static bool HasFixedWidth(TensorType type) => BitWidth(type) > 0;

    /// <summary>Bytes a dense buffer of <paramref name="elementCount"/> elements takes (sub-byte types packed).</summary>
    public static long ByteCount(TensorType type, long elementCount)
    {
        int bits = BitWidth(type);
        return bits == 0 ? -1 : (elementCount * bits + 7) / 8;
    }

    /// <summary>The TFLite schema name, e.g. <c>FLOAT32</c>, <c>INT8</c>.</summary>
    public static string SchemaName(TensorType type) => type switch
    {
        TensorType.Float8E4M3FN => "FLOAT8_E4M3FN",
        TensorType.Float8E5M2 => "FLOAT8_E5M2",
        _ => type.ToString().ToUpperInvariant(),
    };

    /// <summary>The lower-case short name used in summaries, e.g. <c>float32</c>, <c>int8</c>, <c>bfloat16</c>.</summary>
    public static string ShortName(TensorType type) => type.ToString().ToLowerInvariant();

    /// <summary>True for the float types (float16/32/64, bfloat16, float8 kinds).</summary>
    public static bool IsFloat(TensorType type) => type is TensorType.Float32 or TensorType.Float16 or TensorType.Float64
        or TensorType.BFloat16 or TensorType.Float8E4M3FN or TensorType.Float8E5M2;
}
