using System.Numerics.Tensors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Optimization.Calibration;

/// <summary>
/// Sums x xᵀ over the input patches of one CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED during calibration (for
/// <see cref="Quantization.WeightRounding.Adaptive"/>). Patches follow the weight's column order ([kh, kw, in]);
/// padding contributes zeros. At most <see cref="MaxPatchesPerSample"/> evenly spaced output positions are taken
/// per sample, so the cost is bounded; the sum does not depend on threads.
/// </summary>
internal sealed class HessianAccumulator
{
    /// <summary>Output positions sampled per calibration sample.</summary>
    public const int MaxPatchesPerSample = 1024;

    /// <summary>Dense layers with more weight columns get no Hessian (its size grows as columns², its factorisation as columns³).</summary>
    public const int MaxColumns = 4096;

    private readonly bool _depthwise, _fullyConnected;
    private readonly int _kh, _kw, _strideH, _strideW, _dilH, _dilW, _inDepth;
    private readonly Padding _padding;
    private readonly int _columns;
    private readonly double[] _sum;
    private readonly float[] _sampleSum;
    private long _patches;

    private HessianAccumulator(int op, int input, bool depthwise, bool fullyConnected, int kh, int kw, int inDepth, OperatorOptions? o)
    {
        Operator = op;
        InputTensor = input;
        _depthwise = depthwise;
        _fullyConnected = fullyConnected;
        _kh = kh;
        _kw = kw;
        _inDepth = inDepth;
        _strideH = o?.GetInt32("stride_h", 1) ?? 1;
        _strideW = o?.GetInt32("stride_w", 1) ?? 1;
        _dilH = o?.GetInt32("dilation_h_factor", 1) ?? 1;
        _dilW = o?.GetInt32("dilation_w_factor", 1) ?? 1;
        _padding = (Padding)(o?.GetInt32("padding", 0) ?? 0);
        _columns = depthwise ? kh * kw : kh * kw * inDepth;
        int size = depthwise ? _columns * _columns * inDepth : _columns * _columns;
        _sum = new double[size];
        _sampleSum = new float[size];
    }

    /// <summary>The operator's index in its subgraph.</summary>
    public int Operator { get; }

    /// <summary>Its activation input.</summary>
    public int InputTensor { get; }

    /// <summary>An accumulator for operator <paramref name="op"/>, or null when it has no float constant weight of a usable shape.</summary>
    public static HessianAccumulator? For(Model model, Subgraph graph, int op)
    {
        var o = graph.Operators[op];
        var code = model.CodeOf(o).Op;
        if (code is not (BuiltinOperator.CONV_2D or BuiltinOperator.DEPTHWISE_CONV_2D or BuiltinOperator.FULLY_CONNECTED)) return null;
        if (o.Inputs.Length < 2 || o.Inputs[0] < 0 || o.Inputs[1] < 0) return null;
        var x = graph.Tensors[o.Inputs[0]];
        var w = graph.Tensors[o.Inputs[1]];
        if (x.Type != TensorType.Float32 || w.Type != TensorType.Float32 || !model.IsConstant(w) || model.IsConstant(x)) return null;
        if (x.Shape.Length == 0 || x.Shape[^1] <= 0) return null;
        int inDepth = x.Shape[^1];
        switch (code)
        {
            case BuiltinOperator.FULLY_CONNECTED:
                if (w.Shape.Length != 2 || w.Shape[1] != inDepth || inDepth > MaxColumns) return null;
                return new HessianAccumulator(op, o.Inputs[0], false, true, 1, 1, inDepth, null);
            case BuiltinOperator.CONV_2D:
                if (w.Shape.Length != 4 || x.Shape.Length != 4 || w.Shape[3] != inDepth || w.Shape[1] * w.Shape[2] * inDepth > MaxColumns) return null;
                return new HessianAccumulator(op, o.Inputs[0], false, false, w.Shape[1], w.Shape[2], inDepth, o.BuiltinOptions);
            default:
                if (w.Shape.Length != 4 || x.Shape.Length != 4 || w.Shape[0] != 1 || w.Shape[3] % inDepth != 0) return null;
                return new HessianAccumulator(op, o.Inputs[0], true, false, w.Shape[1], w.Shape[2], inDepth, o.BuiltinOptions);
        }
    }

