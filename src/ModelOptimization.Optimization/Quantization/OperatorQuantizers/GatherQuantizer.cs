using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Optimization.Quantization.OperatorQuantizers;

/// <summary>
/// GATHER (params, indices): the output keeps the params' scale (same-scale op). Dynamic range with a constant
/// table: int8 table (per tensor), GATHER on int8 (version 2), then a DEQUANTIZE of the gathered rows — exact,
/// since gathering commutes with per-tensor dequantization.
/// </summary>
internal sealed class GatherQuantizer : OperatorQuantizer
{
    public override IReadOnlyList<BuiltinOperator> Operators => [BuiltinOperator.GATHER];

    public override bool HasInt16Kernel => true;

    public override string? CheckStatic(SubgraphQuantizer q, int op, ActivationType act) => CheckRanges(q, op, [0], [0]);

    public override void QuantizeStatic(SubgraphQuantizer q, int op, ActivationType act)
    {
        var form = q.InputForm(q.Input(op, 0), act);
        q.RequireInput(op, 0, form);
        q.SetOutput(op, 0, form);
        q.MarkQuantized(op);
    }

    public override string? CheckDynamic(SubgraphQuantizer q, int op)
    {
        if (CheckWeight(q, op, 0, q.Options.MinWeightElements) is { } w) return "its table is not usable: " + w;
        int output = q.Output(op, 0);
        return output < 0 || q.Tensor(output).Type != TensorType.Float32 ? "its output is not float32" : null;
    }

    public override void QuantizeDynamic(SubgraphQuantizer q, int op, WeightGranularity granularity)
    {
        var w = q.ReplaceWeight(op, 0, new WeightSpec(TensorType.Int8, WeightGranularity.PerTensor, 0));
        int output = q.Output(op, 0);
        var o = q.Tensor(output);
        int gathered = q.AddTensor(new Tensor
        {
            Name = q.UniqueName(o.Name, "int8"),
            Type = TensorType.Int8,
            Shape = o.Shape.ToArray(),
            ShapeSignature = o.ShapeSignature?.ToArray(),
            HasRank = o.HasRank,
            Quantization = Core.Quantization.QuantizationParameters.PerTensor(w.Scales[0], 0),
        });
        q.Op(op).Outputs[0] = gathered;
        q.InsertAfter(op, q.NewOperator(BuiltinOperator.DEQUANTIZE, [gathered], [output]));
        q.MarkQuantized(op);
    }

    /// <summary>
    /// Weight-only tables get a scale per column (the last axis, the embedding width): a scale per row would cost
    /// a scale and an int64 zero point for each of possibly tens of thousands of rows.
    /// </summary>
    public override IEnumerable<(int Slot, int Axis)> WeightSlots(SubgraphQuantizer q, int op)
    {
        int t = q.Input(op, 0);
        return t < 0 ? [] : [(0, Math.Max(0, q.Tensor(t).Shape.Length - 1))];
    }
}
