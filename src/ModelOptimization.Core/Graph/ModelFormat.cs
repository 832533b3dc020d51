namespace ModelOptimization.Core.Graph;

/// <summary>The on-disk format a model was read from or will be written to.</summary>
public enum ModelFormat
{
    Tflite,
    SavedModel,
}
