namespace ModelOptimization.Core.Tflite;

/// <summary>
/// Activation fused into a TFLite op (schema <c>tflite.ActivationFunctionType</c>, stored as a signed byte).
/// </summary>
public enum ActivationFunctionType : sbyte
{
    NONE = 0,
    RELU = 1,
    RELU_N1_TO_1 = 2,
    RELU6 = 3,
    TANH = 4,
    SIGN_BIT = 5,
}
