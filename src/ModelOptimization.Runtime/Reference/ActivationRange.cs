using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Reference;

/// <summary>The clamp range of a fused activation, in float and in the output's quantized domain (TFLite's rules).</summary>
internal static class ActivationRange
{
    /// <summary>CalculateActivationRange for float outputs.</summary>
    public static (float Min, float Max) Float(ActivationFunctionType activation) => activation switch
    {
        ActivationFunctionType.RELU => (0f, float.MaxValue),
        ActivationFunctionType.RELU6 => (0f, 6f),
        ActivationFunctionType.RELU_N1_TO_1 => (-1f, 1f),
        _ => (float.MinValue, float.MaxValue),
    };

    /// <summary>CalculateActivationRange for int32/int64 outputs.</summary>
    public static (long Min, long Max) Integer(ActivationFunctionType activation) => activation switch
    {
        ActivationFunctionType.RELU => (0, long.MaxValue),
        ActivationFunctionType.RELU6 => (0, 6),
        ActivationFunctionType.RELU_N1_TO_1 => (-1, 1),
        _ => (long.MinValue, long.MaxValue),
    };

    /// <summary>True when the activation can be fused by a clamp (TANH/SIGN_BIT cannot).</summary>
    public static bool IsClamp(ActivationFunctionType activation) => activation is ActivationFunctionType.NONE
        or ActivationFunctionType.RELU or ActivationFunctionType.RELU6 or ActivationFunctionType.RELU_N1_TO_1;

    /// <summary>CalculateActivationRangeQuantized: the clamp in the output's integer domain.</summary>
    public static (int Min, int Max) Quantized(ActivationFunctionType activation, RuntimeTensor output)
        => Quantized(activation, output.Type, output.Scale, output.ZeroPoint);

    public static (int Min, int Max) Quantized(ActivationFunctionType activation, TensorType type, float scale, int zeroPoint)
    {
        var (qmin, qmax) = IntegerArithmetic.Range(type);
        int Q(float f) => zeroPoint + (int)IntegerArithmetic.Round(f / scale);
        return activation switch
        {
            ActivationFunctionType.RELU => (Math.Max(qmin, Q(0f)), qmax),
            ActivationFunctionType.RELU6 => (Math.Max(qmin, Q(0f)), Math.Min(qmax, Q(6f))),
            ActivationFunctionType.RELU_N1_TO_1 => (Math.Max(qmin, Q(-1f)), Math.Min(qmax, Q(1f))),
            _ => (qmin, qmax),
        };
    }
}
