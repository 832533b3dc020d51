namespace ModelOptimization.Optimization.Quantization;

/// <summary>How float weights become integers once their scales are fixed.</summary>
public enum WeightRounding
{
    /// <summary>Each weight to the nearest level (as the TFLite converter and AI Edge Quantizer do).</summary>
    Nearest,

    /// <summary>
    /// GPTQ / Optimal Brain Quantization (Frantar et al.): each output channel's weights are rounded one input column
    /// at a time and the rounding error is spread over the columns not yet rounded, weighted by the inverse of the
    /// layer input's Hessian Σ xᵀx from calibration, so the layer output on calibration-like inputs changes least.
    /// Scales stay those of <see cref="Nearest"/>. Needs calibration data.
    /// </summary>
    Adaptive,
}
