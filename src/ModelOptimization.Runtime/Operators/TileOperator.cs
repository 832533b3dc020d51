using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>TILE: repeats the input multiples[d] times along each dimension.</summary>
internal sealed class TileOperator : OperatorKernel
{
    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var multiples = ctx.Input(1);
        if (!ctx.HasValue(multiples))
        {
            ctx.SetOutputsDynamic();
            return;
        }

        var m = TensorValues.ReadInts(multiples);
        ctx.Require(m.Length == input.Rank && m.All(v => v >= 0), "multiples must have one non-negative value per dimension");
        ctx.SetOutputShape(0, input.Shape.Select((d, i) => d * m[i]).ToArray());
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        int rank = input.Rank;
        int elem = input.ElementSize;
        var inStrides = ShapeUtil.Strides(input.Shape);
        var idx = new int[rank];
        var src = input.Bytes;
        var dst = output.WritableBytes;
        int n = output.ElementCount;
        for (int o = 0; o < n; o++)
        {
            long s = 0;
            for (int d = 0; d < rank; d++) s += (idx[d] % input.Shape[d]) * (long)inStrides[d];
            TensorValues.CopyElements(src, s, dst, o, 1, elem);
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++idx[d] < output.Shape[d]) break;
                idx[d] = 0;
            }
        }
    }
}
