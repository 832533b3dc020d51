namespace ModelOptimization.Core.Graph;

/// <summary>The nested type of a VARIANT tensor (TFLite <c>VariantSubType</c>).</summary>
public sealed class VariantSubType
{
    public int[]? Shape { get; set; }

    public TensorType Type { get; set; }

    public bool HasRank { get; set; }

    public VariantSubType Clone() => new() { Shape = Shape?.ToArray(), Type = Type, HasRank = HasRank };
}
