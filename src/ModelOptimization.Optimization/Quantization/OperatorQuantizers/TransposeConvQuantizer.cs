using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Optimization.Quantization.OperatorQuantizers;

/// <summary>
/// TRANSPOSE_CONV: inputs (output_shape, weights [out, h, w, in], activation, bias?); weights per output channel
/// (axis 0).
/// </summary>
internal sealed class TransposeConvQuantizer : WeightedOpQuantizer
{
    public override IReadOnlyList<BuiltinOperator> Operators => [BuiltinOperator.TRANSPOSE_CONV];

    protected override int InputSlot => 2;

    protected override int BiasSlot => 3;

    protected override int ChannelAxis(SubgraphQuantizer q, int op) => 0;

    protected override int? BiasCorrectionLayout(SubgraphQuantizer q, int op) => null;
}
