namespace ModelOptimization.Core.Tflite;

/// <summary>
/// Weight layout of a FULLY_CONNECTED op (schema <c>tflite.FullyConnectedOptionsWeightsFormat</c>, a signed byte).
/// </summary>
public enum FullyConnectedWeightsFormat : sbyte
{
    DEFAULT = 0,
    SHUFFLED4x16INT8 = 1,
}
