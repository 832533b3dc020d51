namespace ModelOptimization.Core.Tflite;

/// <summary>Which operator union an options table belongs to.</summary>
public enum OptionsUnion
{
    /// <summary><c>Operator.builtin_options</c> (union <c>BuiltinOptions</c>).</summary>
    BuiltinOptions = 1,

    /// <summary><c>Operator.builtin_options_2</c> (union <c>BuiltinOptions2</c>).</summary>
    BuiltinOptions2 = 2,
}

/// <summary>
/// The shape of one builtin-options table: its union, its union type code (1-based position in the union) and
/// its fields in declaration order.
/// </summary>
public sealed record OptionsDescriptor(string Name, OptionsUnion Union, byte TypeCode, IReadOnlyList<OptionFieldDescriptor> Fields)
{
    /// <summary>The slot index of a field, or -1 when the table has no such field.</summary>
    public int IndexOf(string fieldName)
    {
        for (int i = 0; i < Fields.Count; i++)
        {
            if (Fields[i].Name == fieldName) return i;
        }

        return -1;
    }

    public override string ToString() => Name;
}
