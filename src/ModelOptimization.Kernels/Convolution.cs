using System.Buffers;
using ModelOptimization.Kernels.Gemm;

namespace ModelOptimization.Kernels;

/// <summary>
/// 2-D convolutions over NHWC tensors with OHWI filters (TFLite layouts); geometry in <see cref="Conv2DGeometry"/>.
/// Conv2D is im2col (a chunk of output pixels at a time, into the caller's scratch) followed by the
/// <see cref="FullyConnected"/> GEMMs; a 1×1, stride-1, unpadded float convolution reads the input directly.
/// Each method has a scalar twin in <see cref="Reference.Convolution"/>; integer results equal it bit for bit, float
/// results differ by rounding only (fused multiply-adds in another order). Threads take whole chunks of output
/// pixels, so results do not depend on the thread count.
/// </summary>
public static unsafe partial class Convolution
{
    /// <summary>
    /// TFLite ComputePaddingHeightWidth for one dimension: SAME: out = ceil(in / stride); VALID:
    /// out = (in + stride − effectiveFilter) / stride with effectiveFilter = (filter − 1)·dilation + 1; the padding
    /// before is max(0, (out − 1)·stride + effectiveFilter − in) / 2 (an odd total puts the extra one after).
    /// </summary>
    public static void ComputePadding(bool isSame, int inSize, int filterSize, int stride, int dilation, out int outSize, out int padBefore)
    {
        if (stride <= 0) throw new ArgumentOutOfRangeException(nameof(stride), stride, "The stride must be positive.");
        int effectiveFilter = (filterSize - 1) * dilation + 1;
        outSize = isSame ? (inSize + stride - 1) / stride : (inSize + stride - effectiveFilter) / stride;
        int total = (outSize - 1) * stride + effectiveFilter - inSize;
        padBefore = total > 0 ? total / 2 : 0;
    }

    /// <summary>
    /// Output pixels per im2col chunk: a multiple of 6 (the GEMM's row block), at most 192, with the chunk near 384 KiB so
    /// that it and one weight panel stay in L2 while every panel of the filter passes over the chunk (a larger chunk
    /// reads the filter fewer times).
    /// </summary>
    internal static int ChunkRows(int depth) => Math.Clamp((384 * 1024 / Math.Max(1, depth * 4)) / 6 * 6, 6, 192);

    /// <summary>True when a float convolution needs no im2col (1×1 filter, stride 1, no padding).</summary>
    public static bool IsPointwise(in Conv2DGeometry g) =>
        g.FilterHeight == 1 && g.FilterWidth == 1 && g.StrideHeight == 1 && g.StrideWidth == 1 && g.PadTop == 0 && g.PadLeft == 0
        && g.OutputHeight == g.InputHeight && g.OutputWidth == g.InputWidth;

    /// <summary>Floats of im2col scratch <see cref="Conv2DFloat(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DGeometry, float, float, Span{float}, int)"/> needs for this geometry and thread count (0 for a pointwise convolution).</summary>
    public static int Conv2DFloatScratchLength(in Conv2DGeometry g, int threadCount) =>
        IsPointwise(g) ? 0 : Math.Max(1, threadCount) * ChunkRows(g.Depth) * g.Depth;

    /// <summary>int16 elements of scratch the integer convolutions (Int8PerChannel, UInt8, Int16x8) need.</summary>
    public static int Conv2DIntegerScratchLength(in Conv2DGeometry g, int threadCount) =>
        Math.Max(1, threadCount) * ChunkRows(g.Depth) * Int16Gemm.PaddedDepth(g.Depth);

