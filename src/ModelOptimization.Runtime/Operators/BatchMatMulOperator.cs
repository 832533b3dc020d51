using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// BATCH_MATMUL (float): out[..., i, j] = Σ_k x[..., i, k] · y[..., k, j] with adj_x / adj_y and NumPy broadcasting
/// of the batch dimensions.
/// </summary>
internal sealed class BatchMatMulOperator : OperatorKernel
{
    private bool _adjX, _adjY;
    private int _m, _k, _n, _batches;
    private int[] _xBatchIndex = [], _yBatchIndex = [];

    public override void Prepare(KernelContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Input(1);
        var o = ctx.Output(0);
        ctx.Require(x.Type == TensorType.Float32 && y.Type == TensorType.Float32 && o.Type == TensorType.Float32,
            $"BATCH_MATMUL of {TensorTypeInfo.ShortName(x.Type)} × {TensorTypeInfo.ShortName(y.Type)}");
        ctx.Require(x.Rank >= 2 && y.Rank >= 2, "inputs must have at least two dimensions");
        _adjX = ctx.GetBool("adj_x");
        _adjY = ctx.GetBool("adj_y");
        _m = _adjX ? x.Dim(-1) : x.Dim(-2);
        _k = _adjX ? x.Dim(-2) : x.Dim(-1);
        int ky = _adjY ? y.Dim(-1) : y.Dim(-2);
        _n = _adjY ? y.Dim(-2) : y.Dim(-1);
        ctx.Require(_k == ky, $"inner dimensions differ ({_k} vs {ky})");
        var xb = x.Shape[..^2];
        var yb = y.Shape[..^2];
        var batch = ShapeUtil.Broadcast(xb, yb) ?? throw ctx.NotSupported("batch dimensions do not broadcast");
        _batches = ShapeUtil.ElementCount(batch);
        var xs = ShapeUtil.BroadcastStrides(xb, batch.Length);
        var ys = ShapeUtil.BroadcastStrides(yb, batch.Length);
        _xBatchIndex = new int[_batches];
        _yBatchIndex = new int[_batches];
        var idx = new int[batch.Length];
        for (int b = 0; b < _batches; b++)
        {
            for (int d = 0; d < batch.Length; d++)
            {
                _xBatchIndex[b] += idx[d] * xs[d];
                _yBatchIndex[b] += idx[d] * ys[d];
            }

            for (int d = batch.Length - 1; d >= 0; d--)
            {
                if (++idx[d] < batch[d]) break;
                idx[d] = 0;
            }
        }

        ctx.SetOutputShape(0, [.. batch, _m, _n]);
    }

    public override void Eval(KernelContext ctx)
    {
        var x = ctx.Input(0).Read<float>();
        var y = ctx.Input(1).Read<float>();
        var o = ctx.Output(0).Write<float>();
        int m = _m, k = _k, n = _n;
        var row = new float[n];
        for (int b = 0; b < _batches; b++)
        {
            var xm = x.Slice(_xBatchIndex[b] * m * k, m * k);
            var ym = y.Slice(_yBatchIndex[b] * k * n, k * n);
            var om = o.Slice(b * m * n, m * n);
            for (int i = 0; i < m; i++)
            {
                Array.Clear(row);
                for (int t = 0; t < k; t++)
                {
                    float xv = _adjX ? xm[t * m + i] : xm[i * k + t];
                    if (_adjY)
                    {
                        for (int j = 0; j < n; j++) row[j] += xv * ym[j * k + t];
                    }
                    else
                    {
                        var yr = ym.Slice(t * n, n);
                        for (int j = 0; j < n; j++) row[j] += xv * yr[j];
                    }
                }

                row.CopyTo(om.Slice(i * n, n));
            }
        }
    }
}
