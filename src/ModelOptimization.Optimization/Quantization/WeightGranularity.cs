namespace ModelOptimization.Optimization.Quantization;

/// <summary>How weight scales are laid out.</summary>
public enum WeightGranularity
{
    /// <summary>One scale per output channel (TFLite's default for convolutions).</summary>
    PerChannel,

    /// <summary>One scale for the whole weight tensor.</summary>
    PerTensor,

    /// <summary>
    /// One scale per block of <see cref="QuantizationOptions.BlockSize"/> consecutive input elements of each output
    /// channel (TFLite <c>BlockwiseQuantization</c>, FLOAT16 scale tensor), as AI Edge Quantizer writes it.
    /// </summary>
    Blockwise,
}
