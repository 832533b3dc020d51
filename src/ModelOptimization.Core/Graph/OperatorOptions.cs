using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Core.Graph;

/// <summary>
/// The values of one builtin-options table, in the slot order of its <see cref="OptionsDescriptor"/>. Scalars are
/// boxed as their kind's CLR type (absent fields hold the schema default); strings and vectors are null when the
/// file does not have them. Any table of the schema is held, so a model round-trips without loss.
/// </summary>
public sealed class OperatorOptions
{
    private readonly object?[] _values;

    public OperatorOptions(OptionsDescriptor descriptor)
    {
        Descriptor = descriptor;
        _values = new object?[descriptor.Fields.Count];
        for (int i = 0; i < _values.Length; i++) _values[i] = descriptor.Fields[i].Default;
    }

    public OptionsDescriptor Descriptor { get; }

    /// <summary>The values in slot order.</summary>
    public IReadOnlyList<object?> Values => _values;

    /// <summary>Creates the options table a builtin operator uses, with schema defaults, or null if it has none.</summary>
    public static OperatorOptions? For(BuiltinOperator op)
        => BuiltinOptionsCatalog.ForOperator(op) is { } d ? new OperatorOptions(d) : null;

    /// <summary>Creates options by table name, e.g. <c>Conv2DOptions</c>.</summary>
    public static OperatorOptions Create(string tableName)
        => new(BuiltinOptionsCatalog.Find(tableName)
               ?? throw new ArgumentException($"'{tableName}' is not a builtin options table.", nameof(tableName)));

    public object? this[int slot]
    {
        get => _values[slot];
        set => _values[slot] = value;
    }

    public object? this[string field]
    {
        get => _values[Slot(field)];
        set => _values[Slot(field)] = value;
    }

    /// <summary>True when the table declares the field.</summary>
    public bool Has(string field) => Descriptor.IndexOf(field) >= 0;

    public int GetInt32(string field, int fallback = 0) => Has(field) ? Convert.ToInt32(this[field]) : fallback;

    public long GetInt64(string field, long fallback = 0) => Has(field) ? Convert.ToInt64(this[field]) : fallback;

    public float GetSingle(string field, float fallback = 0) => Has(field) ? Convert.ToSingle(this[field]) : fallback;

    public bool GetBoolean(string field, bool fallback = false) => Has(field) ? Convert.ToBoolean(this[field]) : fallback;

    public int[]? GetInt32Array(string field) => Has(field) ? this[field] as int[] : null;

    /// <summary>The fused activation, or NONE when the table has none.</summary>
    public ActivationFunctionType FusedActivation
        => Has("fused_activation_function") ? (ActivationFunctionType)Convert.ToSByte(this["fused_activation_function"]) : ActivationFunctionType.NONE;

    public OperatorOptions Clone()
    {
        var copy = new OperatorOptions(Descriptor);
        for (int i = 0; i < _values.Length; i++) copy._values[i] = _values[i] is Array a ? (Array)a.Clone() : _values[i];
        return copy;
    }

    public override string ToString()
    {
        var parts = new List<string>();
        for (int i = 0; i < _values.Length; i++)
        {
            var f = Descriptor.Fields[i];
            if (f.Kind == OptionFieldKind.Deprecated) continue;
            string v = _values[i] switch
            {
                null => "null",
                Array a => "[" + string.Join(",", a.Cast<object>()) + "]",
                var o => o.ToString()!,
            };
            parts.Add($"{f.Name}={v}");
        }

        return $"{Descriptor.Name}({string.Join(", ", parts)})";
    }

    private int Slot(string field)
    {
        int i = Descriptor.IndexOf(field);
        return i >= 0 ? i : throw new KeyNotFoundException($"{Descriptor.Name} has no field '{field}'.");
    }
}
