using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Optimization.Quantization.OperatorQuantizers;

/// <summary>CONV_2D: weights [out, h, w, in] per output channel (axis 0). Hybrid: version 5 per channel, 2 per tensor.</summary>
internal sealed class Conv2DQuantizer : WeightedOpQuantizer
{
    public override IReadOnlyList<BuiltinOperator> Operators => [BuiltinOperator.CONV_2D];

    protected override int ChannelAxis(SubgraphQuantizer q, int op) => 0;
}
