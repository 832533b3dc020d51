namespace ModelOptimization.Optimization.Debugging;

/// <summary>
/// The error of one model output (same definitions as <see cref="LayerErrorRecord"/>), plus, for probabilities,
/// the mean Kullback–Leibler divergence KL(float ‖ quantized) = Σ p·ln(p / max(q, 1e-12)) per row of the last axis
/// (averaged over rows and samples), and the share of rows whose argmax agrees.
/// </summary>
public sealed record OutputErrorSummary
{
    public int OutputIndex { get; init; }

    public string OutputName { get; init; } = "";

    public int Samples { get; init; }

    public double SqnrDb { get; init; }

    public double CosineSimilarity { get; init; }

    public double MeanSquaredError { get; init; }

    public double MaxAbsError { get; init; }

    /// <summary>Set when the float output comes from SOFTMAX or its rows are non-negative and sum to 1.</summary>
    public double? KlDivergence { get; init; }

    /// <summary>Share (0..1) of positions whose argmax over the last axis agrees (null when the last axis has one element).</summary>
    public double? Top1Agreement { get; init; }

    public override string ToString() => $"output {OutputIndex} '{OutputName}': SQNR {SqnrDb:F1} dB" + (Top1Agreement is { } t ? $", top-1 agreement {t:P1}" : "");
}
