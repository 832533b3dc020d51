using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Optimization.Quantization.OperatorQuantizers;

/// <summary>
/// LSTM and UNIDIRECTIONAL_SEQUENCE_LSTM, dynamic range only (TFLite's hybrid LSTM kernels): every weight matrix
/// (inputs 1–8, projection 16) and peephole (9–11) becomes int8 symmetric per tensor (the hybrid kernels read one
/// scale per weight, whatever the granularity asked for), biases, layer-norm weights and states stay float, and the
/// op quantizes x and h per batch row asymmetrically (asymmetric_quantize_inputs; UNIDIRECTIONAL_SEQUENCE_LSTM
/// version 3, LSTM version 4). The hybrid kernel needs all weights int8, so either all are quantized or none.
/// </summary>
internal sealed class LstmQuantizer : OperatorQuantizer
{
    private static readonly int[] WeightInputs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16];

    public override IReadOnlyList<BuiltinOperator> Operators => [BuiltinOperator.LSTM, BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM];

    public override bool HasInt8Kernel => false;

    public override string? CheckDynamic(SubgraphQuantizer q, int op)
    {
        var o = q.Op(op);
        if (o.Inputs.Length < 20) return "it is not the full LSTM kernel (20 or 24 inputs)";
        if (q.OptionsOf(op) is { } options && options.Has("kernel_type") && options.GetInt32("kernel_type") != (int)LstmKernelType.FULL) return "the basic LSTM kernel has no hybrid form";
        int input = q.Input(op, 0);
        if (!q.IsFloatActivation(input)) return $"its input ('{q.Tensor(input).Name}') is not float32";
        foreach (int slot in WeightInputs)
        {
            int t = q.Input(op, slot);
            if (t < 0) continue;
            if (!q.IsFloatConstant(t)) return $"its weights ('{q.Tensor(t).Name}', input {slot}) are not a float32 constant";
        }

        // As TFLite's converter: small layers stay float (judged by the input-to-output matrix; all or none are quantized).
        return CheckWeight(q, op, 4, q.Options.MinWeightElements);
    }

    public override void QuantizeDynamic(SubgraphQuantizer q, int op, WeightGranularity granularity)
    {
        foreach (int slot in WeightInputs)
        {
            if (q.Input(op, slot) >= 0) q.ReplaceWeight(op, slot, new WeightSpec(TensorType.Int8, WeightGranularity.PerTensor, 0));
        }

        if (q.OptionsOf(op) is { } o) o["asymmetric_quantize_inputs"] = true;
        var code = q.OpCode(op);
        int version = code == BuiltinOperator.LSTM ? 4 : 3;
        if (q.Model.CodeOf(q.Op(op)).Version < version) q.Op(op).OpcodeIndex = q.Model.GetOrAddOperatorCode(code, version);
        q.MarkQuantized(op);
    }
}
