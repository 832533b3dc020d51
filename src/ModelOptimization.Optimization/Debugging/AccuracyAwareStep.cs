namespace ModelOptimization.Optimization.Debugging;

/// <summary>
/// One exclusion accuracy-aware quantization made: the layer, why it was picked (its isolated error) and the output
/// metric before and after (SQNR in dB, or top-1 accuracy in % when an accuracy target is set).
/// </summary>
public sealed record AccuracyAwareStep(int Step, string LayerName, int LayerIndex, string OpType, string Reason, double MetricBefore, double MetricAfter)
{
    public override string ToString() => $"{Step}: exclude {OpType} '{LayerName}' ({Reason}): {MetricBefore:F2} -> {MetricAfter:F2}";
}
