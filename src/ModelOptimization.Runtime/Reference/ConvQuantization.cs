using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// Requantization factors of CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED, computed once in prepare as TFLite's
/// PopulateConvolutionQuantizationParams (per channel, in double) and GetQuantizedConvolutionMultipler
/// (per tensor, input·filter scale product in float).
/// </summary>
internal static class ConvQuantization
{
    /// <summary>Per-channel multipliers and shifts: input_scale · filter_scale[c] / output_scale in double.</summary>
    public static (int[] Multipliers, int[] Shifts) PerChannel(RuntimeTensor input, RuntimeTensor filter, RuntimeTensor output, int channels)
    {
        var scales = filter.Quantization?.Scale ?? [0f];
        var mult = new int[channels];
        var shift = new int[channels];
        for (int c = 0; c < channels; c++)
        {
            double filterScale = scales.Length > 1 ? scales[c] : scales[0];
            double effective = (double)input.Scale * filterScale / output.Scale;
            IntegerArithmetic.QuantizeMultiplier(effective, out mult[c], out shift[c]);
        }

        return (mult, shift);
    }

    /// <summary>Per-tensor multiplier: (double)(float)(input_scale · filter_scale) / output_scale.</summary>
    public static (int Multiplier, int Shift) PerTensor(RuntimeTensor input, RuntimeTensor filter, RuntimeTensor output)
    {
        float product = input.Scale * filter.Scale;
        double real = (double)product / output.Scale;
        IntegerArithmetic.QuantizeMultiplier(real, out int m, out int s);
        return (m, s);
    }

    /// <summary>Bias as int64 (int16x8 kernels accept int32 or int64 bias).</summary>
    public static long[] BiasAsInt64(RuntimeTensor? bias)
    {
        if (bias is null) return [];
        return bias.Type == TensorType.Int64 ? bias.Read<long>().ToArray() : bias.Read<int>().ToArray().Select(v => (long)v).ToArray();
    }

    /// <summary>True when the tensor's zero points are all 0.</summary>
    public static bool HasZeroZeroPoints(RuntimeTensor t) => t.Quantization?.ZeroPoint is not { } z || z.All(v => v == 0);
}
