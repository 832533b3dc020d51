namespace ModelOptimization.Core.Tflite;

/// <summary>TFLite padding scheme (schema <c>tflite.Padding</c>, stored as a signed byte).</summary>
public enum Padding : sbyte
{
    SAME = 0,
    VALID = 1,
}
