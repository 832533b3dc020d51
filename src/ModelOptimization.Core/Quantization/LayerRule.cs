using System.Text.RegularExpressions;
using ModelOptimization.Core.Graph;

namespace ModelOptimization.Core.Quantization;

/// <summary>
/// One rule of a quantization plan: which layers it matches (by wildcard name, regular expression, op type or
/// index — all given criteria must hold) and what it does to them. Immutable.
/// </summary>
public sealed record LayerRule
{
    /// <summary>Wildcard patterns (<c>*</c>, <c>?</c>) on the layer name; any may match.</summary>
    public IReadOnlyList<string>? Name { get; init; }

    /// <summary>A regular expression searched in the layer name (AI Edge Quantizer's <c>regex</c>).</summary>
    public string? Pattern { get; init; }

    /// <summary>Op types (e.g. SOFTMAX), case-insensitive; any may match.</summary>
    public IReadOnlyList<string>? OpType { get; init; }

    /// <summary>Operator indices; any may match.</summary>
    public IReadOnlyList<int>? Index { get; init; }

    /// <summary>The subgraph the indices refer to (null: every subgraph).</summary>
    public int? Subgraph { get; init; }

    public LayerRuleAction Action { get; init; } = LayerRuleAction.Exclude;

    /// <summary>For <see cref="LayerRuleAction.Include"/>: a mode for these layers only (e.g. <c>Int16x8</c>).</summary>
    public string? Mode { get; init; }

    /// <summary>Why the rule exists, shown beside each decision it makes.</summary>
    public string? Reason { get; init; }

    /// <summary>True when every criterion the rule has holds for the layer.</summary>
    public bool Matches(LayerRef layer)
    {
        if (Subgraph is int s && s != layer.Subgraph) return false;
        if (Name is { Count: > 0 } && !Name.Any(n => Wildcard.IsMatch(layer.Name, n))) return false;
        if (Pattern is not null && !Regex.IsMatch(layer.Name, Pattern, RegexOptions.CultureInvariant)) return false;
        if (OpType is { Count: > 0 } && !OpType.Any(t => string.Equals(t, layer.OpType, StringComparison.OrdinalIgnoreCase))) return false;
        if (Index is { Count: > 0 } && !Index.Contains(layer.Index)) return false;
        return true;
    }

    public override string ToString()
    {
        var parts = new List<string>();
        if (Name is { Count: > 0 }) parts.Add("Name " + string.Join(",", Name));
        if (Pattern is not null) parts.Add("Pattern " + Pattern);
        if (OpType is { Count: > 0 }) parts.Add("OpType " + string.Join(",", OpType));
        if (Index is { Count: > 0 }) parts.Add("Index " + string.Join(",", Index));
        string what = parts.Count == 0 ? "all layers" : string.Join("; ", parts);
        return $"{Action} {what}{(Mode is null ? "" : " as " + Mode)}{(Reason is null ? "" : $" ({Reason})")}";
    }
}
