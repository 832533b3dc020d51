using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Optimization.Quantization.OperatorQuantizers;

/// <summary>DEPTHWISE_CONV_2D: weights [1, h, w, out] per output channel (axis 3). Hybrid: version 6 per channel, 4 per tensor.</summary>
internal sealed class DepthwiseConv2DQuantizer : WeightedOpQuantizer
{
    public override IReadOnlyList<BuiltinOperator> Operators => [BuiltinOperator.DEPTHWISE_CONV_2D];

    protected override int ChannelAxis(SubgraphQuantizer q, int op) => 3;

    protected override int? BiasCorrectionLayout(SubgraphQuantizer q, int op)
        => Math.Max(1, q.OptionsOf(op)?.GetInt32("depth_multiplier", 1) ?? 1);
}
