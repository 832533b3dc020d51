namespace ModelOptimization.Core.Tflite;

/// <summary>
/// Encoding of <c>Operator.custom_options</c> (schema <c>tflite.CustomOptionsFormat</c>, stored as a signed byte).
/// </summary>
public enum CustomOptionsFormat : sbyte
{
    FLEXBUFFERS = 0,
}
