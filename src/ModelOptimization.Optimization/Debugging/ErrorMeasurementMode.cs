namespace ModelOptimization.Optimization.Debugging;

/// <summary>How <see cref="QuantizationDebugger.Measure"/> feeds each quantized layer.</summary>
public enum ErrorMeasurementMode
{
    /// <summary>Both models run end to end; a layer's error includes the error of every layer before it.</summary>
    Accumulated,

    /// <summary>Each quantized layer runs alone on the float model's inputs to that layer: its own error only.</summary>
    Isolated,
}
