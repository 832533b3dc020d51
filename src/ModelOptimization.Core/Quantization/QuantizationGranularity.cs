namespace ModelOptimization.Core.Quantization;

/// <summary>How a tensor's quantization parameters are laid out.</summary>
public enum QuantizationGranularity
{
    /// <summary>Not quantized (no scale).</summary>
    None,

    /// <summary>One scale and zero point for the whole tensor.</summary>
    PerTensor,

    /// <summary>One scale per slice along <see cref="QuantizationParameters.QuantizedDimension"/>.</summary>
    PerChannel,

    /// <summary>Scales per block of elements (<see cref="BlockwiseQuantization"/> or <see cref="MultiAxisQuantization"/>).</summary>
    Blockwise,

    /// <summary>Opaque <see cref="CustomQuantization"/>.</summary>
    Custom,

    /// <summary>Only min/max recorded (e.g. from training), no scale.</summary>
    MinMaxOnly,
}
