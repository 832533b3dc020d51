namespace ModelOptimization.Core.Tflite;

/// <summary>
/// One field of a builtin-options table, in declaration order (its index in
/// <see cref="OptionsDescriptor.Fields"/> is its FlatBuffers vtable slot).
/// </summary>
/// <param name="Name">The schema's field name, e.g. <c>stride_w</c>.</param>
/// <param name="Kind">The storage kind.</param>
/// <param name="Default">
/// The schema default for scalars, boxed as the kind's CLR type (bool, sbyte, byte, short, ushort, int, uint,
/// long, ulong, float, double); null for strings, vectors and deprecated slots.
/// </param>
public sealed record OptionFieldDescriptor(string Name, OptionFieldKind Kind, object? Default);
