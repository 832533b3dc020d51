using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>GATHER_ND: indices [..., D] address slices of the first D dimensions of params.</summary>
internal sealed class GatherNdOperator : OperatorKernel
{
    private int _depth;

    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var indices = ctx.Input(1);
        ctx.Require(indices.Type is TensorType.Int32 or TensorType.Int64 or TensorType.Int16, "indices must be int32 or int64");
        ctx.Require(indices.Rank >= 1, "indices must have at least one dimension");
        _depth = indices.Dim(-1);
        ctx.Require(_depth <= input.Rank, $"index depth {_depth} exceeds the params rank {input.Rank}");
        var shape = new List<int>(indices.Shape[..^1]);
        shape.AddRange(input.Shape[_depth..]);
        ctx.SetOutputShape(0, shape.ToArray());
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var indicesT = ctx.Input(1);
        int elem = input.ElementSize;
        var coords = TensorValues.ReadInts(indicesT);
        int n = _depth == 0 ? 1 : coords.Length / _depth;
        if (indicesT.ElementCount == 0) n = ShapeUtil.Product(indicesT.Shape, 0, indicesT.Rank - 1);
        int slice = ShapeUtil.Product(input.Shape, _depth, input.Rank);
        var strides = ShapeUtil.Strides(input.Shape);
        var src = input.Bytes;
        var dst = ctx.Output(0).WritableBytes;
        for (int i = 0; i < n; i++)
        {
            long from = 0;
            for (int d = 0; d < _depth; d++)
            {
                int c = coords[i * _depth + d];
                if ((uint)c >= (uint)input.Shape[d]) throw ctx.NotSupported($"index {c} is out of range for dimension {d}");
                from += (long)c * strides[d];
            }

            TensorValues.CopyElements(src, from, dst, (long)i * slice, slice, elem);
        }
    }
}
