using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Optimization.Quantization.OperatorQuantizers;

/// <summary>
/// Ops that read quantized values and write non-float results: comparisons (bool), ARG_MAX/ARG_MIN (indices) and
/// SHAPE (which reads no values at all, so it takes whatever form its input has).
/// </summary>
internal sealed class ComparisonQuantizer : OperatorQuantizer
{
    private static readonly Dictionary<BuiltinOperator, bool> Int16Kernel = new()
    {
        [BuiltinOperator.EQUAL] = true,
        [BuiltinOperator.NOT_EQUAL] = false,
        [BuiltinOperator.LESS] = true,
        [BuiltinOperator.LESS_EQUAL] = false,
        [BuiltinOperator.GREATER] = false,
        [BuiltinOperator.GREATER_EQUAL] = true,
        [BuiltinOperator.ARG_MAX] = false,
        [BuiltinOperator.ARG_MIN] = false,
        [BuiltinOperator.SHAPE] = true,
    };

    private readonly BuiltinOperator[] _operators = [.. Int16Kernel.Keys];

    public override IReadOnlyList<BuiltinOperator> Operators => _operators;

    public override bool HasInt16Kernel => true;

    public override string? CheckStatic(SubgraphQuantizer q, int op, ActivationType act)
    {
        if (act == ActivationType.Int16 && !Int16Kernel[q.OpCode(op)]) return $"no int16 {q.OpCode(op)} kernel in TFLite";
        if (q.OpCode(op) == BuiltinOperator.SHAPE) return null;
        int[] slots = q.OpCode(op) is BuiltinOperator.ARG_MAX or BuiltinOperator.ARG_MIN ? [0] : [0, 1];
        return CheckRanges(q, op, slots, []);
    }

    public override void QuantizeStatic(SubgraphQuantizer q, int op, ActivationType act)
    {
        if (q.OpCode(op) == BuiltinOperator.SHAPE)
        {
            int t = q.Input(op, 0);
            if (q.IsFloatActivation(t)) q.RequireInput(op, 0, q.ProducedForm(t));
            q.MarkQuantized(op);
            return;
        }

        int[] slots = q.OpCode(op) is BuiltinOperator.ARG_MAX or BuiltinOperator.ARG_MIN ? [0] : [0, 1];
        foreach (int s in slots) q.RequireInput(op, s, q.InputForm(q.Input(op, s), act));
        q.MarkQuantized(op);
    }
}
