using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>UNPACK: splits a tensor into its slices along an axis, removing that axis.</summary>
internal sealed class UnpackOperator : OperatorKernel
{
    private int _axis;

    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        _axis = TensorValues.Axis(ctx, ctx.GetInt("axis"), input.Rank);
        int n = input.Shape[_axis];
        ctx.Require(ctx.OutputCount == n, $"{ctx.OutputCount} outputs for a dimension of {n}");
        var shape = input.Shape.Where((_, i) => i != _axis).ToArray();
        for (int i = 0; i < n; i++)
        {
            // TFLite does not rescale: every output must carry the input's quantization.
            ctx.Require(ctx.Output(i).Scale == input.Scale && ctx.Output(i).ZeroPoint == input.ZeroPoint, $"output {i} is quantized differently from the input");
            ctx.SetOutputShape(i, shape.ToArray());
        }
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        int elem = input.ElementSize;
        int outer = ShapeUtil.Product(input.Shape, 0, _axis);
        int inner = ShapeUtil.Product(input.Shape, _axis + 1, input.Rank);
        int n = input.Shape[_axis];
        var src = input.Bytes;
        for (int i = 0; i < n; i++)
        {
            var dst = ctx.Output(i).WritableBytes;
            for (int k = 0; k < outer; k++) TensorValues.CopyElements(src, ((long)k * n + i) * inner, dst, (long)k * inner, inner, elem);
        }
    }
}
