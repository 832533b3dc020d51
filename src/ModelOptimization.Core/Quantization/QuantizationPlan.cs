using ModelOptimization.Core.Graph;

namespace ModelOptimization.Core.Quantization;

/// <summary>
/// The user's selective-quantization plan: an ordered list of rules; for each layer the last matching rule wins
/// (as in AI Edge Quantizer recipes); a layer no rule matches is quantized with the mode of the run.
/// </summary>
public sealed class QuantizationPlan
{
    public List<LayerRule> Rules { get; set; } = [];

    public LayerDecision Decide(LayerRef layer)
    {
        for (int i = Rules.Count - 1; i >= 0; i--)
        {
            var r = Rules[i];
            if (r.Matches(layer)) return new LayerDecision(r.Action == LayerRuleAction.Exclude, r.Mode, r);
        }

        return LayerDecision.Default;
    }

    public QuantizationPlan Clone() => new() { Rules = [.. Rules] };

    public override string ToString() => Rules.Count == 0 ? "no rules" : $"{Rules.Count} rule{(Rules.Count == 1 ? "" : "s")}";
}
