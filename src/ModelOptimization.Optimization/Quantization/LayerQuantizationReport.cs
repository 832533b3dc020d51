namespace ModelOptimization.Optimization.Quantization;

/// <summary>What quantization did to one layer (operator of the input model), and why.</summary>
public sealed record LayerQuantizationReport
{
    public int Subgraph { get; init; }

    /// <summary>The operator's index in the input model.</summary>
    public int Index { get; init; }

    /// <summary>The layer name (its first output tensor's name).</summary>
    public string Name { get; init; } = "";

    public string OpType { get; init; } = "";

    public LayerQuantizationDecision Decision { get; init; }

    /// <summary>The mode the layer was quantized with (may differ from the run's mode by a plan rule), or null.</summary>
    public QuantizationMode? Mode { get; init; }

    /// <summary>Why: what was done, the rule that excluded it, or what is missing for it.</summary>
    public string Reason { get; init; } = "";

    /// <summary>Warnings for this layer (e.g. OperatorNotQuantizable).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public override string ToString() => $"{Index} {OpType} '{Name}': {Decision}{(Mode is null ? "" : $" ({Mode})")} — {Reason}";
}
