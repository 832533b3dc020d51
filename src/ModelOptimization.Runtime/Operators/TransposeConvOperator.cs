using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// TRANSPOSE_CONV: inputs output_shape, weights [O, H, W, I], input, optional bias; each input pixel scatters
/// input · weight into the output window (TFLite reference), then bias and the fused activation. Float; int8 with
/// per-channel weights, legacy uint8 and int16x8 (64-bit accumulators and bias), requantized as TFLite's kernels or,
/// for 8-bit nodes LiteRT's XNNPACK delegate takes (static weights and bias), with XNNPACK's float requantization.
/// </summary>
internal sealed class TransposeConvOperator : OperatorKernel
{
    private int _strideH, _strideW, _padTop, _padLeft;
    private float _min, _max;
    private int _inputOffset, _weightOffset;
    private long[] _bias = [];
    private IRequantizer? _requantizer;

    public override void Prepare(KernelContext ctx)
    {
        var shapeT = ctx.Input(0);
        var weights = ctx.Input(1);
        var input = ctx.Input(2);
        var bias = ctx.OptionalInput(3);
        var output = ctx.Output(0);
        ctx.Require(input.Rank == 4 && weights.Rank == 4 && weights.Dim(3) == input.Dim(3), "input and weights must be 4-D with matching depth");
        ctx.Require(bias is null || bias.ElementCount == weights.Dim(0), "bias size differs from the output depth");
        var act = ctx.FusedActivation;
        ctx.Require(ActivationRange.IsClamp(act), $"fused activation {act}");
        (_min, _max) = ActivationRange.Float(act);
        switch (input.Type, weights.Type, output.Type)
        {
            case (TensorType.Float32, TensorType.Float32, TensorType.Float32):
                _requantizer = null;
                break;
            case (TensorType.Int8, TensorType.Int8, TensorType.Int8):
            case (TensorType.UInt8, TensorType.UInt8, TensorType.UInt8):
            case (TensorType.Int16, TensorType.Int8, TensorType.Int16):
                PrepareQuantized(ctx, input, weights, bias, output, act);
                break;
            default:
                throw ctx.NotSupported($"TRANSPOSE_CONV of {TensorTypeInfo.ShortName(input.Type)} with {TensorTypeInfo.ShortName(weights.Type)} weights to {TensorTypeInfo.ShortName(output.Type)}");
        }

        if (!ctx.HasValue(shapeT))
        {
            ctx.SetOutputsDynamic();
            return;
        }

        var shape = TensorValues.ReadInts(shapeT);
        ctx.Require(shape.Length == 4 && shape[3] == weights.Dim(0) && shape[0] == input.Dim(0), "output_shape does not match the input and weights");
        _strideW = ctx.GetInt("stride_w", 1);
        _strideH = ctx.GetInt("stride_h", 1);
        var padding = (Padding)ctx.GetInt("padding");
        int unusedH = ConvGeometry.OutSize(padding, shape[1], weights.Dim(1), _strideH);
        int unusedW = ConvGeometry.OutSize(padding, shape[2], weights.Dim(2), _strideW);
        _padTop = ConvGeometry.PaddingWithOffset(_strideH, 1, shape[1], weights.Dim(1), unusedH, out _);
        _padLeft = ConvGeometry.PaddingWithOffset(_strideW, 1, shape[2], weights.Dim(2), unusedW, out _);
        ctx.SetOutputShape(0, shape);
    }

    private void PrepareQuantized(KernelContext ctx, RuntimeTensor input, RuntimeTensor weights, RuntimeTensor? bias, RuntimeTensor output, ActivationFunctionType act)
    {
        ctx.Require(input.IsQuantized && weights.IsQuantized && output.IsQuantized, "quantized TRANSPOSE_CONV needs quantization parameters");
        ctx.Require(bias is null || bias.Type is TensorType.Int32 or TensorType.Int64, "quantized TRANSPOSE_CONV needs an int32/int64 bias");
        ctx.Require(bias is null || bias.IsConstantValue, "the bias must be constant");
        int channels = weights.Dim(0);
        _inputOffset = -input.ZeroPoint;
        _weightOffset = input.Type == TensorType.UInt8 ? -weights.ZeroPoint : 0;
        if (input.Type != TensorType.UInt8) ctx.Require(ConvQuantization.HasZeroZeroPoints(weights), "int8 weights must have zero points of 0");
        if (input.Type == TensorType.Int16) ctx.Require(input.ZeroPoint == 0 && output.ZeroPoint == 0, "int16 activations must have zero points of 0");
        _bias = ConvQuantization.BiasAsInt64(bias);
        var (actMin, actMax) = ActivationRange.Quantized(act, output);
        // The delegate takes int8 (per-channel) weights only; uint8 and int16x8 nodes stay with TFLite's kernels.
        float[]? scales = ctx.LiteRtArithmetic && input.Type == TensorType.Int8
            ? XnnpackQuantization.ConvolutionScales(input, weights, bias, output, channels, 0, biasRequired: false)
            : null;
        if (scales is not null)
        {
            var (min, max) = XnnpackQuantization.ActivationRange(act, output);
            _requantizer = new FloatRequantizer(scales, output.ZeroPoint, min, max);
        }
        else if (input.Type == TensorType.UInt8)
        {
            // GetQuantizedConvolutionMultipler: the scale product in double.
            IntegerArithmetic.QuantizeMultiplier((double)input.Scale * weights.Scale / output.Scale, out int m, out int sh);
            _requantizer = new FixedPointRequantizer([m], [sh], output.ZeroPoint, actMin, actMax);
        }
        else
        {
            var (m, sh) = ConvQuantization.PerChannel(input, weights, output, channels);
            _requantizer = input.Type == TensorType.Int16
                ? new WideFixedPointRequantizer(m, sh, actMin, actMax)
                : new FixedPointRequantizer(m, sh, output.ZeroPoint, actMin, actMax);
        }
    }

