using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Optimization.Quantization.OperatorQuantizers;

/// <summary>
/// Ops whose int8 kernels rescale from each input's parameters to the output's (ADD, SUB, MUL, MEAN, SUM, the
/// ReLU family, HARD_SWISH, PRELU, SQUARED_DIFFERENCE, RSQRT, GELU): every float input (activation or constant)
/// in its own calibrated form, the output in its calibrated form. int16 ADD/SUB get pot_scale_int16 = false
/// (general scales; versions 3 and 5).
/// </summary>
internal sealed class ElementwiseQuantizer : OperatorQuantizer
{
    private static readonly Dictionary<BuiltinOperator, bool> Int16Kernel = new()
    {
        [BuiltinOperator.ADD] = true,
        [BuiltinOperator.SUB] = true,
        [BuiltinOperator.MUL] = true,
        [BuiltinOperator.MEAN] = true,
        [BuiltinOperator.SUM] = false,
        [BuiltinOperator.RELU] = true,
        [BuiltinOperator.RELU6] = true,
        [BuiltinOperator.RELU_N1_TO_1] = false,
        [BuiltinOperator.LEAKY_RELU] = true,
        [BuiltinOperator.HARD_SWISH] = false,
        [BuiltinOperator.PRELU] = false,
        [BuiltinOperator.SQUARED_DIFFERENCE] = false,
        [BuiltinOperator.RSQRT] = true,
        [BuiltinOperator.GELU] = false,
    };

    private readonly BuiltinOperator[] _operators = [.. Int16Kernel.Keys];

    public override IReadOnlyList<BuiltinOperator> Operators => _operators;

    public override bool HasInt16Kernel => true;

    public override string? CheckStatic(SubgraphQuantizer q, int op, ActivationType act)
    {
        if (act == ActivationType.Int16 && !Int16Kernel[q.OpCode(op)]) return $"no int16 {q.OpCode(op)} kernel in TFLite";
        var slots = FloatInputSlots(q, op).ToList();
        if (slots.Count == 0) return "it has no float inputs";
        if (!slots.Any(s => q.IsFloatActivation(q.Input(op, s)))) return "all its inputs are constant";
        return CheckRanges(q, op, slots, [0]);
    }

    public override void QuantizeStatic(SubgraphQuantizer q, int op, ActivationType act)
    {
        foreach (int s in FloatInputSlots(q, op).ToList()) q.RequireInput(op, s, q.InputForm(q.Input(op, s), act));
        if (act == ActivationType.Int16 && q.OpCode(op) is BuiltinOperator.ADD or BuiltinOperator.SUB && q.OptionsOf(op) is { } o)
            o["pot_scale_int16"] = false;
        q.SetOutput(op, 0, q.NaturalForm(q.Output(op, 0), act), adjustable: true);
        q.MarkQuantized(op);
    }
}
