namespace ModelOptimization.Runtime;

/// <summary>Time spent in one node over the invocations since profiling started (see <see cref="InterpreterOptions.EnableProfiling"/>).</summary>
public sealed record OperatorProfile(int SubgraphIndex, int OperatorIndex, string Operator, int Invocations, double TotalMs)
{
    public double MeanMs => Invocations == 0 ? 0 : TotalMs / Invocations;

    public override string ToString() => $"#{OperatorIndex} {Operator}: {MeanMs:F3} ms x {Invocations}";
}