    /// <summary>
    /// Float Conv2D: out = clamp(Σ_{fy,fx,ic} in·w + bias[oc], activationMin, activationMax), padding contributes 0.
    /// <paramref name="im2colScratch"/> holds at least <see cref="Conv2DFloatScratchLength"/> floats.
    /// </summary>
    public static void Conv2DFloat(ReadOnlySpan<float> input, ReadOnlySpan<float> filter, ReadOnlySpan<float> bias,
        Span<float> output, in Conv2DGeometry geometry, float activationMin, float activationMax, Span<float> im2colScratch,
        int threadCount)
    {
        Guard.Length(filter.Length, (long)geometry.OutputChannels * geometry.Depth, nameof(filter));
        int nr = FloatGemm.PanelWidthFor(Isa.FloatBits);
        float[] packed = ArrayPool<float>.Shared.Rent(Math.Max(1, FloatGemm.PackedLength(geometry.OutputChannels, geometry.Depth, nr)));
        try
        {
            FloatGemm.Pack(filter, geometry.OutputChannels, geometry.Depth, nr, packed);
            Conv2DFloatCore(input, packed, nr, bias, output, geometry, activationMin, activationMax, im2colScratch, threadCount);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packed);
        }
    }

    /// <summary>Conv2DFloat with the filter packed in prepare: <c>PackedWeights.PackFloat(filter, OutputChannels, Depth)</c>.</summary>
    public static void Conv2DFloat(ReadOnlySpan<float> input, PackedWeights filter, ReadOnlySpan<float> bias, Span<float> output,
        in Conv2DGeometry geometry, float activationMin, float activationMax, Span<float> im2colScratch, int threadCount)
    {
        ArgumentNullException.ThrowIfNull(filter);
        filter.Expect(PackedWeightsKind.Float32, geometry.OutputChannels, geometry.Depth);
        Conv2DFloatCore(input, filter.Float!, filter.PanelWidth, bias, output, geometry, activationMin, activationMax, im2colScratch, threadCount);
    }

    private static void Conv2DFloatCore(ReadOnlySpan<float> input, ReadOnlySpan<float> packed, int nr, ReadOnlySpan<float> bias,
        Span<float> output, in Conv2DGeometry g, float lo, float hi, Span<float> scratch, int threadCount)
    {
        CheckConv(g, input.Length, output.Length, bias.Length);
        int pixels = g.OutputPixels, k = g.Depth, n = g.OutputChannels;
        fixed (float* pIn = input)
        fixed (float* pPacked = packed)
        fixed (float* pBias = bias)
        fixed (float* pOut = output)
        fixed (float* pScratch = scratch)
        {
            float* biasPtr = bias.IsEmpty ? null : pBias;
            if (IsPointwise(g))
            {
                GemmDriver.Float(pIn, k, pPacked, nr, pixels, n, k, biasPtr, pOut, n, lo, hi, threadCount);
                return;
            }

            int rows = ChunkRowsFor(pixels, k, threadCount);
            int chunks = (pixels + rows - 1) / rows;
            Guard.Length(scratch.Length, (long)Parallelism.Parts(threadCount, chunks) * rows * k, "im2colScratch");
            var work = new FloatConvWork
            {
                Input = pIn, Packed = pPacked, Nr = nr, Bias = biasPtr, Output = pOut, Scratch = pScratch, Geometry = g,
                Rows = rows, Pixels = pixels, Lo = lo, Hi = hi,
            };
            Parallelism.For(threadCount, chunks, work);
        }
    }

    /// <summary>Chunk size: <see cref="ChunkRows"/>, smaller when there are fewer chunks than threads.</summary>
    private static int ChunkRowsFor(int pixels, int depth, int threadCount)
    {
        int rows = ChunkRows(depth);
        int threads = Math.Max(1, threadCount);
        if ((pixels + rows - 1) / rows < threads) rows = Math.Max(6, ((pixels + threads - 1) / threads + 5) / 6 * 6);
        return Math.Min(rows, ChunkRows(depth));
    }

    private struct FloatConvWork : IRangeWork
    {
        public float* Input, Packed, Bias, Output, Scratch;
        public int Nr, Rows, Pixels;
        public float Lo, Hi;
        public Conv2DGeometry Geometry;

        public void Run(int start, int end, int part)
        {
            int k = Geometry.Depth, n = Geometry.OutputChannels;
            int panels = (n + Nr - 1) / Nr;
            float* a = Scratch + (long)part * Rows * k;
            for (int chunk = start; chunk < end; chunk++)
            {
                int r0 = chunk * Rows;
                int count = Math.Min(Rows, Pixels - r0);
                Im2Col.Float(Input, Geometry, r0, count, a);
                FloatGemm.Run(a, k, Packed, Nr, n, k, Bias, Output + (long)r0 * n, n, 0, count, 0, panels, Lo, Hi);
            }
        }
    }

    /// <summary>
    /// int8 Conv2D with per-channel (or per-tensor) requantization, TFLite reference_integer_ops::ConvPerChannel:
    /// acc = Σ (in − inputZeroPoint)·w + bias[oc]; out = clamp(MultiplyByQuantizedMultiplier(acc, mult[oc], shift[oc])
    /// + outputZeroPoint). Bit-exact. <paramref name="im2colScratch"/>: <see cref="Conv2DIntegerScratchLength"/>.
    /// </summary>
    public static void Conv2DInt8PerChannel(ReadOnlySpan<sbyte> input, int inputZeroPoint, ReadOnlySpan<sbyte> filter,
        ReadOnlySpan<int> bias, ReadOnlySpan<int> outputMultiplier, ReadOnlySpan<int> outputShift, int outputZeroPoint,
        Span<sbyte> output, in Conv2DGeometry geometry, int activationMin, int activationMax, Span<short> im2colScratch, int threadCount)
    {
        Guard.Length(filter.Length, (long)geometry.OutputChannels * geometry.Depth, nameof(filter));
        using var packed = PackedInt16.Int8(filter, geometry.OutputChannels, geometry.Depth);
        Conv2DInt8Core(input, inputZeroPoint, packed.Span, packed.PanelWidth, bias, outputMultiplier, outputShift, outputZeroPoint,
            output, geometry, activationMin, activationMax, im2colScratch, threadCount);
    }

    /// <summary>Conv2DInt8PerChannel with the filter packed in prepare: <c>PackedWeights.PackInt8(filter, OutputChannels, Depth)</c>.</summary>
    public static void Conv2DInt8PerChannel(ReadOnlySpan<sbyte> input, int inputZeroPoint, PackedWeights filter,
        ReadOnlySpan<int> bias, ReadOnlySpan<int> outputMultiplier, ReadOnlySpan<int> outputShift, int outputZeroPoint,
        Span<sbyte> output, in Conv2DGeometry geometry, int activationMin, int activationMax, Span<short> im2colScratch, int threadCount)
    {
        ArgumentNullException.ThrowIfNull(filter);
        filter.Expect(PackedWeightsKind.Int8, geometry.OutputChannels, geometry.Depth);
        Conv2DInt8Core(input, inputZeroPoint, filter.Int16!, filter.PanelWidth, bias, outputMultiplier, outputShift, outputZeroPoint,
            output, geometry, activationMin, activationMax, im2colScratch, threadCount);
    }

    private static void Conv2DInt8Core(ReadOnlySpan<sbyte> input, int inputZeroPoint, ReadOnlySpan<short> packed, int nr,
        ReadOnlySpan<int> bias, ReadOnlySpan<int> outputMultiplier, ReadOnlySpan<int> outputShift, int outputZeroPoint,
        Span<sbyte> output, in Conv2DGeometry g, int lo, int hi, Span<short> scratch, int threadCount)
    {
        CheckConv(g, input.Length, output.Length, bias.Length);
        bool perChannel = Guard.PerChannel(outputMultiplier.Length, g.OutputChannels, nameof(outputMultiplier));
        Guard.Length(outputShift.Length, outputMultiplier.Length, nameof(outputShift));
        fixed (sbyte* pIn = input)
        fixed (short* pPacked = packed)
        fixed (int* pBias = bias)
        fixed (int* pMult = outputMultiplier)
        fixed (int* pShift = outputShift)
        fixed (sbyte* pOut = output)
        fixed (short* pScratch = scratch)
        {
            var epilogue = new Int8OutputEpilogue
            {
                Output = pOut, Ldc = g.OutputChannels, Bias = bias.IsEmpty ? null : pBias, Multiplier = pMult, Shift = pShift,
                PerChannel = perChannel, ZeroPoint = outputZeroPoint, Min = lo, Max = hi,
            };
            var source = new Im2Col.Int8Source { Input = pIn, ZeroPoint = inputZeroPoint };
            RunIntegerConv(source, pPacked, nr, g, int.MaxValue, epilogue, (short*)pScratch, scratch.Length, threadCount);
        }
    }

    /// <summary>
    /// Legacy uint8 Conv2D, TFLite reference_ops::Conv for uint8: acc = Σ (in − inZp)(w − wZp) + bias;
    /// out = clamp(MultiplyByQuantizedMultiplier(acc, mult, shift) + outZp). Bit-exact.
    /// </summary>
    public static void Conv2DUInt8(ReadOnlySpan<byte> input, int inputZeroPoint, ReadOnlySpan<byte> filter, int filterZeroPoint,
        ReadOnlySpan<int> bias, int outputMultiplier, int outputShift, int outputZeroPoint, Span<byte> output,
        in Conv2DGeometry geometry, int activationMin, int activationMax, Span<short> im2colScratch, int threadCount)
    {
        Guard.Length(filter.Length, (long)geometry.OutputChannels * geometry.Depth, nameof(filter));
        using var packed = PackedInt16.UInt8(filter, filterZeroPoint, geometry.OutputChannels, geometry.Depth);
        CheckConv(geometry, input.Length, output.Length, bias.Length);
        fixed (byte* pIn = input)
        fixed (short* pPacked = packed.Span)
        fixed (int* pBias = bias)
        fixed (byte* pOut = output)
        fixed (short* pScratch = im2colScratch)
        {
            var epilogue = new UInt8OutputEpilogue
            {
                Output = pOut, Ldc = geometry.OutputChannels, Bias = bias.IsEmpty ? null : pBias, Multiplier = outputMultiplier,
                Shift = outputShift, ZeroPoint = outputZeroPoint, Min = activationMin, Max = activationMax,
            };
            var source = new Im2Col.UInt8Source { Input = pIn, ZeroPoint = inputZeroPoint };
            RunIntegerConv(source, pPacked, packed.PanelWidth, geometry, int.MaxValue, epilogue, pScratch, im2colScratch.Length, threadCount);
        }
    }

    /// <summary>
    /// 16x8 Conv2D (int16 activations, zero points 0), TFLite reference_integer_ops::ConvPerChannel for int16:
    /// acc = Σ in·w + bias[oc] in int64; out = clamp(MultiplyByQuantizedMultiplier(acc as int64, mult[oc], shift[oc])).
    /// Bit-exact. (An int32 bias is passed widened to int64.)
    /// </summary>
    public static void Conv2DInt16x8(ReadOnlySpan<short> input, ReadOnlySpan<sbyte> filter, ReadOnlySpan<long> bias,
        ReadOnlySpan<int> outputMultiplier, ReadOnlySpan<int> outputShift, Span<short> output, in Conv2DGeometry geometry,
        int activationMin, int activationMax, Span<short> im2colScratch, int threadCount)
    {
        Guard.Length(filter.Length, (long)geometry.OutputChannels * geometry.Depth, nameof(filter));
        CheckConv(geometry, input.Length, output.Length, bias.Length);
        bool perChannel = Guard.PerChannel(outputMultiplier.Length, geometry.OutputChannels, nameof(outputMultiplier));
        Guard.Length(outputShift.Length, outputMultiplier.Length, nameof(outputShift));
        using var packed = PackedInt16.Int8(filter, geometry.OutputChannels, geometry.Depth);
        fixed (short* pIn = input)
        fixed (short* pPacked = packed.Span)
        fixed (long* pBias = bias)
        fixed (int* pMult = outputMultiplier)
        fixed (int* pShift = outputShift)
        fixed (short* pOut = output)
        fixed (short* pScratch = im2colScratch)
        {
            var epilogue = new Int16OutputEpilogue
            {
                Output = pOut, Ldc = geometry.OutputChannels, Bias = bias.IsEmpty ? null : pBias, Multiplier = pMult, Shift = pShift,
                PerChannel = perChannel, Min = activationMin, Max = activationMax,
            };
            var source = new Im2Col.Int16Source { Input = pIn };
            RunIntegerConv(source, pPacked, packed.PanelWidth, geometry, Int16OutputEpilogue.BlockPairs, epilogue, pScratch,
                im2colScratch.Length, threadCount);
        }
    }

    private static void RunIntegerConv<TSource, TE>(TSource source, short* packed, int nr, in Conv2DGeometry g, int blockPairs,
        TE epilogue, short* scratch, int scratchLength, int threadCount)
        where TSource : struct, Im2Col.IInt16Source where TE : struct, IInt32TileEpilogue
    {
        int pixels = g.OutputPixels;
        if (pixels == 0 || g.OutputChannels == 0) return;
        int kp = Int16Gemm.PaddedDepth(g.Depth);
        int rows = ChunkRowsFor(pixels, g.Depth, threadCount);
        int chunks = (pixels + rows - 1) / rows;
        Guard.Length(scratchLength, (long)Parallelism.Parts(threadCount, chunks) * rows * kp, "im2colScratch");
        var work = new IntegerConvWork<TSource, TE>
        {
            Source = source, Packed = packed, Nr = nr, Scratch = scratch, Geometry = g, Rows = rows, Pixels = pixels,
            BlockPairs = blockPairs, Epilogue = epilogue,
        };
        Parallelism.For(threadCount, chunks, work);
    }

    private struct IntegerConvWork<TSource, TE> : IRangeWork
        where TSource : struct, Im2Col.IInt16Source where TE : struct, IInt32TileEpilogue
    {
        public TSource Source;
        public short* Packed, Scratch;
        public int Nr, Rows, Pixels, BlockPairs;
        public Conv2DGeometry Geometry;
        public TE Epilogue;

        public void Run(int start, int end, int part)
        {
            int kp = Int16Gemm.PaddedDepth(Geometry.Depth), n = Geometry.OutputChannels;
            int panels = (n + Nr - 1) / Nr;
            short* a = Scratch + (long)part * Rows * kp;
            long* accumulators = stackalloc long[Int16Gemm.Mr * 32];
            TE epilogue = Epilogue;
            epilogue.BindScratch(accumulators);
            for (int chunk = start; chunk < end; chunk++)
            {
                int r0 = chunk * Rows;
                int count = Math.Min(Rows, Pixels - r0);
                Im2Col.Integer(Source, Geometry, r0, count, a);
                Int16Gemm.Run(a, kp, Packed, Nr, n, 0, count, 0, panels, BlockPairs, ref epilogue, r0);
            }
        }
    }

    private static void CheckConv(in Conv2DGeometry g, int inputLength, int outputLength, int biasLength)
    {
        g.Validate();
        Guard.Length(inputLength, g.InputLength, "input");
        Guard.Length(outputLength, g.OutputLength, "output");
        if (biasLength != 0) Guard.Length(biasLength, g.OutputChannels, "bias");
    }
}
