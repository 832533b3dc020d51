using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Optimization.Quantization.OperatorQuantizers;

/// <summary>
/// EMBEDDING_LOOKUP (ids, table): hybrid with an int8 table (per row = version 4, per tensor = version 1) and
/// float output; with int8 activations the rows are copied as they are (output in the table's form).
/// </summary>
internal sealed class EmbeddingLookupQuantizer : OperatorQuantizer
{
    public override IReadOnlyList<BuiltinOperator> Operators => [BuiltinOperator.EMBEDDING_LOOKUP];

    public override string? CheckStatic(SubgraphQuantizer q, int op, ActivationType act)
    {
        if (act == ActivationType.Int16) return "no int16 EMBEDDING_LOOKUP kernel";
        if (CheckWeight(q, op, 1, 0) is { } w) return w;
        return CheckRanges(q, op, [], [0]);
    }

    public override void QuantizeStatic(SubgraphQuantizer q, int op, ActivationType act)
    {
        var form = q.NaturalForm(q.Input(op, 1), act);
        q.RequireInput(op, 1, form);
        q.SetOutput(op, 0, form);
        q.MarkQuantized(op);
    }

    public override string? CheckDynamic(SubgraphQuantizer q, int op) => CheckWeight(q, op, 1, q.Options.MinWeightElements);

    public override void QuantizeDynamic(SubgraphQuantizer q, int op, WeightGranularity granularity)
    {
        q.ReplaceWeight(op, 1, new WeightSpec(TensorType.Int8, granularity == WeightGranularity.PerTensor ? WeightGranularity.PerTensor : WeightGranularity.PerChannel, 0));
        q.MarkQuantized(op);
    }

    public override IEnumerable<(int Slot, int Axis)> WeightSlots(SubgraphQuantizer q, int op) => [(1, 0)];
}