    public override void Eval(KernelContext ctx)
    {
        switch (ctx.Input(2).Type)
        {
            case TensorType.Int8: EvalQuantized<sbyte>(ctx); return;
            case TensorType.UInt8: EvalQuantized<byte>(ctx); return;
            case TensorType.Int16: EvalQuantized<short>(ctx); return;
        }

        var weights = ctx.Input(1);
        var input = ctx.Input(2);
        var bias = ctx.OptionalInput(3);
        var output = ctx.Output(0);
        var w = weights.Read<float>();
        var x = input.Read<float>();
        var o = output.Write<float>();
        int batches = input.Dim(0), inH = input.Dim(1), inW = input.Dim(2), inC = input.Dim(3);
        int outH = output.Dim(1), outW = output.Dim(2), outC = output.Dim(3);
        int kh = weights.Dim(1), kw = weights.Dim(2);
        o.Clear();
        for (int b = 0; b < batches; b++)
        {
            for (int iy = 0; iy < inH; iy++)
            {
                for (int ix = 0; ix < inW; ix++)
                {
                    int oy0 = iy * _strideH - _padTop, ox0 = ix * _strideW - _padLeft;
                    var px = x.Slice(((b * inH + iy) * inW + ix) * inC, inC);
                    for (int fy = 0; fy < kh; fy++)
                    {
                        int oy = oy0 + fy;
                        if ((uint)oy >= (uint)outH) continue;
                        for (int fx = 0; fx < kw; fx++)
                        {
                            int ox = ox0 + fx;
                            if ((uint)ox >= (uint)outW) continue;
                            var dst = o.Slice(((b * outH + oy) * outW + ox) * outC, outC);
                            for (int oc = 0; oc < outC; oc++)
                            {
                                var f = w.Slice(((oc * kh + fy) * kw + fx) * inC, inC);
                                float acc = 0;
                                for (int ic = 0; ic < inC; ic++) acc += px[ic] * f[ic];
                                dst[oc] += acc;
                            }
                        }
                    }
                }
            }
        }

        var bv = bias is null ? default : bias.Read<float>();
        for (int i = 0; i < o.Length; i++)
        {
            float v = o[i] + (bv.IsEmpty ? 0 : bv[i % outC]);
            o[i] = Math.Min(Math.Max(v, _min), _max);
        }
    }

    /// <summary>The integer scatter: Σ (x - zx)(w - zw) per output in 64 bits, plus bias, requantized per channel.</summary>
    private void EvalQuantized<TIn>(KernelContext ctx)
        where TIn : unmanaged, System.Numerics.IBinaryInteger<TIn>
    {
        var weights = ctx.Input(1);
        var input = ctx.Input(2);
        var output = ctx.Output(0);
        var w = weights.Read<sbyte>();
        var wu = weights.Read<byte>();
        bool unsignedWeights = weights.Type == TensorType.UInt8;
        var x = input.Read<TIn>();
        int batches = input.Dim(0), inH = input.Dim(1), inW = input.Dim(2), inC = input.Dim(3);
        int outH = output.Dim(1), outW = output.Dim(2), outC = output.Dim(3);
        int kh = weights.Dim(1), kw = weights.Dim(2);
        var acc = new long[output.ElementCount];
        var px = new int[inC];
        for (int b = 0; b < batches; b++)
        {
            for (int iy = 0; iy < inH; iy++)
            {
                for (int ix = 0; ix < inW; ix++)
                {
                    int oy0 = iy * _strideH - _padTop, ox0 = ix * _strideW - _padLeft;
                    int src = ((b * inH + iy) * inW + ix) * inC;
                    for (int ic = 0; ic < inC; ic++) px[ic] = int.CreateTruncating(x[src + ic]) + _inputOffset;
                    for (int fy = 0; fy < kh; fy++)
                    {
                        int oy = oy0 + fy;
                        if ((uint)oy >= (uint)outH) continue;
                        for (int fx = 0; fx < kw; fx++)
                        {
                            int ox = ox0 + fx;
                            if ((uint)ox >= (uint)outW) continue;
                            int dst = ((b * outH + oy) * outW + ox) * outC;
                            for (int oc = 0; oc < outC; oc++)
                            {
                                int f = ((oc * kh + fy) * kw + fx) * inC;
                                long sum = 0;
                                for (int ic = 0; ic < inC; ic++)
                                {
                                    int wv = (unsignedWeights ? wu[f + ic] : w[f + ic]) + _weightOffset;
                                    sum += (long)px[ic] * wv;
                                }

                                acc[dst + oc] += sum;
                            }
                        }
                    }
                }
            }
        }

        var o = output.Write<TIn>();
        var requantizer = _requantizer!;
        for (int i = 0; i < acc.Length; i++)
        {
            int c = i % outC;
            long v = acc[i] + (_bias.Length > 0 ? _bias[c] : 0);
            o[i] = TIn.CreateTruncating(requantizer is WideFixedPointRequantizer wide ? wide.Requantize(v, c) : requantizer.Requantize(unchecked((int)v), c));
        }
    }
}
