using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>FILL: a tensor of the shape given by the first input, every element the scalar second input.</summary>
internal sealed class FillOperator : OperatorKernel
{
    public override void Prepare(KernelContext ctx)
    {
        var dims = ctx.Input(0);
        var value = ctx.Input(1);
        ctx.Require(value.ElementCount == 1 && value.Type == ctx.Output(0).Type, "the value must be a scalar of the output's type");
        if (!ctx.HasValue(dims))
        {
            ctx.SetOutputsDynamic();
            return;
        }

        ctx.SetOutputShape(0, TensorValues.ReadInts(dims));
    }

    public override void Eval(KernelContext ctx)
    {
        var value = ctx.Input(1);
        var output = ctx.Output(0);
        int elem = output.ElementSize;
        var v = value.Bytes[..elem];
        var dst = output.WritableBytes;
        for (int i = 0; i < output.ElementCount; i++) v.CopyTo(dst.Slice(i * elem, elem));
    }
}