    /// <summary>Adds the patches of one sample (<paramref name="shape"/> is the runtime shape of the input).</summary>
    public void Add(float[] x, int[] shape, int sampleIndex)
    {
        if (shape.Length == 0 || shape[^1] != _inDepth) return;
        int c = _inDepth;
        int batches, inH, inW, outH, outW, padTop = 0, padLeft = 0;
        if (_fullyConnected)
        {
            batches = x.Length / c;
            inH = inW = outH = outW = 1;
        }
        else
        {
            if (shape.Length != 4) return;
            (batches, inH, inW) = (shape[0], shape[1], shape[2]);
            outH = OutSize(inH, _kh, _strideH, _dilH, out padTop);
            outW = OutSize(inW, _kw, _strideW, _dilW, out padLeft);
        }

        long positions = (long)batches * outH * outW;
        if (positions <= 0) return;
        long step = Math.Max(1, (positions + MaxPatchesPerSample - 1) / MaxPatchesPerSample);
        long start = sampleIndex % step;
        Array.Clear(_sampleSum);
        var patch = new float[_kh * _kw * c];
        int n = _columns;
        for (long p = start; p < positions; p += step)
        {
            int b = (int)(p / ((long)outH * outW)), rest = (int)(p % ((long)outH * outW));
            int oy = rest / outW, ox = rest % outW;
            Array.Clear(patch);
            for (int ky = 0; ky < _kh; ky++)
            {
                int iy = oy * _strideH - padTop + ky * _dilH;
                if (iy < 0 || iy >= inH) continue;
                for (int kx = 0; kx < _kw; kx++)
                {
                    int ix = ox * _strideW - padLeft + kx * _dilW;
                    if (ix < 0 || ix >= inW) continue;
                    x.AsSpan(((b * inH + iy) * inW + ix) * c, c).CopyTo(patch.AsSpan((ky * _kw + kx) * c, c));
                }
            }

            if (_depthwise)
            {
                // H[t1, t2, ch] += patch[t1, ch] · patch[t2, ch] (upper triangle of taps)
                for (int t1 = 0; t1 < n; t1++)
                {
                    var a = patch.AsSpan(t1 * c, c);
                    for (int t2 = t1; t2 < n; t2++)
                    {
                        var dst = _sampleSum.AsSpan((t1 * n + t2) * c, c);
                        TensorPrimitives.MultiplyAdd(a, patch.AsSpan(t2 * c, c), dst, dst);
                    }
                }
            }
            else
            {
                for (int i = 0; i < n; i++)
                {
                    float xi = patch[i];
                    if (xi == 0) continue;
                    var dst = _sampleSum.AsSpan(i * n + i, n - i);
                    TensorPrimitives.MultiplyAdd(patch.AsSpan(i, n - i), xi, dst, dst);
                }
            }

            _patches++;
        }

        for (int i = 0; i < _sum.Length; i++) _sum[i] += _sampleSum[i];
    }

    /// <summary>The symmetric sum so far.</summary>
    public LayerHessian ToHessian()
    {
        int n = _columns, k = _depthwise ? _inDepth : 1;
        var h = (double[])_sum.Clone();
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                for (int ch = 0; ch < k; ch++) h[(j * n + i) * k + ch] = h[(i * n + j) * k + ch];
            }
        }

        return new LayerHessian(n, _depthwise ? _inDepth : 0, h, _patches);
    }

    private int OutSize(int size, int kernel, int stride, int dilation, out int padBefore)
    {
        Kernels.Convolution.ComputePadding(_padding == Padding.SAME, size, kernel, stride, dilation, out int outSize, out padBefore);
        return Math.Max(0, outSize);
    }
}
