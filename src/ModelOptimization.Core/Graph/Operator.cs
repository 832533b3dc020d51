using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Core.Graph;

/// <summary>One operator of a subgraph (TFLite <c>Operator</c>). Optional inputs are -1.</summary>
public sealed class Operator
{
    public uint OpcodeIndex { get; set; }

    public int[] Inputs { get; set; } = [];

    public int[] Outputs { get; set; } = [];

    /// <summary>The <c>builtin_options</c> table, or null.</summary>
    public OperatorOptions? BuiltinOptions { get; set; }

    /// <summary>The <c>builtin_options_2</c> table (StableHLO ops), or null.</summary>
    public OperatorOptions? BuiltinOptions2 { get; set; }

    /// <summary>Raw custom options (usually FlexBuffers), kept as they are; null when absent.</summary>
    public ReadOnlyMemory<byte>? CustomOptions { get; set; }

    public CustomOptionsFormat CustomOptionsFormat { get; set; }

    public bool[]? MutatingVariableInputs { get; set; }

    public int[]? Intermediates { get; set; }

    /// <summary>Where a large model stored custom options outside the FlatBuffer (valid if &gt; 1).</summary>
    [Layout]
    public ulong LargeCustomOptionsOffset { get; set; }

    [Layout]
    public ulong LargeCustomOptionsSize { get; set; }

    public int DebugMetadataIndex { get; set; } = -1;

    public Operator Clone() => new()
    {
        OpcodeIndex = OpcodeIndex,
        Inputs = Inputs.ToArray(),
        Outputs = Outputs.ToArray(),
        BuiltinOptions = BuiltinOptions?.Clone(),
        BuiltinOptions2 = BuiltinOptions2?.Clone(),
        CustomOptions = CustomOptions,
        CustomOptionsFormat = CustomOptionsFormat,
        MutatingVariableInputs = MutatingVariableInputs?.ToArray(),
        Intermediates = Intermediates?.ToArray(),
        LargeCustomOptionsOffset = LargeCustomOptionsOffset,
        LargeCustomOptionsSize = LargeCustomOptionsSize,
        DebugMetadataIndex = DebugMetadataIndex,
    };
}
