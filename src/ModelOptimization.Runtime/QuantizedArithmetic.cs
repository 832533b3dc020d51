namespace ModelOptimization.Runtime;

/// <summary>
/// Which TFLite integer arithmetic the quantized kernels reproduce bit for bit. TFLite computes some quantized ops
/// differently depending on who runs them: its built-in kernels (and TFLite Micro) requantize with gemmlowp's
/// fixed-point double rounding, while the XNNPACK delegate that LiteRT (and LiteRT.js) applies to 8-bit
/// CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED nodes requantizes in float (scale = s_in·s_w/s_out in float,
/// round half to even). The two differ by one step on a fraction of a percent of the values.
/// </summary>
public enum QuantizedArithmetic
{
    /// <summary>
    /// As LiteRT runs a model on CPU (LiteRT.js, the default interpreter with XNNPACK): nodes the XNNPACK delegate
    /// takes use its float requantization, all other nodes TFLite's built-in kernels.
    /// </summary>
    LiteRt,

    /// <summary>TFLite's built-in kernels only (gemmlowp fixed point), as TFLite without delegates and TFLite Micro compute.</summary>
    TfLiteBuiltin,
}
