using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// SELECT and SELECT_V2: out = condition ? x : y, element-wise with three-way broadcasting; SELECT also takes a
/// rank-1 condition that picks whole rows (TFLite's RankOneSelect).
/// </summary>
internal sealed class SelectOperator : OperatorKernel
{
    private int[] _outShape = [];
    private int[][] _strides = [];
    private bool _rankOne;

    public override void Prepare(KernelContext ctx)
    {
        var c = ctx.Input(0);
        var x = ctx.Input(1);
        var y = ctx.Input(2);
        ctx.Require(c.Type == TensorType.Bool, "the condition must be bool");
        ctx.Require(x.Type == y.Type, "x and y differ in type");
        _rankOne = ctx.Code.Op == Core.Tflite.BuiltinOperator.SELECT && c.Rank == 1 && x.Rank > 1 && ShapeUtil.SameShape(x.Shape, y.Shape) && c.Shape[0] == x.Shape[0];
        if (_rankOne)
        {
            _outShape = x.Shape.ToArray();
        }
        else
        {
            var xy = ShapeUtil.Broadcast(x.Shape, y.Shape) ?? throw ctx.NotSupported("x and y do not broadcast");
            _outShape = ShapeUtil.Broadcast(xy, c.Shape) ?? throw ctx.NotSupported("the condition does not broadcast");
            _strides = [ShapeUtil.BroadcastStrides(c.Shape, _outShape.Length), ShapeUtil.BroadcastStrides(x.Shape, _outShape.Length), ShapeUtil.BroadcastStrides(y.Shape, _outShape.Length)];
        }

        ctx.SetOutputShape(0, _outShape.ToArray());
    }

    public override void Eval(KernelContext ctx)
    {
        var c = ctx.Input(0).Bytes;
        var x = ctx.Input(1);
        var y = ctx.Input(2);
        var o = ctx.Output(0);
        int elem = x.ElementSize;
        var xb = x.Bytes;
        var yb = y.Bytes;
        var ob = o.WritableBytes;
        if (_rankOne)
        {
            int inner = x.ElementCount / Math.Max(1, x.Shape[0]);
            for (int r = 0; r < x.Shape[0]; r++)
            {
                TensorValues.CopyElements(c[r] != 0 ? xb : yb, (long)r * inner, ob, (long)r * inner, inner, elem);
            }

            return;
        }

        int rank = _outShape.Length;
        int n = o.ElementCount;
        var idx = new int[rank];
        for (int i = 0; i < n; i++)
        {
            long ci = 0, xi = 0, yi = 0;
            for (int d = 0; d < rank; d++)
            {
                ci += (long)idx[d] * _strides[0][d];
                xi += (long)idx[d] * _strides[1][d];
                yi += (long)idx[d] * _strides[2][d];
            }

            if (c[(int)ci] != 0) TensorValues.CopyElements(xb, xi, ob, i, 1, elem);
            else TensorValues.CopyElements(yb, yi, ob, i, 1, elem);
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++idx[d] < _outShape[d]) break;
                idx[d] = 0;
            }
        }
    }
}
