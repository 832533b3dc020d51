namespace ModelOptimization.Core.Tflite;

/// <summary>
/// How EMBEDDING_LOOKUP_SPARSE combines rows (schema <c>tflite.CombinerType</c>, stored as a signed byte).
/// </summary>
public enum CombinerType : sbyte
{
    SUM = 0,
    MEAN = 1,
    SQRTN = 2,
}
