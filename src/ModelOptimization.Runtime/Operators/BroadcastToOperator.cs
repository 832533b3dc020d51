using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>BROADCAST_TO (any element type): the input broadcast (NumPy rules, right-aligned) to the shape tensor.</summary>
internal sealed class BroadcastToOperator : OperatorKernel
{
    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var shapeT = ctx.Input(1);
        if (!ctx.HasValue(shapeT))
        {
            ctx.SetOutputsDynamic();
            return;
        }

        var shape = TensorValues.ReadInts(shapeT);
        ctx.Require(shape.Length >= input.Rank && shape.Length <= 8, "the target shape must have at least the input's rank (and at most 8)");
        for (int i = 0; i < input.Rank; i++)
        {
            int d = input.Shape[input.Rank - 1 - i], t = shape[shape.Length - 1 - i];
            ctx.Require(d == t || d == 1, $"input shape {ShapeUtil.Format(input.Shape)} does not broadcast to {ShapeUtil.Format(shape)}");
        }

        ctx.SetOutputShape(0, shape);
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        int rank = output.Rank;
        var strides = ShapeUtil.BroadcastStrides(input.Shape, rank);
        var idx = new int[rank];
        int elem = input.ElementSize;
        var src = input.Bytes;
        var dst = output.WritableBytes;
        int n = output.ElementCount;
        for (int o = 0; o < n; o++)
        {
            long s = 0;
            for (int d = 0; d < rank; d++) s += (long)idx[d] * strides[d];
            TensorValues.CopyElements(src, s, dst, o, 1, elem);
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++idx[d] < output.Shape[d]) break;
                idx[d] = 0;
            }
        }
    }
}
