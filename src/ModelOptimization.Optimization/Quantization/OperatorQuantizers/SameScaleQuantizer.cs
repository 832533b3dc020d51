using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Optimization.Quantization.OperatorQuantizers;

/// <summary>
/// Ops whose int8 kernels move values without rescaling (pooling, reshapes, slicing, padding, resizing, reduce
/// max/min, split): every output takes the data input's scale and zero point, as the TFLite spec requires.
/// </summary>
internal sealed class SameScaleQuantizer : OperatorQuantizer
{
    // op → (data input slot, TFLite has an int16 kernel)
    private static readonly Dictionary<BuiltinOperator, (int DataSlot, bool Int16)> Table = new()
    {
        [BuiltinOperator.AVERAGE_POOL_2D] = (0, true),
        [BuiltinOperator.MAX_POOL_2D] = (0, true),
        [BuiltinOperator.RESHAPE] = (0, true),
        [BuiltinOperator.SQUEEZE] = (0, true),
        [BuiltinOperator.EXPAND_DIMS] = (0, true),
        [BuiltinOperator.TRANSPOSE] = (0, true),
        [BuiltinOperator.STRIDED_SLICE] = (0, true),
        [BuiltinOperator.SLICE] = (0, true),
        [BuiltinOperator.PAD] = (0, true),
        [BuiltinOperator.PADV2] = (0, true),
        [BuiltinOperator.MIRROR_PAD] = (0, true),
        [BuiltinOperator.SPACE_TO_DEPTH] = (0, false),
        [BuiltinOperator.DEPTH_TO_SPACE] = (0, false),
        [BuiltinOperator.BATCH_TO_SPACE_ND] = (0, true),
        [BuiltinOperator.SPACE_TO_BATCH_ND] = (0, true),
        [BuiltinOperator.RESIZE_BILINEAR] = (0, true),
        [BuiltinOperator.RESIZE_NEAREST_NEIGHBOR] = (0, true),
        [BuiltinOperator.REDUCE_MAX] = (0, true),
        [BuiltinOperator.REDUCE_MIN] = (0, true),
        [BuiltinOperator.SPLIT] = (1, true),
        [BuiltinOperator.SPLIT_V] = (0, false),
        [BuiltinOperator.UNPACK] = (0, true),
        [BuiltinOperator.TILE] = (0, false),
        [BuiltinOperator.BROADCAST_TO] = (0, true),
        [BuiltinOperator.GATHER_ND] = (0, true),
        [BuiltinOperator.REVERSE_V2] = (0, false),
    };

    private readonly BuiltinOperator[] _operators = [.. Table.Keys];

    public override IReadOnlyList<BuiltinOperator> Operators => _operators;

    public override bool HasInt16Kernel => true;

    public override string? CheckStatic(SubgraphQuantizer q, int op, ActivationType act)
    {
        var (slot, int16) = Table[q.OpCode(op)];
        if (act == ActivationType.Int16 && !int16) return $"no int16 {q.OpCode(op)} kernel in TFLite";
        int data = q.Input(op, slot);
        if (data < 0) return "it has no data input";
        var slots = new List<int> { slot };
        if (q.OpCode(op) == BuiltinOperator.PADV2 && q.Input(op, 2) >= 0) slots.Add(2);
        return CheckRanges(q, op, slots, OutputSlots(q, op));
    }

    public override void QuantizeStatic(SubgraphQuantizer q, int op, ActivationType act)
    {
        int slot = Table[q.OpCode(op)].DataSlot;
        var form = q.InputForm(q.Input(op, slot), act);
        q.RequireInput(op, slot, form);
        if (q.OpCode(op) == BuiltinOperator.PADV2 && q.Input(op, 2) >= 0) q.RequireInput(op, 2, form);
        for (int o = 0; o < q.Op(op).Outputs.Length; o++) q.SetOutput(op, o, form);
        q.MarkQuantized(op);
    }
}
