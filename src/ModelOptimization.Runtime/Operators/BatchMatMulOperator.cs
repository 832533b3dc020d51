using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// BATCH_MATMUL: out[..., i, j] = Σ_k x[..., i, k] · y[..., k, j] with adj_x / adj_y and NumPy broadcasting of the
/// batch dimensions. Float; int8 × int8 → int8 (TFLite's fixed-point requantization, or XNNPACK's float one when
/// LiteRT's delegate takes the node: y symmetric per-tensor) or → int32; int16 × int16 and int16 × int8 → int16
/// with 64-bit accumulators.
/// </summary>
internal sealed class BatchMatMulOperator : OperatorKernel
{
    private bool _adjX, _adjY;
    private int _m, _k, _n, _batches;
    private int[] _xBatchIndex = [], _yBatchIndex = [];
    private Kind _kind;
    private int _xOffset, _yOffset, _outputZeroPoint, _multiplier, _shift;
    private FloatRequantizer? _xnnpack;

    private enum Kind { Float, Int8, Int8ToInt32, Int16, Int16Int8 }

    public override void Prepare(KernelContext ctx)
    {
        var x = ctx.Input(0);
        var y = ctx.Input(1);
        var o = ctx.Output(0);
        _kind = (x.Type, y.Type, o.Type) switch
        {
            (TensorType.Float32, TensorType.Float32, TensorType.Float32) => Kind.Float,
            (TensorType.Int8, TensorType.Int8, TensorType.Int8) => Kind.Int8,
            (TensorType.Int8, TensorType.Int8, TensorType.Int32) => Kind.Int8ToInt32,
            (TensorType.Int16, TensorType.Int16, TensorType.Int16) => Kind.Int16,
            (TensorType.Int16, TensorType.Int8, TensorType.Int16) => Kind.Int16Int8,
            _ => throw ctx.NotSupported($"BATCH_MATMUL of {TensorTypeInfo.ShortName(x.Type)} × {TensorTypeInfo.ShortName(y.Type)} → {TensorTypeInfo.ShortName(o.Type)}"),
        };
        if (_kind != Kind.Float) PrepareQuantized(ctx, x, y, o);
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

    private void PrepareQuantized(KernelContext ctx, RuntimeTensor x, RuntimeTensor y, RuntimeTensor o)
    {
        ctx.Require(x.Quantization?.Scale is { Length: 1 } && y.Quantization?.Scale is { Length: 1 }, "quantized BATCH_MATMUL needs per-tensor input quantization");
        _xOffset = -x.ZeroPoint;
        _yOffset = -y.ZeroPoint;
        if (_kind == Kind.Int8ToInt32) return;
        ctx.Require(o.Quantization?.Scale is { Length: 1 }, "quantized BATCH_MATMUL needs per-tensor output quantization");
        if (_kind is Kind.Int16 or Kind.Int16Int8)
            ctx.Require(x.ZeroPoint == 0 && (_kind == Kind.Int16Int8 || y.ZeroPoint == 0) && o.ZeroPoint == 0, "int16 BATCH_MATMUL needs zero points of 0");
        _outputZeroPoint = o.ZeroPoint;
        IntegerArithmetic.QuantizeMultiplier((double)x.Scale * y.Scale / o.Scale, out _multiplier, out _shift);
        // LiteRT's XNNPACK delegate takes int8 products whose y has a zero point of 0 (static or not).
        _xnnpack = ctx.LiteRtArithmetic && _kind == Kind.Int8 && y.ZeroPoint == 0
            ? new FloatRequantizer([x.Scale * y.Scale / o.Scale], o.ZeroPoint, sbyte.MinValue, sbyte.MaxValue)
            : null;
    }

    public override void Eval(KernelContext ctx)
    {
        switch (_kind)
        {
            case Kind.Int8: Quantized<sbyte, sbyte, sbyte>(ctx); return;
            case Kind.Int8ToInt32: Quantized<sbyte, sbyte, int>(ctx); return;
            case Kind.Int16: Quantized<short, short, short>(ctx); return;
            case Kind.Int16Int8: Quantized<short, sbyte, short>(ctx); return;
        }

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

    /// <summary>Integer products: Σ (x - zx)(y - zy) in 64 bits, then the output's requantization.</summary>
    private void Quantized<TX, TY, TO>(KernelContext ctx)
        where TX : unmanaged, System.Numerics.IBinaryInteger<TX>
        where TY : unmanaged, System.Numerics.IBinaryInteger<TY>
        where TO : unmanaged, System.Numerics.IBinaryInteger<TO>
    {
        var x = ctx.Input(0).Read<TX>();
        var y = ctx.Input(1).Read<TY>();
        var o = ctx.Output(0).Write<TO>();
        int m = _m, k = _k, n = _n;
        var (min, max) = typeof(TO) == typeof(sbyte) ? (sbyte.MinValue, sbyte.MaxValue) : (short.MinValue, short.MaxValue);
        for (int b = 0; b < _batches; b++)
        {
            var xm = x.Slice(_xBatchIndex[b] * m * k, m * k);
            var ym = y.Slice(_yBatchIndex[b] * k * n, k * n);
            var om = o.Slice(b * m * n, m * n);
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    long acc = 0;
                    for (int t = 0; t < k; t++)
                    {
                        long xv = long.CreateTruncating(_adjX ? xm[t * m + i] : xm[i * k + t]) + _xOffset;
                        long yv = long.CreateTruncating(_adjY ? ym[j * k + t] : ym[t * n + j]) + _yOffset;
                        acc += xv * yv;
                    }

                    int value;
                    if (typeof(TO) == typeof(int)) value = unchecked((int)acc);
                    else if (_xnnpack is { } requantizer) value = requantizer.Requantize(unchecked((int)acc), 0);
                    else if (typeof(TX) == typeof(sbyte)) value = Math.Clamp(IntegerArithmetic.MultiplyByQuantizedMultiplier(unchecked((int)acc), _multiplier, _shift) + _outputZeroPoint, min, max);
                    else value = Math.Clamp(IntegerArithmetic.MultiplyByQuantizedMultiplier(acc, _multiplier, _shift) + _outputZeroPoint, min, max);
                    om[i * n + j] = TO.CreateTruncating(value);
                }
            }
        }
    }
}
