using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Kernels;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Optimized;
using ModelOptimization.Runtime.Reference;
using KernelReference = ModelOptimization.Kernels.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// CONV_2D: float, hybrid (float activations, int8 weights, per-tensor or per-channel), int8 per-channel,
/// legacy uint8 and int16x8. Prepare computes the geometry, requantization factors and packs the weights; the fast
/// path is im2col + the Kernels GEMM (bit-exact for integer types), 8-bit filters over few input channels read a
/// zero-bordered int16 copy of the input in place, grouped convolution uses the reference.
/// </summary>
internal sealed class Conv2DOperator : OperatorKernel
{
    private enum Kind { Float, Hybrid, Int8, UInt8, Int16 }

    private readonly ConvGeometry _g = new();
    private Conv2DGeometry _kg;
    private Kind _kind;
    private bool _grouped;
    private float _fmin, _fmax;
    private int _actMin, _actMax;
    private int[] _mult = [], _shift = [];
    private long[] _bias64 = [];
    private float[] _channelScales = [];
    private bool _hybridPerChannel;
    private bool _hybridXnnpack, _hybridPerPixel;
    private PackedWeights? _packed;
    private QuantizedGemm? _matmul;
    private QuantizedShallowConvolution? _shallow;
    private FixedPointRequantizer _fixed;
    private FloatRequantizer _float;
    private bool _xnnpack;
    private sbyte[] _quantized = [];
    private float[] _batchScales = [];
    private int[] _batchOffsets = [];
    private sbyte[] _filter8 = [];

    public override long ScratchBytes => (_packed?.SizeInBytes ?? 0) + (_matmul?.SizeInBytes ?? 0) + (_shallow?.SizeInBytes ?? 0) + _quantized.Length + _filter8.Length;

    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var filter = ctx.Input(1);
        var bias = ctx.OptionalInput(2);
        var output = ctx.Output(0);
        ctx.Require(input.Rank == 4 && filter.Rank == 4, "input and filter must be 4-D");
        int inDepth = input.Dim(3), filterDepth = filter.Dim(3);
        ctx.Require(filterDepth > 0 && inDepth % filterDepth == 0, $"input depth {inDepth} is not a multiple of filter depth {filterDepth}");
        _grouped = inDepth != filterDepth;
        var g = _g;
        g.Batches = input.Dim(0);
        g.InputHeight = input.Dim(1);
        g.InputWidth = input.Dim(2);
        g.InputDepth = inDepth;
        g.OutputDepth = filter.Dim(0);
        g.FilterHeight = filter.Dim(1);
        g.FilterWidth = filter.Dim(2);
        g.StrideWidth = ctx.GetInt("stride_w", 1);
        g.StrideHeight = ctx.GetInt("stride_h", 1);
        g.DilationWidth = ctx.GetInt("dilation_w_factor", 1);
        g.DilationHeight = ctx.GetInt("dilation_h_factor", 1);
        ctx.Require(g.StrideWidth > 0 && g.StrideHeight > 0 && g.DilationWidth > 0 && g.DilationHeight > 0, "strides and dilations must be positive");
        ctx.Require(g.OutputDepth % (inDepth / filterDepth) == 0, "output depth is not a multiple of the groups");
        g.ComputePadding((Padding)ctx.GetInt("padding"));
        ctx.SetOutputShape(0, [g.Batches, g.OutputHeight, g.OutputWidth, g.OutputDepth]);
        _kg = new Conv2DGeometry(g.Batches, g.InputHeight, g.InputWidth, g.InputDepth, g.FilterHeight, g.FilterWidth, g.OutputDepth,
            g.OutputHeight, g.OutputWidth, g.StrideHeight, g.StrideWidth, g.DilationHeight, g.DilationWidth, g.PadTop, g.PadLeft);
        ctx.Require(bias is null || bias.ElementCount == g.OutputDepth, "bias size differs from the output depth");
        var act = ctx.FusedActivation;
        ctx.Require(ActivationRange.IsClamp(act), $"fused activation {act}");
        (_fmin, _fmax) = ActivationRange.Float(act);

