using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Optimization.Quantization.OperatorQuantizers;

/// <summary>
/// BATCH_MATMUL with a constant right-hand side: int8 per-tensor weights (TFLite's int8 and hybrid kernels take
/// one scale). Hybrid ops quantize the left-hand side asymmetrically (version 4). A computed right-hand side stays float.
/// </summary>
internal sealed class BatchMatMulQuantizer : OperatorQuantizer
{
    public override IReadOnlyList<BuiltinOperator> Operators => [BuiltinOperator.BATCH_MATMUL];

    public override string? CheckStatic(SubgraphQuantizer q, int op, ActivationType act)
    {
        if (act == ActivationType.Int16) return "TFLite's int16 BATCH_MATMUL needs int16 weights";
        int lhs = q.Input(op, 0);
        if (lhs < 0 || !q.IsFloatActivation(lhs)) return "its left-hand side is not a float32 activation";
        if (CheckWeight(q, op, 1, 0) is { } w) return "the right-hand side is not constant: " + w;
        return CheckRanges(q, op, [0], [0]);
    }

    public override void QuantizeStatic(SubgraphQuantizer q, int op, ActivationType act)
    {
        var form = q.InputForm(q.Input(op, 0), act);
        q.ReplaceWeight(op, 1, new WeightSpec(TensorType.Int8, WeightGranularity.PerTensor, 0));
        q.RequireInput(op, 0, form);
        q.SetOutput(op, 0, q.NaturalForm(q.Output(op, 0), act), adjustable: true);
        q.MarkQuantized(op);
    }

    public override string? CheckDynamic(SubgraphQuantizer q, int op)
    {
        int lhs = q.Input(op, 0);
        if (lhs < 0 || !q.IsFloatActivation(lhs)) return "its left-hand side is not a float32 activation";
        return CheckWeight(q, op, 1, q.Options.MinWeightElements) is { } w ? "the right-hand side is not usable: " + w : null;
    }

    public override void QuantizeDynamic(SubgraphQuantizer q, int op, WeightGranularity granularity)
    {
        q.ReplaceWeight(op, 1, new WeightSpec(TensorType.Int8, WeightGranularity.PerTensor, 0));
        if (q.OptionsOf(op) is { } o) o["asymmetric_quantize_inputs"] = true;
        q.MarkQuantized(op);
    }

    public override IEnumerable<(int Slot, int Axis)> WeightSlots(SubgraphQuantizer q, int op)
    {
        int rhs = q.Input(op, 1);
        if (rhs < 0 || !q.IsFloatConstant(rhs)) return [];
        int rank = q.Tensor(rhs).Shape.Length;
        bool adjY = q.OptionsOf(op)?.GetBoolean("adj_y") ?? false;
        return [(1, Math.Max(0, adjY ? rank - 2 : rank - 1))];
    }
}
