using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Kernels;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Optimized;
using ModelOptimization.Runtime.Reference;
using KernelReference = ModelOptimization.Kernels.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// DEPTHWISE_CONV_2D: float, hybrid (int8 filter, per-channel, asymmetric per-batch input quantization),
/// int8 per-channel, legacy uint8 and int16x8. The depth multiplier is output depth / input depth.
/// </summary>
internal sealed class DepthwiseConv2DOperator : OperatorKernel
{
    private enum Kind { Float, Hybrid, Int8, UInt8, Int16 }

    private readonly ConvGeometry _g = new();
    private Kind _kind;
    private int _dm;
    private float _fmin, _fmax;
    private int _actMin, _actMax;
    private int[] _mult = [], _shift = [];
    private long[] _bias64 = [];
    private float[] _channelScales = [];
    private sbyte[] _quantized = [];
    private float[] _batchScales = [];
    private int[] _batchOffsets = [];
    private sbyte[] _filter8 = [];
    private FloatRequantizer _float;
    private bool _xnnpack;
    private float[] _xnnScales = [];
    private int _xnnMin, _xnnMax;
    private DepthwiseConvQuantized? _fast;
    private Conv2DGeometry _kg;

    public override long ScratchBytes => _quantized.Length + _filter8.Length + (_fast?.SizeInBytes ?? 0);

    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var filter = ctx.Input(1);
        var bias = ctx.OptionalInput(2);
        var output = ctx.Output(0);
        ctx.Require(input.Rank == 4 && filter.Rank == 4 && filter.Dim(0) == 1, "input must be 4-D and the filter 1×H×W×C");
        int inC = input.Dim(3), outC = filter.Dim(3);
        ctx.Require(inC > 0 && outC % inC == 0, $"filter depth {outC} is not a multiple of input depth {inC}");
        _dm = outC / inC;
        var g = _g;
        g.Batches = input.Dim(0);
        g.InputHeight = input.Dim(1);
        g.InputWidth = input.Dim(2);
        g.InputDepth = inC;
        g.OutputDepth = outC;
        g.FilterHeight = filter.Dim(1);
        g.FilterWidth = filter.Dim(2);
        g.StrideWidth = ctx.GetInt("stride_w", 1);
        g.StrideHeight = ctx.GetInt("stride_h", 1);
        g.DilationWidth = ctx.GetInt("dilation_w_factor", 1);
        g.DilationHeight = ctx.GetInt("dilation_h_factor", 1);
        ctx.Require(g.StrideWidth > 0 && g.StrideHeight > 0 && g.DilationWidth > 0 && g.DilationHeight > 0, "strides and dilations must be positive");
        g.ComputePadding((Padding)ctx.GetInt("padding"));
        ctx.SetOutputShape(0, [g.Batches, g.OutputHeight, g.OutputWidth, outC]);
        _kg = new Conv2DGeometry(g.Batches, g.InputHeight, g.InputWidth, inC, g.FilterHeight, g.FilterWidth, outC, g.OutputHeight, g.OutputWidth,
            g.StrideHeight, g.StrideWidth, g.DilationHeight, g.DilationWidth, g.PadTop, g.PadLeft);
        ctx.Require(bias is null || bias.ElementCount == outC, "bias size differs from the output depth");
        var act = ctx.FusedActivation;
        ctx.Require(ActivationRange.IsClamp(act), $"fused activation {act}");
        (_fmin, _fmax) = ActivationRange.Float(act);
        switch (input.Type, filter.Type)
        {
            case (TensorType.Float32, TensorType.Float32):
                ctx.Require(output.Type == TensorType.Float32, "float DEPTHWISE_CONV_2D needs a float output");
                _kind = Kind.Float;
                break;
            case (TensorType.Float32, TensorType.Int8):
                ctx.Require(output.Type == TensorType.Float32 && filter.IsQuantized, "hybrid DEPTHWISE_CONV_2D needs float output and a quantized filter");
                _kind = Kind.Hybrid;
                var scales = filter.Quantization!.Scale!;
                _channelScales = Enumerable.Range(0, outC).Select(c => scales[scales.Length > 1 ? c : 0]).ToArray();
                _quantized = new sbyte[input.ElementCount];
                _batchScales = new float[g.Batches];
                _batchOffsets = new int[g.Batches];
                break;
            case (TensorType.Int8, TensorType.Int8):
            case (TensorType.Int8, TensorType.Int4):
                ctx.Require(output.Type == TensorType.Int8 && (bias is null || bias.Type == TensorType.Int32), "int8 DEPTHWISE_CONV_2D needs int8 output and int32 bias");
                ctx.Require(ConvQuantization.HasZeroZeroPoints(filter), "int8 filters must have zero points of 0");
                _kind = Kind.Int8;
                (_mult, _shift) = ConvQuantization.PerChannel(input, filter, output, outC);
                (_actMin, _actMax) = ActivationRange.Quantized(act, output);
                _filter8 = filter.Type == TensorType.Int4 ? Int4.Unpack(filter.Bytes, filter.ElementCount) : [];
                PrepareRequantization(ctx, input, filter, bias, output, act);
                break;
            case (TensorType.UInt8, TensorType.UInt8):
                ctx.Require(output.Type == TensorType.UInt8 && (bias is null || bias.Type == TensorType.Int32), "uint8 DEPTHWISE_CONV_2D needs uint8 output and int32 bias");
                _kind = Kind.UInt8;
                var (m, s) = ConvQuantization.PerTensor(input, filter, output);
                _mult = [m];
                _shift = [s];
                (_actMin, _actMax) = ActivationRange.Quantized(act, output);
                PrepareRequantization(ctx, input, filter, bias, output, act);
                break;
            case (TensorType.Int16, TensorType.Int8):
                ctx.Require(output.Type == TensorType.Int16 && (bias is null || bias.Type is TensorType.Int64 or TensorType.Int32), "int16x8 DEPTHWISE_CONV_2D needs int16 output and int64 bias");
                ctx.Require(input.ZeroPoint == 0 && output.ZeroPoint == 0, "int16 activations must have zero points of 0");
                _kind = Kind.Int16;
                (_mult, _shift) = ConvQuantization.PerChannel(input, filter, output, outC);
                (_actMin, _actMax) = ActivationRange.Quantized(act, output);
                _bias64 = bias is not null && bias.IsConstantValue ? ConvQuantization.BiasAsInt64(bias) : [];
                break;
            default:
                throw ctx.NotSupported($"input {TensorTypeInfo.ShortName(input.Type)} with filter {TensorTypeInfo.ShortName(filter.Type)}");
        }
    }

    /// <summary>TFLite fixed point, or XNNPACK's float requantization when LiteRT would delegate the node.</summary>
    private void PrepareRequantization(KernelContext ctx, RuntimeTensor input, RuntimeTensor filter, RuntimeTensor? bias, RuntimeTensor output, ActivationFunctionType act)
    {
        float[]? scales = ctx.LiteRtArithmetic ? XnnpackQuantization.ConvolutionScales(input, filter, bias, output, _g.OutputDepth, 3) : null;
        _xnnpack = scales is not null;
        if (scales is not null)
        {
            var (min, max) = XnnpackQuantization.ActivationRange(act, output);
            _float = new FloatRequantizer(scales, output.ZeroPoint, min, max);
            (_xnnScales, _xnnMin, _xnnMax) = (scales, min, max);
            if (_dm == 1 && !ctx.UseReference)
            {
                var b = bias is null ? default : bias.Read<int>();
                _fast = input.Type == TensorType.Int8
                    ? DepthwiseConvQuantized.Create(_filter8.Length > 0 ? _filter8 : filter.Read<sbyte>(), 0, b, scales, _g.OutputDepth)
                    : DepthwiseConvQuantized.Create(filter.Read<byte>(), filter.ZeroPoint, b, scales, _g.OutputDepth);
            }
        }
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var filter = ctx.Input(1);
        var bias = ctx.OptionalInput(2);
        var output = ctx.Output(0);
        var g = _g;
        int rows = g.Batches * g.OutputHeight;
        long work = (long)g.OutputWidth * g.OutputDepth * g.FilterHeight * g.FilterWidth;
        int dm = _dm;
        switch (_kind)
        {
            case Kind.Float:
                if (!ctx.UseReference)
                {
                    Convolution.DepthwiseConv2DFloat(input.Read<float>(), filter.Read<float>(), Bias<float>(bias), output.Write<float>(), _kg, dm, _fmin, _fmax, ctx.Threads);
                    break;
                }

                Conv2DOperator.ForRowBlocks(ctx.Threads, _kg, work, (in Conv2DGeometry kg, int i, int o) => KernelReference.Convolution.DepthwiseConv2DFloat(
                    input.Read<float>().Slice(i), filter.Read<float>(), Bias<float>(bias), output.Write<float>().Slice(o), kg, dm, _fmin, _fmax));
                break;
            case Kind.Int8:
                if (_fast is not null)
                {
                    _fast.Run(g, input.Read<sbyte>(), input.ZeroPoint, output.Write<sbyte>(), output.ZeroPoint, _xnnMin, _xnnMax, ctx.Threads);
                }
                else if (!_xnnpack && !ctx.UseReference && _filter8.Length == 0)
                {
                    Convolution.DepthwiseConv2DInt8PerChannel(input.Read<sbyte>(), input.ZeroPoint, filter.Read<sbyte>(), Bias<int>(bias), _mult, _shift,
                        output.ZeroPoint, output.Write<sbyte>(), _kg, dm, _actMin, _actMax, ctx.Threads);
                }
                else if (_xnnpack)
                {
                    ParallelWork.For(ctx.Threads, rows, work, (s, e, _) => ReferenceKernels.DepthwiseConvXnnpack(g, dm, input.Read<sbyte>(), -input.ZeroPoint,
                        _filter8.Length > 0 ? _filter8 : filter.Read<sbyte>(), 0, Bias<int>(bias), _float, output.Write<sbyte>(), s, e));
                }
                else
                {
                    Conv2DOperator.ForRowBlocks(ctx.Threads, _kg, work, (in Conv2DGeometry kg, int i, int o) => KernelReference.Convolution.DepthwiseConv2DInt8PerChannel(
                        input.Read<sbyte>().Slice(i), input.ZeroPoint, _filter8.Length > 0 ? _filter8 : filter.Read<sbyte>(), Bias<int>(bias), _mult, _shift,
                        output.ZeroPoint, output.Write<sbyte>().Slice(o), kg, dm, _actMin, _actMax));
                }

                break;
            case Kind.UInt8:
                if (_fast is not null)
                {
                    _fast.Run(g, input.Read<byte>(), input.ZeroPoint, output.Write<byte>(), output.ZeroPoint, _xnnMin, _xnnMax, ctx.Threads);
                }
                else if (!_xnnpack && !ctx.UseReference)
                {
                    Convolution.DepthwiseConv2DUInt8(input.Read<byte>(), input.ZeroPoint, filter.Read<byte>(), filter.ZeroPoint, Bias<int>(bias), _mult[0], _shift[0],
                        output.ZeroPoint, output.Write<byte>(), _kg, dm, _actMin, _actMax, ctx.Threads);
                }
                else if (_xnnpack)
                {
                    ParallelWork.For(ctx.Threads, rows, work, (s, e, _) => ReferenceKernels.DepthwiseConvXnnpack(g, dm, input.Read<byte>(), -input.ZeroPoint,
                        filter.Read<byte>(), -filter.ZeroPoint, Bias<int>(bias), _float, output.Write<byte>(), s, e));
                }
                else
                {
                    Conv2DOperator.ForRowBlocks(ctx.Threads, _kg, work, (in Conv2DGeometry kg, int i, int o) => KernelReference.Convolution.DepthwiseConv2DUInt8(
                        input.Read<byte>().Slice(i), input.ZeroPoint, filter.Read<byte>(), filter.ZeroPoint, Bias<int>(bias), _mult[0], _shift[0],
                        output.ZeroPoint, output.Write<byte>().Slice(o), kg, dm, _actMin, _actMax));
                }

                break;
            case Kind.Int16:
                long[] b64 = _bias64.Length > 0 || bias is null ? _bias64 : ConvQuantization.BiasAsInt64(bias);
                Conv2DOperator.ForRowBlocks(ctx.Threads, _kg, work, (in Conv2DGeometry kg, int i, int o) => KernelReference.Convolution.DepthwiseConv2DInt16x8(
                    input.Read<short>().Slice(i), filter.Read<sbyte>(), b64, _mult, _shift, output.Write<short>().Slice(o), kg, dm, _actMin, _actMax));
                break;
            case Kind.Hybrid:
                int perBatch = input.ElementCount / g.Batches;
                var x = input.Read<float>();
                for (int b = 0; b < g.Batches; b++)
                {
                    HybridQuantization.Asymmetric(x.Slice(b * perBatch, perBatch), _quantized.AsSpan(b * perBatch, perBatch), out _batchScales[b], out _batchOffsets[b]);
                }

                ParallelWork.For(ctx.Threads, rows, work, (s, e, _) => ReferenceKernels.DepthwiseConvHybrid(g, dm, _quantized, _batchScales, _batchOffsets,
                    filter.Read<sbyte>(), _channelScales, Bias<float>(bias), output.Write<float>(), _fmin, _fmax, s, e));
                break;
        }
    }

    private static ReadOnlySpan<T> Bias<T>(RuntimeTensor? bias) where T : unmanaged => bias is null ? default : bias.Read<T>();
}
