using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>REVERSE_V2 (any element type): reverses the input along each axis of the axis tensor.</summary>
internal sealed class ReverseV2Operator : OperatorKernel
{
    private bool[] _reversed = [];

    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var axes = ctx.Input(1);
        ctx.Require(ctx.HasValue(axes), "the axis tensor must be constant");
        _reversed = new bool[input.Rank];
        foreach (int a in TensorValues.ReadInts(axes)) _reversed[TensorValues.Axis(ctx, a, input.Rank)] = true;
        ctx.SetOutputShape(0, input.Shape.ToArray());
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        int rank = input.Rank;
        var strides = ShapeUtil.Strides(input.Shape);
        var idx = new int[rank];
        int elem = input.ElementSize;
        var src = input.Bytes;
        var dst = output.WritableBytes;
        int n = input.ElementCount;
        for (int o = 0; o < n; o++)
        {
            long s = 0;
            for (int d = 0; d < rank; d++) s += (long)(_reversed[d] ? input.Shape[d] - 1 - idx[d] : idx[d]) * strides[d];
            TensorValues.CopyElements(src, s, dst, o, 1, elem);
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++idx[d] < input.Shape[d]) break;
                idx[d] = 0;
            }
        }
    }
}
