using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>EXPAND_DIMS: inserts a size-1 dimension at the axis given by the second input.</summary>
internal sealed class ExpandDimsOperator : OperatorKernel
{
    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var axisTensor = ctx.Input(1);
        if (!ctx.HasValue(axisTensor))
        {
            ctx.SetOutputsDynamic();
            return;
        }

        int axis = TensorValues.ReadInts(axisTensor)[0];
        int rank = input.Rank;
        if (axis < 0) axis += rank + 1;
        ctx.Require(axis >= 0 && axis <= rank, $"axis {axis} is out of range");
        var shape = input.Shape.ToList();
        shape.Insert(axis, 1);
        ctx.SetOutputShape(0, shape.ToArray());
    }

    public override void Eval(KernelContext ctx) => ctx.Input(0).Bytes.CopyTo(ctx.Output(0).WritableBytes);
}
