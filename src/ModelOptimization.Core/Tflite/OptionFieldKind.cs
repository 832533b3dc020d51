namespace ModelOptimization.Core.Tflite;

/// <summary>
/// The storage kind of one field of a TFLite builtin-options table. Enum-typed fields use their underlying
/// integer kind (TensorType, Padding and ActivationFunctionType are <see cref="Int8"/>; an enum declared
/// <c>: uint</c> is <see cref="UInt32"/>). <see cref="Deprecated"/> keeps a retired field's vtable slot.
/// </summary>
public enum OptionFieldKind
{
    Deprecated,
    Bool,
    Int8,
    UInt8,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Float32,
    Float64,
    String,
    BoolVector,
    Int8Vector,
    UInt8Vector,
    Int32Vector,
    UInt32Vector,
    Int64Vector,
    Float32Vector,
}
