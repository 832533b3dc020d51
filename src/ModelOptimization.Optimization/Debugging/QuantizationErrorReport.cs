namespace ModelOptimization.Optimization.Debugging;

/// <summary>What <see cref="QuantizationDebugger.Measure"/> found: one record per quantized layer and one per output.</summary>
public sealed class QuantizationErrorReport
{
    public QuantizationErrorReport(IReadOnlyList<LayerErrorRecord> layers, IReadOnlyList<OutputErrorSummary> outputs, int samples, ErrorMeasurementMode mode)
    {
        Layers = layers;
        Outputs = outputs;
        Samples = samples;
        Mode = mode;
    }

    /// <summary>Quantized layers in graph order of the reference model.</summary>
    public IReadOnlyList<LayerErrorRecord> Layers { get; }

    public IReadOnlyList<OutputErrorSummary> Outputs { get; }

    public int Samples { get; }

    public ErrorMeasurementMode Mode { get; }

    public override string ToString()
        => $"{Mode}: {Layers.Count} quantized layers over {Samples} samples" + (Outputs.Count > 0 ? $", output SQNR {Outputs[0].SqnrDb:F1} dB" : "");
}
