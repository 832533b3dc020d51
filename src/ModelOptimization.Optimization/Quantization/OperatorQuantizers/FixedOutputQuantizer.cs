using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Optimization.Quantization.OperatorQuantizers;

/// <summary>
/// Ops whose quantized output range is fixed by the spec: LOGISTIC and SOFTMAX (1/256, −128; int16 1/32768, 0),
/// TANH (1/128, 0; int16 1/32768, 0), LOG_SOFTMAX (16/256, 127) and L2_NORMALIZATION (1/128, 0), the last two int8 only.
/// </summary>
internal sealed class FixedOutputQuantizer : OperatorQuantizer
{
    public override IReadOnlyList<BuiltinOperator> Operators =>
    [
        BuiltinOperator.LOGISTIC, BuiltinOperator.SOFTMAX, BuiltinOperator.TANH, BuiltinOperator.LOG_SOFTMAX,
        BuiltinOperator.L2_NORMALIZATION,
    ];

    public override bool HasInt16Kernel => true;

    public override string? CheckStatic(SubgraphQuantizer q, int op, ActivationType act)
    {
        if (act == ActivationType.Int16 && q.OpCode(op) is BuiltinOperator.LOG_SOFTMAX or BuiltinOperator.L2_NORMALIZATION)
            return $"no int16 {q.OpCode(op)} kernel in TFLite";
        int input = q.Input(op, 0), output = q.Output(op, 0);
        if (input < 0 || !q.IsFloatActivation(input)) return "its input is not a float32 activation";
        if (output < 0 || !q.IsFloatActivation(output)) return "its output is not float32";
        return CheckRanges(q, op, [0], []);
    }

    public override void QuantizeStatic(SubgraphQuantizer q, int op, ActivationType act)
    {
        q.RequireInput(op, 0, q.InputForm(q.Input(op, 0), act));
        var code = q.OpCode(op);
        var form = act == ActivationType.Int16
            ? SubgraphQuantizer.FixedForm(act, 1f / 32768f, 0)
            : code switch
            {
                BuiltinOperator.LOGISTIC or BuiltinOperator.SOFTMAX => SubgraphQuantizer.FixedForm(act, 1f / 256f, -128),
                BuiltinOperator.TANH or BuiltinOperator.L2_NORMALIZATION => SubgraphQuantizer.FixedForm(act, 1f / 128f, 0),
                _ => SubgraphQuantizer.FixedForm(act, 16f / 256f, 127),
            };
        q.SetOutput(op, 0, form);
        q.MarkQuantized(op);
    }
}
