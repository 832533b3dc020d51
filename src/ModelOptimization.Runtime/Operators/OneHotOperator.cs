using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// ONE_HOT: indices (int32/int64), depth, on_value, off_value (any type) → a new axis of size depth (option axis,
/// −1 = last) holding on_value where the index matches and off_value elsewhere (out-of-range indices give all off).
/// </summary>
internal sealed class OneHotOperator : OperatorKernel
{
    private int _axis;

    public override void Prepare(KernelContext ctx)
    {
        var indices = ctx.Input(0);
        var depth = ctx.Input(1);
        ctx.Require(indices.Type is TensorType.Int32 or TensorType.Int64, "indices must be int32 or int64");
        ctx.Require(ctx.Input(2).Type == ctx.Output(0).Type && ctx.Input(3).Type == ctx.Output(0).Type, "on_value, off_value and output must share a type");
        int axis = ctx.GetInt("axis", -1);
        _axis = axis < 0 ? indices.Rank : axis;
        ctx.Require(_axis <= indices.Rank, "axis out of range");
        if (!ctx.HasValue(depth))
        {
            ctx.SetOutputsDynamic();
            return;
        }

        int d = TensorValues.ReadInts(depth)[0];
        ctx.Require(d >= 0, "depth must be non-negative");
        var shape = indices.Shape.ToList();
        shape.Insert(_axis, d);
        ctx.SetOutputShape(0, shape.ToArray());
    }

    public override void Eval(KernelContext ctx)
    {
        var indices = ctx.Input(0);
        var output = ctx.Output(0);
        int depth = output.Shape[_axis];
        int outer = ShapeUtil.Product(indices.Shape, 0, _axis), inner = ShapeUtil.Product(indices.Shape, _axis, indices.Rank);
        int elem = output.ElementSize;
        var on = ctx.Input(2).Bytes;
        var off = ctx.Input(3).Bytes;
        var dst = output.WritableBytes;
        for (int o = 0; o < outer; o++)
        {
            for (int d = 0; d < depth; d++)
            {
                for (int i = 0; i < inner; i++)
                {
                    long index = indices.Type == TensorType.Int64 ? indices.Read<long>()[o * inner + i] : indices.Read<int>()[o * inner + i];
                    TensorValues.CopyElements(index == d ? on : off, 0, dst, ((long)o * depth + d) * inner + i, 1, elem);
                }
            }
        }
    }
}
