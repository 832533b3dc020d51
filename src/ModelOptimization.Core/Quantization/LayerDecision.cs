namespace ModelOptimization.Core.Quantization;

/// <summary>What the plan decided for one layer, and the rule that decided it (null: the default).</summary>
public sealed record LayerDecision(bool Excluded, string? Mode, LayerRule? Rule)
{
    public static readonly LayerDecision Default = new(false, null, null);

    public override string ToString() => Excluded ? "Float" : Mode ?? "Quantize";
}
