using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Optimization.Quantization.OperatorQuantizers;

/// <summary>
/// Ops whose int8 kernels need all data inputs at the output's scale (CONCATENATION, MAXIMUM, MINIMUM, PACK,
/// SELECT): the output gets its calibrated range; inputs in another form are requantized to it (or written in it
/// directly when their producer is free to choose), as TFLite's quantizer does.
/// </summary>
internal sealed class MultiInputSameScaleQuantizer : OperatorQuantizer
{
    public override IReadOnlyList<BuiltinOperator> Operators =>
    [
        BuiltinOperator.CONCATENATION, BuiltinOperator.MAXIMUM, BuiltinOperator.MINIMUM, BuiltinOperator.PACK,
        BuiltinOperator.SELECT, BuiltinOperator.SELECT_V2,
    ];

    public override bool HasInt16Kernel => true;

    private static IEnumerable<int> DataSlots(SubgraphQuantizer q, int op)
        => q.OpCode(op) is BuiltinOperator.SELECT or BuiltinOperator.SELECT_V2 ? [1, 2] : Enumerable.Range(0, q.Op(op).Inputs.Length);

    public override string? CheckStatic(SubgraphQuantizer q, int op, ActivationType act)
    {
        if (act == ActivationType.Int16 && q.OpCode(op) is BuiltinOperator.SELECT or BuiltinOperator.SELECT_V2) return $"no int16 {q.OpCode(op)} kernel in TFLite";
        return CheckRanges(q, op, DataSlots(q, op), [0]);
    }

    public override void QuantizeStatic(SubgraphQuantizer q, int op, ActivationType act)
    {
        var form = q.NaturalForm(q.Output(op, 0), act);
        foreach (int s in DataSlots(q, op)) q.RequireInput(op, s, form);
        q.SetOutput(op, 0, form);
        q.MarkQuantized(op);
    }
}
