using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// SPLIT (inputs: axis, value) into equal parts, and SPLIT_V (inputs: value, size_splits, axis) into given sizes
/// (one may be -1).
/// </summary>
internal sealed class SplitOperator(bool variableSizes) : OperatorKernel
{
    private int _axis;
    private int[] _sizes = [];

    private RuntimeTensor Value(KernelContext ctx) => ctx.Input(variableSizes ? 0 : 1);

    public override void Prepare(KernelContext ctx)
    {
        var input = Value(ctx);
        var axisTensor = ctx.Input(variableSizes ? 2 : 0);
        var sizesTensor = variableSizes ? ctx.Input(1) : null;
        if (!ctx.HasValue(axisTensor) || (sizesTensor is not null && !ctx.HasValue(sizesTensor)))
        {
            ctx.SetOutputsDynamic();
            return;
        }

        _axis = TensorValues.Axis(ctx, TensorValues.ReadInts(axisTensor)[0], input.Rank);
        int dim = input.Shape[_axis];
        int n = ctx.OutputCount;
        if (variableSizes)
        {
            _sizes = TensorValues.ReadInts(sizesTensor!);
            ctx.Require(_sizes.Length == n, "size_splits does not match the number of outputs");
            int unknown = Array.IndexOf(_sizes, -1);
            if (unknown >= 0) _sizes[unknown] = dim - (_sizes.Sum() + 1);
            ctx.Require(_sizes.Sum() == dim && _sizes.All(s => s >= 0), $"size_splits do not add up to {dim}");
        }
        else
        {
            ctx.Require(n > 0 && dim % n == 0, $"dimension {dim} does not split into {n} equal parts");
            _sizes = Enumerable.Repeat(dim / n, n).ToArray();
        }

        for (int i = 0; i < n; i++)
        {
            var shape = input.Shape.ToArray();
            shape[_axis] = _sizes[i];
            ctx.SetOutputShape(i, shape);
        }
    }

    public override void Eval(KernelContext ctx)
    {
        var input = Value(ctx);
        int elem = input.ElementSize;
        int outer = ShapeUtil.Product(input.Shape, 0, _axis);
        int inner = ShapeUtil.Product(input.Shape, _axis + 1, input.Rank);
        int dim = input.Shape[_axis];
        var src = input.Bytes;
        int offset = 0;
        for (int i = 0; i < _sizes.Length; i++)
        {
            var dst = ctx.Output(i).WritableBytes;
            int chunk = _sizes[i] * inner;
            for (int k = 0; k < outer; k++) TensorValues.CopyElements(src, (long)k * dim * inner + offset * inner, dst, (long)k * chunk, chunk, elem);
            offset += _sizes[i];
        }
    }
}
