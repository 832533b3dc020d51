using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Core.Graph;

/// <summary>An entry of the model's operator-code table: a builtin op (with version) or a custom op name.</summary>
public sealed class OperatorCode
{
    /// <summary>The byte-wide legacy code: min(code, 127) (127 = PLACEHOLDER_FOR_GREATER_OP_CODES).</summary>
    public sbyte DeprecatedBuiltinCode { get; set; }

    public string? CustomCode { get; set; }

    public int Version { get; set; } = 1;

    /// <summary>The extended builtin code (schema 3a).</summary>
    public BuiltinOperator BuiltinCode { get; set; }

    /// <summary>The effective op: the larger of the two codes, as TFLite's GetBuiltinCode does.</summary>
    public BuiltinOperator Op => (BuiltinOperator)Math.Max((int)BuiltinCode, DeprecatedBuiltinCode);

    /// <summary>The op name: the builtin name, or the custom code for CUSTOM ops.</summary>
    public string Name => Op == BuiltinOperator.CUSTOM ? CustomCode ?? "CUSTOM" : Op.ToString();

    /// <summary>A code for a builtin op, with both code fields set as current converters write them.</summary>
    public static OperatorCode ForBuiltin(BuiltinOperator op, int version = 1) => new()
    {
        BuiltinCode = op,
        DeprecatedBuiltinCode = (sbyte)Math.Min((int)op, 127),
        Version = version,
    };

    public OperatorCode Clone() => (OperatorCode)MemberwiseClone();

    public override string ToString() => $"{Name} v{Version}";
}
