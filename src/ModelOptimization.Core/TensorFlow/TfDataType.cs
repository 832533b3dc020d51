namespace ModelOptimization.Core.TensorFlow;

/// <summary>
/// A TensorFlow element type, with TensorFlow's <c>DataType</c> codes (types.proto). Reference types
/// (<c>DT_FLOAT_REF</c> = 101 ...) are the value types plus 100.
/// </summary>
public enum TfDataType
{
    Invalid = 0,
    Float = 1,
    Double = 2,
    Int32 = 3,
    UInt8 = 4,
    Int16 = 5,
    Int8 = 6,
    String = 7,
    Complex64 = 8,
    Int64 = 9,
    Bool = 10,
    QInt8 = 11,
    QUInt8 = 12,
    QInt32 = 13,
    BFloat16 = 14,
    QInt16 = 15,
    QUInt16 = 16,
    UInt16 = 17,
    Complex128 = 18,
    Half = 19,
    Resource = 20,
    Variant = 21,
    UInt32 = 22,
    UInt64 = 23,
    Float8E5M2 = 24,
    Float8E4M3FN = 25,
    Int4 = 29,
    UInt4 = 30,
}
