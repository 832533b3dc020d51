using ModelOptimization.Core.Graph;

namespace ModelOptimization.Core.TensorFlow;

/// <summary>Sizes and names of <see cref="TfDataType"/> values, and their TFLite counterparts.</summary>
public static class TfDataTypeInfo
{
    /// <summary>The value type of a reference type (<c>DT_FLOAT_REF</c> → <c>DT_FLOAT</c>); other types unchanged.</summary>
    public static TfDataType BaseType(TfDataType type) => (int)type > 100 ? (TfDataType)((int)type - 100) : type;

    /// <summary>
    /// Bits per element of a dense buffer (sub-byte types packed as TensorFlow stores them: int4/uint4 one per
    /// byte in checkpoints, so 8 here); 0 for types without a fixed width (string, resource, variant, invalid).
    /// </summary>
    public static int BitWidth(TfDataType type) => BaseType(type) switch
    {
        TfDataType.Float or TfDataType.Int32 or TfDataType.UInt32 or TfDataType.QInt32 => 32,
        TfDataType.Double or TfDataType.Int64 or TfDataType.UInt64 or TfDataType.Complex64 => 64,
        TfDataType.Complex128 => 128,
        TfDataType.Half or TfDataType.BFloat16 or TfDataType.Int16 or TfDataType.UInt16 or TfDataType.QInt16
            or TfDataType.QUInt16 => 16,
        TfDataType.UInt8 or TfDataType.Int8 or TfDataType.Bool or TfDataType.QInt8 or TfDataType.QUInt8
            or TfDataType.Float8E5M2 or TfDataType.Float8E4M3FN or TfDataType.Int4 or TfDataType.UInt4 => 8,
        _ => 0,
    };

    /// <summary>Bytes a dense tensor of <paramref name="elementCount"/> elements takes; -1 for variable-width types.</summary>
    public static long ByteCount(TfDataType type, long elementCount)
    {
        int bits = BitWidth(type);
        return bits == 0 ? -1 : elementCount * (bits / 8);
    }

    /// <summary>The TFLite tensor type with the same element layout, or null when TFLite has none.</summary>
    public static TensorType? ToTensorType(TfDataType type) => BaseType(type) switch
    {
        TfDataType.Float => TensorType.Float32,
        TfDataType.Double => TensorType.Float64,
        TfDataType.Half => TensorType.Float16,
        TfDataType.BFloat16 => TensorType.BFloat16,
        TfDataType.Int32 or TfDataType.QInt32 => TensorType.Int32,
        TfDataType.UInt32 => TensorType.UInt32,
        TfDataType.Int64 => TensorType.Int64,
        TfDataType.UInt64 => TensorType.UInt64,
        TfDataType.Int16 or TfDataType.QInt16 => TensorType.Int16,
        TfDataType.UInt16 or TfDataType.QUInt16 => TensorType.UInt16,
        TfDataType.Int8 or TfDataType.QInt8 => TensorType.Int8,
        TfDataType.UInt8 or TfDataType.QUInt8 => TensorType.UInt8,
        TfDataType.Bool => TensorType.Bool,
        TfDataType.String => TensorType.String,
        TfDataType.Complex64 => TensorType.Complex64,
        TfDataType.Complex128 => TensorType.Complex128,
        TfDataType.Resource => TensorType.Resource,
        TfDataType.Variant => TensorType.Variant,
        TfDataType.Float8E5M2 => TensorType.Float8E5M2,
        TfDataType.Float8E4M3FN => TensorType.Float8E4M3FN,
        _ => null,
    };

    /// <summary>The lower-case short name used in summaries, e.g. <c>float32</c>, <c>int8</c>, <c>float16</c>.</summary>
    public static string ShortName(TfDataType type)
    {
        var b = BaseType(type);
        string name = b switch
        {
            TfDataType.Float => "float32",
            TfDataType.Double => "float64",
            TfDataType.Half => "float16",
            _ => Enum.IsDefined(b) ? b.ToString().ToLowerInvariant() : $"dtype{(int)b}",
        };
        return (int)type > 100 ? name + "_ref" : name;
    }
}
