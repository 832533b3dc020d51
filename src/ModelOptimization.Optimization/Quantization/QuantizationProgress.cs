namespace ModelOptimization.Optimization.Quantization;

/// <summary>Progress of a quantization or calibration run.</summary>
/// <param name="Activity">The stage, e.g. "Calibrating" or "Quantizing".</param>
/// <param name="Status">What is being done now, e.g. "sample 12 of 100".</param>
/// <param name="PercentComplete">0–100 for the stage; 100 means the stage finished.</param>
public sealed record QuantizationProgress(string Activity, string Status, int PercentComplete);
