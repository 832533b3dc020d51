using ModelOptimization.Optimization.Quantization;

namespace ModelOptimization.Optimization.Debugging;

/// <summary>The result of <see cref="AccuracyAwareQuantizer.Quantize"/>: the final quantization and how it got there.</summary>
public sealed class AccuracyAwareResult
{
    public AccuracyAwareResult(QuantizationResult result, IReadOnlyList<AccuracyAwareStep> steps, double initialSqnrDb, double finalSqnrDb,
        double? floatAccuracy, double? initialAccuracy, double? finalAccuracy, IReadOnlyList<string> excludedLayers)
    {
        Result = result;
        Steps = steps;
        InitialSqnrDb = initialSqnrDb;
        FinalSqnrDb = finalSqnrDb;
        FloatAccuracy = floatAccuracy;
        InitialAccuracy = initialAccuracy;
        FinalAccuracy = finalAccuracy;
        ExcludedLayers = excludedLayers;
    }

    /// <summary>The final quantization; its model's plan holds the added exclusion rules.</summary>
    public QuantizationResult Result { get; }

    public IReadOnlyList<AccuracyAwareStep> Steps { get; }

    /// <summary>First-output SQNR (dB) of the plain quantization.</summary>
    public double InitialSqnrDb { get; }

    public double FinalSqnrDb { get; }

    /// <summary>Top-1 accuracy (%) of the float model on the validation labels, when measured.</summary>
    public double? FloatAccuracy { get; }

    public double? InitialAccuracy { get; }

    public double? FinalAccuracy { get; }

    /// <summary>Layers excluded by this run, in the order they were excluded.</summary>
    public IReadOnlyList<string> ExcludedLayers { get; }

    public override string ToString()
        => $"SQNR {InitialSqnrDb:F1} -> {FinalSqnrDb:F1} dB" + (FinalAccuracy is { } a ? $", accuracy {InitialAccuracy:F2} -> {a:F2} % (float {FloatAccuracy:F2} %)" : "")
           + $", {ExcludedLayers.Count} layer{(ExcludedLayers.Count == 1 ? "" : "s")} excluded";
}
