namespace ModelOptimization.Optimization.Debugging;

/// <summary>The spread of a weight's scales over its channels (or blocks).</summary>
public sealed record ScaleSummary(double Min, double Median, double Max, int Count)
{
    public override string ToString() => Count == 1 ? $"{Min:G4}" : $"{Min:G4}..{Max:G4} (median {Median:G4}, {Count})";
}
