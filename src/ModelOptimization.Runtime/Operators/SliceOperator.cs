using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>SLICE: begin and size tensors (int32/int64); a size of -1 takes the rest of the dimension.</summary>
internal sealed class SliceOperator : OperatorKernel
{
    private int[] _begin = [], _size = [];

    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var begin = ctx.Input(1);
        var size = ctx.Input(2);
        if (!ctx.HasValue(begin) || !ctx.HasValue(size))
        {
            ctx.SetOutputsDynamic();
            return;
        }

        _begin = TensorValues.ReadInts(begin);
        _size = TensorValues.ReadInts(size);
        ctx.Require(_begin.Length == input.Rank && _size.Length == input.Rank, "begin and size must have one value per dimension");
        for (int d = 0; d < input.Rank; d++)
        {
            if (_size[d] == -1) _size[d] = input.Shape[d] - _begin[d];
            ctx.Require(_begin[d] >= 0 && _size[d] >= 0 && _begin[d] + _size[d] <= input.Shape[d], $"slice [{_begin[d]}, +{_size[d]}) is outside dimension {d} of size {input.Shape[d]}");
        }

        ctx.SetOutputShape(0, _size.ToArray());
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        StridedCopy.Copy(input.Bytes, input.Shape, _begin, Enumerable.Repeat(1, input.Rank).ToArray(), _size, ctx.Output(0).WritableBytes, input.ElementSize);
    }
}
