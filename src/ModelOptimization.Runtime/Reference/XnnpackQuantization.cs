using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// The parameters LiteRT's XNNPACK delegate gives its 8-bit operators, and the conditions under which it takes a
/// node (otherwise TFLite's built-in kernel runs it).
/// </summary>
internal static class XnnpackQuantization
{
    /// <summary>
    /// Per-channel float requantization scales s_in · s_w[c] / s_out (float arithmetic), or null when XNNPACK would
    /// not take the node (non-constant filter or bias, no bias, a scale ≥ 256, per-axis input/output).
    /// </summary>
    public static float[]? ConvolutionScales(RuntimeTensor input, RuntimeTensor filter, RuntimeTensor? bias, RuntimeTensor output, int channels,
        int quantizedDimension, bool biasRequired = true)
    {
        if ((bias is null && biasRequired) || (bias is not null && !bias.IsConstantValue) || !filter.IsConstantValue) return null;
        if (input.Quantization?.Scale is not { Length: 1 } || output.Quantization?.Scale is not { Length: 1 }) return null;
        var scales = filter.Quantization?.Scale;
        if (scales is null || scales.Length == 0) return null;
        if (scales.Length > 1 && (scales.Length != channels || filter.Quantization!.QuantizedDimension != quantizedDimension)) return null;
        var r = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            r[c] = input.Scale * scales[scales.Length > 1 ? c : 0] / output.Scale;
            if (!(r[c] < 256f) || r[c] <= 0) return null;
        }

        return r;
    }

    /// <summary>The clamp of a fused activation in the output's domain, as XNNPACK's xnn_qs8/qu8_quantize computes it.</summary>
    public static (int Min, int Max) ActivationRange(ActivationFunctionType activation, RuntimeTensor output)
    {
        var (fmin, fmax) = activation switch
        {
            ActivationFunctionType.RELU => (0f, float.PositiveInfinity),
            ActivationFunctionType.RELU6 => (0f, 6f),
            ActivationFunctionType.RELU_N1_TO_1 => (-1f, 1f),
            _ => (float.NegativeInfinity, float.PositiveInfinity),
        };
        var (qmin, qmax) = IntegerArithmetic.Range(output.Type);
        int Q(float v) => (int)MathF.Round(Math.Min(Math.Max(v / output.Scale + output.ZeroPoint, qmin), qmax));
        return (Q(fmin), Q(fmax));
    }
}
