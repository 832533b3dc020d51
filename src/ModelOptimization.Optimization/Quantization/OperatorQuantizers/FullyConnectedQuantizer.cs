using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Optimization.Quantization.OperatorQuantizers;

/// <summary>
/// FULLY_CONNECTED: weights [out, in] per output channel (axis 0). Hybrid ops quantize their input asymmetrically
/// (asymmetric_quantize_inputs; version 12 with per-channel weights, 9 per tensor). Weight-only may be blockwise.
/// </summary>
internal sealed class FullyConnectedQuantizer : WeightedOpQuantizer
{
    public override IReadOnlyList<BuiltinOperator> Operators => [BuiltinOperator.FULLY_CONNECTED];

    public override bool SupportsBlockwise => true;

    protected override int ChannelAxis(SubgraphQuantizer q, int op) => 0;

    public override string? CheckStatic(SubgraphQuantizer q, int op, ActivationType act)
    {
        if (q.Input(op, 1) is int w and >= 0 && q.Tensor(w).Shape.Length != 2) return "its weights are not two-dimensional";
        return base.CheckStatic(q, op, act);
    }

    protected override void OnDynamic(SubgraphQuantizer q, int op)
    {
        if (q.OptionsOf(op) is { } o) o["asymmetric_quantize_inputs"] = true;
    }
}
