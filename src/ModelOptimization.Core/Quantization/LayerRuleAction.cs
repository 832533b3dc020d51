namespace ModelOptimization.Core.Quantization;

/// <summary>What a plan rule does to the layers it matches.</summary>
public enum LayerRuleAction
{
    /// <summary>Keep the layer in float.</summary>
    Exclude,

    /// <summary>Quantize the layer (undo an earlier, broader exclusion), optionally with its own mode.</summary>
    Include,
}
