namespace ModelOptimization.Optimization.Debugging;

/// <summary>
/// The quantization error of one quantized layer: its output in the quantized model (dequantized to float with its
/// scale and zero point) against the same layer's output in the float model. Per sample, with f the float values,
/// q the dequantized values and n the element count: MSE = Σ(q−f)²/n; mean error = Σ(q−f)/n; standard deviation =
/// √(MSE − mean error²); SQNR = 10·log10(Σf² / Σ(q−f)²) dB, capped to ±200 dB (200 for exact agreement);
/// cosine similarity = Σfq / √(Σf²·Σq²) (1 when both are all zero, 0 when only one is). Each is averaged over the
/// samples; <see cref="MaxAbsError"/> is the largest |q−f| of any sample; <see cref="RmseOverScale"/> =
/// √(mean MSE) / output scale (NaN for a float output). Flat, for Export-Csv.
/// </summary>
public sealed record LayerErrorRecord
{
    /// <summary>Operator index in the float (reference) model, subgraph 0.</summary>
    public int LayerIndex { get; init; }

    /// <summary>The reference layer name (first output tensor name), as Set-LayerExclusion -Name takes it.</summary>
    public string LayerName { get; init; } = "";

    public string OpType { get; init; } = "";

    /// <summary>Operator index in the quantized model.</summary>
    public int QuantizedIndex { get; init; }

    /// <summary>"Accumulated" or "Isolated".</summary>
    public string Mode { get; init; } = "";

    /// <summary>Elements of the compared output tensor (one sample).</summary>
    public long NumElements { get; init; }

    public int Samples { get; init; }

    /// <summary>Mean of q − f (bias of the error), averaged over samples.</summary>
    public double MeanError { get; init; }

    /// <summary>Standard deviation of q − f within a sample, averaged over samples.</summary>
    public double StdDev { get; init; }

    /// <summary>Largest |q − f| over all samples.</summary>
    public double MaxAbsError { get; init; }

    public double MeanSquaredError { get; init; }

    /// <summary>√(mean MSE) / output scale; NaN when the layer's output is float. Above 0.7 the layer is suspicious.</summary>
    public double RmseOverScale { get; init; }

    /// <summary>Signal-to-quantization-noise ratio in dB (capped to ±200).</summary>
    public double SqnrDb { get; init; }

    public double CosineSimilarity { get; init; }

    /// <summary>Per-tensor scale of the quantized op's output, or null when it is float.</summary>
    public double? Scale { get; init; }

    public long? ZeroPoint { get; init; }

    /// <summary>Element type of the quantized op's output, e.g. int8 or float32.</summary>
    public string OutputType { get; init; } = "";

    /// <summary>The op's quantized constant weight: its scales over channels or blocks.</summary>
    public ScaleSummary? WeightScale { get; init; }

    public double[]? WeightScales { get; init; }

    public long[]? WeightZeroPoints { get; init; }

    public override string ToString() => $"{LayerIndex} {OpType} '{LayerName}': SQNR {SqnrDb:F1} dB, RMSE/scale {RmseOverScale:F3}";
}
