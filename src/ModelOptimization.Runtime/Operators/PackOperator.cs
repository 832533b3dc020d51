using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>PACK: stacks N same-shaped tensors along a new axis.</summary>
internal sealed class PackOperator : OperatorKernel
{
    private int _axis;

    public override void Prepare(KernelContext ctx)
    {
        var t0 = ctx.Input(0);
        int rank = t0.Rank;
        int axis = ctx.GetInt("axis");
        if (axis < 0) axis += rank + 1;
        ctx.Require(axis >= 0 && axis <= rank, $"axis {ctx.GetInt("axis")} is out of range");
        for (int i = 1; i < ctx.InputCount; i++)
        {
            ctx.Require(ShapeUtil.SameShape(ctx.Input(i).Shape, t0.Shape) && ctx.Input(i).Type == t0.Type, "inputs differ in shape or type");
        }

        // TFLite does not rescale: every input must carry the output's quantization.
        var output = ctx.Output(0);
        for (int i = 0; i < ctx.InputCount; i++)
        {
            ctx.Require(ctx.Input(i).Scale == output.Scale && ctx.Input(i).ZeroPoint == output.ZeroPoint, $"input {i} is quantized differently from the output");
        }

        _axis = axis;
        var shape = t0.Shape.ToList();
        shape.Insert(axis, ctx.InputCount);
        ctx.SetOutputShape(0, shape.ToArray());
    }

    public override void Eval(KernelContext ctx)
    {
        var t0 = ctx.Input(0);
        int elem = t0.ElementSize;
        int outer = ShapeUtil.Product(t0.Shape, 0, _axis);
        int inner = ShapeUtil.Product(t0.Shape, _axis, t0.Rank);
        var dst = ctx.Output(0).WritableBytes;
        int n = ctx.InputCount;
        for (int i = 0; i < n; i++)
        {
            var src = ctx.Input(i).Bytes;
            for (int k = 0; k < outer; k++) TensorValues.CopyElements(src, (long)k * inner, dst, ((long)k * n + i) * inner, inner, elem);
        }
    }
}
