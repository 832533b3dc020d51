namespace ModelOptimization.Optimization.Quantization;

/// <summary>What quantization did to one layer.</summary>
public enum LayerQuantizationDecision
{
    /// <summary>Its weights and/or activations are stored quantized.</summary>
    Quantized,

    /// <summary>It computes in float (excluded by the plan, or no quantized kernel) although the mode would quantize it.</summary>
    Float,

    /// <summary>The mode has nothing to do for it (e.g. no float weights in a weight-only mode, no float tensors).</summary>
    Unchanged,
}