        switch (input.Type, filter.Type)
        {
            case (TensorType.Float32, TensorType.Float32):
                ctx.Require(output.Type == TensorType.Float32 && (bias is null || bias.Type == TensorType.Float32), "float CONV_2D needs float output and bias");
                _kind = Kind.Float;
                if (!_grouped && filter.IsConstantValue && !ctx.UseReference)
                {
                    _packed = PackedWeights.PackFloat(filter.Read<float>(), g.OutputDepth, Im2Col.Depth(g));
                }

                break;
            case (TensorType.Float32, TensorType.Int8):
                ctx.Require(output.Type == TensorType.Float32 && filter.IsQuantized, "hybrid CONV_2D needs float output and a quantized filter");
                _kind = Kind.Hybrid;
                var scales = filter.Quantization!.Scale!;
                _hybridPerChannel = _grouped || (scales.Length > 1 && scales.Any(s => s != scales[0]));
                // The XNNPACK delegate takes hybrid convolutions with a static symmetric filter (per-tensor or per output
                // channel) and a static float bias, and runs them on dynamically quantized ("qd8") inputs.
                _hybridXnnpack = ctx.LiteRtArithmetic && filter.Storage == TensorStorage.Constant && ConvQuantization.HasZeroZeroPoints(filter)
                    && (scales.Length == 1 || filter.Quantization!.QuantizedDimension == 0)
                    && bias is { Type: TensorType.Float32, Storage: TensorStorage.Constant };
                // XNNPACK rewrites a 1x1, stride-1, ungrouped convolution as a fully connected layer, whose dynamic
                // quantization is per pixel instead of per image.
                _hybridPerPixel = _hybridXnnpack && !_grouped && g.FilterHeight == 1 && g.FilterWidth == 1 && g.StrideHeight == 1
                    && g.StrideWidth == 1 && inDepth + g.OutputDepth > 2;
                _channelScales = _hybridPerChannel || _hybridXnnpack ? Enumerable.Range(0, g.OutputDepth).Select(c => scales[scales.Length > 1 ? c : 0]).ToArray() : [];
                _quantized = new sbyte[input.ElementCount];
                _batchScales = new float[g.Batches];
                _batchOffsets = _hybridPerChannel || _hybridXnnpack ? new int[g.Batches] : [];
                break;
            case (TensorType.Int8, TensorType.Int8):
            case (TensorType.Int8, TensorType.Int4):
                ctx.Require(output.Type == TensorType.Int8 && (bias is null || bias.Type == TensorType.Int32), "int8 CONV_2D needs int8 output and int32 bias");
                ctx.Require(ConvQuantization.HasZeroZeroPoints(filter), "int8 filters must have zero points of 0");
                _kind = Kind.Int8;
                (_mult, _shift) = ConvQuantization.PerChannel(input, filter, output, g.OutputDepth);
                (_actMin, _actMax) = ActivationRange.Quantized(act, output);
                _filter8 = filter.Type == TensorType.Int4 ? Int4.Unpack(filter.Bytes, filter.ElementCount) : [];
                PrepareRequantization(ctx, input, filter, bias, output, act);
                if (!_grouped && filter.IsConstantValue && !ctx.UseReference && QuantizedShallowConvolution.Applies(g))
                {
                    _shallow = QuantizedShallowConvolution.Create(g, Filter8(filter), 0);
                }
                else if (!_grouped && filter.IsConstantValue && !ctx.UseReference)
                {
                    if (_xnnpack) _matmul = QuantizedGemm.Create(Filter8(filter), 0, g.OutputDepth, Im2Col.Depth(g));
                    else _packed = PackedWeights.PackInt8(Filter8(filter), g.OutputDepth, Im2Col.Depth(g));
                }

                break;
            case (TensorType.UInt8, TensorType.UInt8):
                ctx.Require(output.Type == TensorType.UInt8 && (bias is null || bias.Type == TensorType.Int32), "uint8 CONV_2D needs uint8 output and int32 bias");
                _kind = Kind.UInt8;
                var (m, s) = ConvQuantization.PerTensor(input, filter, output);
                _mult = [m];
                _shift = [s];
                (_actMin, _actMax) = ActivationRange.Quantized(act, output);
                PrepareRequantization(ctx, input, filter, bias, output, act);
                if (!_grouped && filter.IsConstantValue && !ctx.UseReference && QuantizedShallowConvolution.Applies(g))
                {
                    _shallow = QuantizedShallowConvolution.Create(g, filter.Read<byte>(), filter.ZeroPoint);
                }
                else if (!_grouped && filter.IsConstantValue && !ctx.UseReference)
                {
                    if (_xnnpack) _matmul = QuantizedGemm.Create(filter.Read<byte>(), filter.ZeroPoint, g.OutputDepth, Im2Col.Depth(g));
                    else _packed = PackedWeights.PackUInt8(filter.Read<byte>(), filter.ZeroPoint, g.OutputDepth, Im2Col.Depth(g));
                }

                break;
            case (TensorType.Int16, TensorType.Int8):
                ctx.Require(output.Type == TensorType.Int16 && (bias is null || bias.Type is TensorType.Int64 or TensorType.Int32), "int16x8 CONV_2D needs int16 output and int64/int32 bias");
                ctx.Require(input.ZeroPoint == 0 && output.ZeroPoint == 0, "int16 activations must have zero points of 0");
                _kind = Kind.Int16;
                (_mult, _shift) = ConvQuantization.PerChannel(input, filter, output, g.OutputDepth);
                (_actMin, _actMax) = ActivationRange.Quantized(act, output);
                _bias64 = bias is not null && bias.IsConstantValue ? ConvQuantization.BiasAsInt64(bias) : [];
                if (!_grouped && filter.IsConstantValue && !ctx.UseReference)
                {
                    _packed = PackedWeights.PackInt8(filter.Read<sbyte>(), g.OutputDepth, Im2Col.Depth(g));
                }

                break;
            default:
                throw ctx.NotSupported($"input {TensorTypeInfo.ShortName(input.Type)} with filter {TensorTypeInfo.ShortName(filter.Type)}");
        }
    }

    /// <summary>TFLite fixed point, or XNNPACK's float requantization when LiteRT would delegate the node.</summary>
    private void PrepareRequantization(KernelContext ctx, RuntimeTensor input, RuntimeTensor filter, RuntimeTensor? bias, RuntimeTensor output, ActivationFunctionType act)
    {
        _fixed = new FixedPointRequantizer(_mult, _shift, output.ZeroPoint, _actMin, _actMax);
        float[]? scales = ctx.LiteRtArithmetic && !_grouped ? XnnpackQuantization.ConvolutionScales(input, filter, bias, output, _g.OutputDepth, 0) : null;
        _xnnpack = scales is not null;
        if (scales is not null)
        {
            var (min, max) = XnnpackQuantization.ActivationRange(act, output);
            _float = new FloatRequantizer(scales, output.ZeroPoint, min, max);
        }
    }

    /// <summary>
    /// Whether the quantized GEMM reads windows straight from the input (no im2col matrix): spatial filters with
    /// enough output pixels that threads split them in groups of 4 rows.
    /// </summary>
    private bool DirectWindows(KernelContext ctx) => !_g.IsPointwise && (long)_g.Batches * _g.OutputHeight * _g.OutputWidth >= 16L * ctx.Threads;

    private ReadOnlySpan<sbyte> Filter8(RuntimeTensor filter) => _filter8.Length > 0 ? _filter8 : filter.Read<sbyte>();

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var filter = ctx.Input(1);
        var bias = ctx.OptionalInput(2);
        var output = ctx.Output(0);
        var g = _g;
        int rows = g.Batches * g.OutputHeight;
        long work = (long)g.OutputWidth * g.OutputDepth * Im2Col.Depth(g) / Math.Max(1, g.InputDepth / filter.Dim(3));
        switch (_kind)
        {
            case Kind.Float:
                if (_packed is not null) RunIm2Col(ctx, input, output, 0f, (a, m, o) => FullyConnected.Float(a, _packed, Bias<float>(bias), o.Cast<float>(), m, _fmin, _fmax, ctx.Threads));
                else ForRowBlocks(ctx.Threads, _kg, work, (in Conv2DGeometry kg, int i, int o) => KernelReference.Convolution.Conv2DFloat(input.Read<float>().Slice(i),
                    filter.Read<float>(), Bias<float>(bias), output.Write<float>().Slice(o), kg, _fmin, _fmax));
                break;
            case Kind.Int8:
                if (_shallow is not null && _xnnpack) _shallow.Run(input.Read<sbyte>(), input.ZeroPoint, Bias<int>(bias), output.Write<sbyte>(), _float, ctx.Threads);
                else if (_shallow is not null) _shallow.Run(input.Read<sbyte>(), input.ZeroPoint, Bias<int>(bias), output.Write<sbyte>(), _fixed, ctx.Threads);
                else if (_matmul is not null && DirectWindows(ctx)) _matmul.RunConvolution(g, input.Read<sbyte>(), input.ZeroPoint, Bias<int>(bias), output.Write<sbyte>(), _float, ctx.Threads);
                else if (_matmul is not null) RunIm2Col(ctx, input, output, (sbyte)input.ZeroPoint, (a, m, o) => _matmul.Run(a, input.ZeroPoint, Bias<int>(bias), o.Cast<sbyte>(), m, _float, ctx.Threads));
                else if (_packed is not null) RunIm2Col(ctx, input, output, (sbyte)input.ZeroPoint, (a, m, o) => FullyConnected.Int8PerChannel(a, input.ZeroPoint, _packed, Bias<int>(bias), _mult, _shift, output.ZeroPoint, o.Cast<sbyte>(), m, _actMin, _actMax, ctx.Threads));
                else if (_xnnpack) ParallelWork.For(ctx.Threads, rows, work, (s, e, _) => ReferenceKernels.Conv2DXnnpack(g, input.Read<sbyte>(), -input.ZeroPoint, Filter8(filter), 0, Bias<int>(bias), _float, output.Write<sbyte>(), s, e));
                else ForRowBlocks(ctx.Threads, _kg, work, (in Conv2DGeometry kg, int i, int o) => KernelReference.Convolution.Conv2DInt8PerChannel(input.Read<sbyte>().Slice(i),
                    input.ZeroPoint, Filter8(filter), Bias<int>(bias), _mult, _shift, output.ZeroPoint, output.Write<sbyte>().Slice(o), kg, _actMin, _actMax));
                break;
            case Kind.UInt8:
                if (_shallow is not null && _xnnpack) _shallow.Run(input.Read<byte>(), input.ZeroPoint, Bias<int>(bias), output.Write<byte>(), _float, ctx.Threads);
                else if (_shallow is not null) _shallow.Run(input.Read<byte>(), input.ZeroPoint, Bias<int>(bias), output.Write<byte>(), _fixed, ctx.Threads);
                else if (_matmul is not null && DirectWindows(ctx)) _matmul.RunConvolution(g, input.Read<byte>(), input.ZeroPoint, Bias<int>(bias), output.Write<byte>(), _float, ctx.Threads);
                else if (_matmul is not null) RunIm2Col(ctx, input, output, (byte)input.ZeroPoint, (a, m, o) => _matmul.Run(a, input.ZeroPoint, Bias<int>(bias), o.Cast<byte>(), m, _float, ctx.Threads));
                else if (_packed is not null) RunIm2Col(ctx, input, output, (byte)input.ZeroPoint, (a, m, o) => FullyConnected.UInt8(a, input.ZeroPoint, _packed, Bias<int>(bias), _mult[0], _shift[0], output.ZeroPoint, o.Cast<byte>(), m, _actMin, _actMax, ctx.Threads));
                else if (_xnnpack) ParallelWork.For(ctx.Threads, rows, work, (s, e, _) => ReferenceKernels.Conv2DXnnpack(g, input.Read<byte>(), -input.ZeroPoint, filter.Read<byte>(), -filter.ZeroPoint, Bias<int>(bias), _float, output.Write<byte>(), s, e));
                else ForRowBlocks(ctx.Threads, _kg, work, (in Conv2DGeometry kg, int i, int o) => KernelReference.Convolution.Conv2DUInt8(input.Read<byte>().Slice(i),
                    input.ZeroPoint, filter.Read<byte>(), filter.ZeroPoint, Bias<int>(bias), _mult[0], _shift[0], output.ZeroPoint, output.Write<byte>().Slice(o), kg, _actMin, _actMax));
                break;
            case Kind.Int16:
                long[] b64 = _bias64.Length > 0 || bias is null ? _bias64 : ConvQuantization.BiasAsInt64(bias);
                if (_packed is not null) RunIm2Col(ctx, input, output, (short)0, (a, m, o) => FullyConnected.Int16x8(a, _packed, b64, _mult, _shift, o.Cast<short>(), m, _actMin, _actMax, ctx.Threads));
                else ForRowBlocks(ctx.Threads, _kg, work, (in Conv2DGeometry kg, int i, int o) => KernelReference.Convolution.Conv2DInt16x8(input.Read<short>().Slice(i),
                    filter.Read<sbyte>(), b64, _mult, _shift, output.Write<short>().Slice(o), kg, _actMin, _actMax));
                break;
            case Kind.Hybrid:
                EvalHybrid(ctx, input, filter, bias, output, rows, work);
                break;
        }
    }

    private void EvalHybrid(KernelContext ctx, RuntimeTensor input, RuntimeTensor filter, RuntimeTensor? bias, RuntimeTensor output, int rows, long work)
    {
        var g = _g;
        if (_hybridPerPixel)
        {
            XnnpackDynamicQuantization.FullyConnected(input.Read<float>(), _filter8.Length > 0 ? _filter8 : filter.Read<sbyte>(), _channelScales,
                Bias<float>(bias), output.Write<float>(), g.Batches * g.InputHeight * g.InputWidth, g.OutputDepth, g.InputDepth, _fmin, _fmax, _quantized);
            return;
        }

        int perBatch = input.ElementCount / g.Batches;
        var x = input.Read<float>();
        for (int b = 0; b < g.Batches; b++)
        {
            var src = x.Slice(b * perBatch, perBatch);
            var dst = _quantized.AsSpan(b * perBatch, perBatch);
            if (_hybridXnnpack)
            {
                XnnpackDynamicQuantization.Quantize(src, dst, out _batchScales[b], out _batchOffsets[b]);
            }
            else if (_hybridPerChannel)
            {
                HybridQuantization.Asymmetric(src, dst, out _batchScales[b], out _batchOffsets[b]);
            }
            else
            {
                HybridQuantization.Symmetric(src, dst, out _batchScales[b]);
                _batchScales[b] *= filter.Scale;
            }
        }

        ParallelWork.For(ctx.Threads, rows, work, (s, e, _) => ReferenceKernels.Conv2DHybrid(g, _quantized, _batchScales, _batchOffsets,
            _filter8.Length > 0 ? _filter8 : filter.Read<sbyte>(), _channelScales, Bias<float>(bias), output.Write<float>(), _fmin, _fmax, s, e,
            inputScaleFirst: _hybridXnnpack));
    }

    internal delegate void RowBlock(in Conv2DGeometry block, int inputStart, int outputStart);

    /// <summary>
    /// Runs a Kernels reference convolution over blocks of output rows in parallel: each block is rows [oy0, oy1) of
    /// one batch, described as a one-batch geometry whose top padding is shifted by oy0 · stride (so it may be
    /// negative), with the input and output offsets of that batch and first row. Results do not depend on the split.
    /// Depthwise convolutions use it too (the same geometry).
    /// </summary>
    internal static void ForRowBlocks(int threads, Conv2DGeometry g, long workPerRow, RowBlock body)
    {
        int inputPerBatch = g.InputHeight * g.InputWidth * g.InputChannels;
        ParallelWork.For(threads, g.Batches * g.OutputHeight, workPerRow, (s, e, _) =>
        {
            for (int row = s; row < e;)
            {
                int b = row / g.OutputHeight, oy0 = row % g.OutputHeight;
                int count = Math.Min(g.OutputHeight - oy0, e - row);
                var block = g with { Batches = 1, OutputHeight = count, PadTop = g.PadTop - oy0 * g.StrideHeight };
                body(block, b * inputPerBatch, row * g.OutputWidth * g.OutputChannels);
                row += count;
            }
        });
    }

    private delegate void GemmBlock<T>(ReadOnlySpan<T> columns, int m, OutputBlock o) where T : unmanaged;

    /// <summary>A slice of the output tensor, reinterpreted for the element type at hand.</summary>
    private readonly ref struct OutputBlock
    {
        private readonly Span<byte> _bytes;

        public OutputBlock(Span<byte> bytes) => _bytes = bytes;

        public Span<T> Cast<T>() where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(_bytes);
    }

    private void RunIm2Col<T>(KernelContext ctx, RuntimeTensor input, RuntimeTensor output, T pad, GemmBlock<T> gemm) where T : unmanaged
    {
        var g = _g;
        int pixels = g.Batches * g.OutputHeight * g.OutputWidth;
        int n = g.OutputDepth;
        int elem = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        var outBytes = output.WritableBytes;
        if (g.IsPointwise)
        {
            gemm(input.Read<T>(), pixels, new OutputBlock(outBytes));
            return;
        }

        int k = Im2Col.Depth(g);
        int block = Im2Col.BlockPixels(g, elem, pixels);
        var columns = System.Buffers.ArrayPool<T>.Shared.Rent(block * k);
        try
        {
            for (int p = 0; p < pixels; p += block)
            {
                int count = Math.Min(block, pixels - p);
                var cols = columns.AsSpan(0, count * k);
                int first = p;
                ParallelWork.For(ctx.Threads, count, k, (s, e, _) => Im2Col.Fill(g, input.Read<T>(), columns.AsSpan(s * k, (e - s) * k), pad, first + s, e - s));
                gemm(cols, count, new OutputBlock(outBytes.Slice(p * n * elem, count * n * elem)));
            }
        }
        finally
        {
            System.Buffers.ArrayPool<T>.Shared.Return(columns);
        }
    }

    private static ReadOnlySpan<T> Bias<T>(RuntimeTensor? bias) where T : unmanaged => bias is null ? default : bias.Read<T>();
}
