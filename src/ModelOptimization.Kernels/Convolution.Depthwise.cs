using System.Buffers;
using System.Runtime.Intrinsics;
using ModelOptimization.Kernels.Simd;
using ModelOptimization.Kernels.X86;

namespace ModelOptimization.Kernels;

public static unsafe partial class Convolution
{
    /// <summary>
    /// Float depthwise convolution, filter [1, FH, FW, OC] with OC = IC · depthMultiplier, output channel
    /// oc = ic · depthMultiplier + m: out = clamp(Σ_taps in[ic]·w[oc] + bias[oc]). Vectorized over channels; each output
    /// is a fused multiply-add chain over the taps in the reference's order (rounding differs from the unfused
    /// reference only). Threads take output rows.
    /// </summary>
    public static void DepthwiseConv2DFloat(ReadOnlySpan<float> input, ReadOnlySpan<float> filter, ReadOnlySpan<float> bias,
        Span<float> output, in Conv2DGeometry geometry, int depthMultiplier, float activationMin, float activationMax, int threadCount)
    {
        CheckDepthwise(geometry, depthMultiplier, input.Length, filter.Length, output.Length, bias.Length);
        fixed (float* pIn = input)
        fixed (float* pW = filter)
        fixed (float* pBias = bias)
        fixed (float* pOut = output)
        {
            var work = new DepthwiseFloatWork
            {
                Input = pIn, Filter = pW, Bias = bias.IsEmpty ? null : pBias, Output = pOut, Geometry = geometry,
                Multiplier = depthMultiplier, Lo = activationMin, Hi = activationMax, Bits = Isa.FloatBits,
            };
            Parallelism.For(threadCount, geometry.Batches * geometry.OutputHeight, work);
        }
    }

    private struct DepthwiseFloatWork : IRangeWork
    {
        public float* Input, Filter, Bias, Output;
        public Conv2DGeometry Geometry;
        public int Multiplier, Bits;
        public float Lo, Hi;

        public void Run(int start, int end, int part)
        {
            bool fused = Isa.FusedMultiplyAdd;

            // A vector wider than the channel count would leave every channel to the scalar tail (8 channels, 512 bits).
            int bits = Bits;
            while (bits > 128 && Geometry.OutputChannels < bits / 32) bits /= 2;
            if (bits >= 512 && fused) Rows<FloatVector512, Vector512<float>>(start, end);
            else if (bits >= 512) Rows<UnfusedFloatVector<FloatVector512, Vector512<float>>, Vector512<float>>(start, end);
            else if (bits >= 256 && fused) Rows<FloatVector256, Vector256<float>>(start, end);
            else if (bits >= 256) Rows<UnfusedFloatVector<FloatVector256, Vector256<float>>, Vector256<float>>(start, end);
            else if (bits >= 128 && fused) Rows<FloatVector128, Vector128<float>>(start, end);
            else if (bits >= 128) Rows<UnfusedFloatVector<FloatVector128, Vector128<float>>, Vector128<float>>(start, end);
            else Rows<FloatVector128, Vector128<float>>(start, end, scalarOnly: true);
        }

        private void Rows<TS, TV>(int start, int end, bool scalarOnly = false) where TS : struct, IFloatVector<TV> where TV : struct
        {
            Conv2DGeometry g = Geometry;
            int oc = g.OutputChannels, taps = g.FilterHeight * g.FilterWidth;
            int* tapInput = stackalloc int[taps];
            int* tapIndex = stackalloc int[taps];
            float[]? expanded = Multiplier > 1 ? ArrayPool<float>.Shared.Rent(taps * oc) : null;
            try
            {
                fixed (float* exp = expanded)
                {
                    // 3×3 with multiplier 1: interior pixels (all taps inside) take whole vectors of channels with
                    // the nine filter vectors held in registers; the same fused chain, so the same bits.
                    bool fast3x3 = !scalarOnly && Multiplier == 1 && g.FilterHeight == 3 && g.FilterWidth == 3 && oc >= TS.Count;
                    int vectorEnd = oc / TS.Count * TS.Count;
                    int oxLo = (g.PadLeft + g.StrideWidth - 1) / g.StrideWidth;
                    int oxHi = g.InputWidth - 1 - 2 * g.DilationWidth + g.PadLeft < 0 ? -1
                        : (g.InputWidth - 1 - 2 * g.DilationWidth + g.PadLeft) / g.StrideWidth;
                    oxHi = Math.Min(oxHi, g.OutputWidth - 1);
                    for (int row = start; row < end; row++)
                    {
                        int b = row / g.OutputHeight, oy = row - b * g.OutputHeight;
                        int iy0 = oy * g.StrideHeight - g.PadTop;
                        bool rowInside = fast3x3 && iy0 >= 0 && iy0 + 2 * g.DilationHeight < g.InputHeight && oxLo <= oxHi;
                        if (rowInside) Interior3x3<TS, TV>(b, oy, oxLo, oxHi, vectorEnd);
                        for (int ox = 0; ox < g.OutputWidth; ox++)
                        {
                            bool inside = rowInside && ox >= oxLo && ox <= oxHi;
                            if (inside && vectorEnd == oc) continue;
                            int valid = 0;
                            for (int fy = 0; fy < g.FilterHeight; fy++)
                            {
                                int iy = oy * g.StrideHeight - g.PadTop + fy * g.DilationHeight;
                                if (iy < 0 || iy >= g.InputHeight) continue;
                                for (int fx = 0; fx < g.FilterWidth; fx++)
                                {
                                    int ix = ox * g.StrideWidth - g.PadLeft + fx * g.DilationWidth;
                                    if (ix < 0 || ix >= g.InputWidth) continue;
                                    tapInput[valid] = ((b * g.InputHeight + iy) * g.InputWidth + ix) * g.InputChannels;
                                    tapIndex[valid] = (fy * g.FilterWidth + fx) * oc; // filter offset
                                    valid++;
                                }
                            }

                            // With a depth multiplier, each tap's input row is first expanded to output channels.
                            float* source = Input;
                            if (exp != null)
                            {
                                for (int t = 0; t < valid; t++)
                                {
                                    float* src = Input + tapInput[t];
                                    float* dst = exp + t * oc;
                                    for (int c = 0; c < oc; c++) dst[c] = src[c / Multiplier];
                                    tapInput[t] = t * oc;
                                }

                                source = exp;
                            }

                            float* o = Output + (((long)b * g.OutputHeight + oy) * g.OutputWidth + ox) * oc;
                            int c0 = inside ? vectorEnd : 0;
                            if (!scalarOnly && !inside)
                            {
                                TV lo = TS.Broadcast(Lo), hi = TS.Broadcast(Hi);
                                for (; c0 <= oc - TS.Count; c0 += TS.Count)
                                {
                                    TV acc = TS.Zero;
                                    for (int t = 0; t < valid; t++)
                                        acc = TS.FusedMultiplyAdd(TS.Load(source + tapInput[t] + c0), TS.Load(Filter + tapIndex[t] + c0), acc);
                                    if (Bias != null) acc = TS.Add(acc, TS.Load(Bias + c0));
                                    TS.Store(TS.Clamp(acc, lo, hi), o + c0);
                                }
                            }

                            for (; c0 < oc; c0++)
                            {
                                float acc = 0f;
                                for (int t = 0; t < valid; t++)
                                    acc = Scalar.MultiplyAdd(source[tapInput[t] + c0], Filter[tapIndex[t] + c0], acc);
                                if (Bias != null) acc += Bias[c0];
                                o[c0] = Scalar.Clamp(acc, Lo, Hi);
                            }

                        }
                    }
                }
            }
            finally
            {
                if (expanded != null) ArrayPool<float>.Shared.Return(expanded);
            }
        }

        /// <summary>Output pixels [ox0, ox1] of row (b, oy), channels [0, vectorEnd): every 3×3 tap is inside the input.</summary>
        private void Interior3x3<TS, TV>(int b, int oy, int ox0, int ox1, int vectorEnd) where TS : struct, IFloatVector<TV> where TV : struct
        {
            Conv2DGeometry g = Geometry;
            int oc = g.OutputChannels;
            long dy = (long)g.DilationHeight * g.InputWidth * oc, dx = (long)g.DilationWidth * oc, step = (long)g.StrideWidth * oc;
            long inputRow = ((long)b * g.InputHeight + oy * g.StrideHeight - g.PadTop) * g.InputWidth;
            TV lo = TS.Broadcast(Lo), hi = TS.Broadcast(Hi);
            for (int c = 0; c < vectorEnd; c += TS.Count)
            {
                float* w = Filter + c;
                TV w0 = TS.Load(w), w1 = TS.Load(w + oc), w2 = TS.Load(w + 2 * oc);
                TV w3 = TS.Load(w + 3 * oc), w4 = TS.Load(w + 4 * oc), w5 = TS.Load(w + 5 * oc);
                TV w6 = TS.Load(w + 6 * oc), w7 = TS.Load(w + 7 * oc), w8 = TS.Load(w + 8 * oc);
                TV bias = Bias != null ? TS.Load(Bias + c) : TS.Zero;
                float* p = Input + (inputRow + (long)ox0 * g.StrideWidth - g.PadLeft) * oc + c;
                float* o = Output + (((long)b * g.OutputHeight + oy) * g.OutputWidth + ox0) * oc + c;
                for (int ox = ox0; ox <= ox1; ox++, p += step, o += oc)
                {
                    TV acc = TS.FusedMultiplyAdd(TS.Load(p), w0, TS.Zero);
                    acc = TS.FusedMultiplyAdd(TS.Load(p + dx), w1, acc);
                    acc = TS.FusedMultiplyAdd(TS.Load(p + 2 * dx), w2, acc);
                    acc = TS.FusedMultiplyAdd(TS.Load(p + dy), w3, acc);
                    acc = TS.FusedMultiplyAdd(TS.Load(p + dy + dx), w4, acc);
                    acc = TS.FusedMultiplyAdd(TS.Load(p + dy + 2 * dx), w5, acc);
                    acc = TS.FusedMultiplyAdd(TS.Load(p + 2 * dy), w6, acc);
                    acc = TS.FusedMultiplyAdd(TS.Load(p + 2 * dy + dx), w7, acc);
                    acc = TS.FusedMultiplyAdd(TS.Load(p + 2 * dy + 2 * dx), w8, acc);
                    if (Bias != null) acc = TS.Add(acc, bias);
                    TS.Store(TS.Clamp(acc, lo, hi), o);
                }
            }
        }
    }

    /// <summary>
    /// int8 depthwise convolution with per-channel requantization, TFLite reference_integer_ops::DepthwiseConvPerChannel:
    /// acc = Σ_taps w[oc]·(in[ic] − inputZeroPoint) + bias[oc]; out = clamp(MBQM(acc, mult[oc], shift[oc]) + outputZeroPoint).
    /// Bit-exact. Vectorized over channels for depth multiplier 1.
    /// </summary>
    public static void DepthwiseConv2DInt8PerChannel(ReadOnlySpan<sbyte> input, int inputZeroPoint, ReadOnlySpan<sbyte> filter,
        ReadOnlySpan<int> bias, ReadOnlySpan<int> outputMultiplier, ReadOnlySpan<int> outputShift, int outputZeroPoint,
        Span<sbyte> output, in Conv2DGeometry geometry, int depthMultiplier, int activationMin, int activationMax, int threadCount)
    {
        CheckDepthwise(geometry, depthMultiplier, input.Length, filter.Length, output.Length, bias.Length);
        bool perChannel = Guard.PerChannel(outputMultiplier.Length, geometry.OutputChannels, nameof(outputMultiplier));
        Guard.Length(outputShift.Length, outputMultiplier.Length, nameof(outputShift));
        fixed (sbyte* pIn = input)
        fixed (sbyte* pW = filter)
        fixed (int* pBias = bias)
        fixed (int* pMult = outputMultiplier)
        fixed (int* pShift = outputShift)
        fixed (sbyte* pOut = output)
        {
            var work = new DepthwiseIntegerWork
            {
                Int8Input = pIn, Int8Filter = pW, Bias = bias.IsEmpty ? null : pBias, Multiplier = pMult, Shift = pShift,
                MultiplierStride = perChannel ? 1 : 0, Int8Output = pOut, Geometry = geometry, DepthMultiplier = depthMultiplier,
                InputZeroPoint = inputZeroPoint, OutputZeroPoint = outputZeroPoint, Min = activationMin, Max = activationMax,
            };
            Parallelism.For(threadCount, geometry.Batches * geometry.OutputHeight, work);
        }
    }

    /// <summary>
    /// Legacy uint8 depthwise convolution (TFLite DepthwiseConv uint8 with kAwayFromZero rounding):
    /// acc = Σ (w − wZp)(in − inZp) + bias; out = clamp(MBQM(acc, mult, shift) + outZp). Bit-exact.
    /// </summary>
    public static void DepthwiseConv2DUInt8(ReadOnlySpan<byte> input, int inputZeroPoint, ReadOnlySpan<byte> filter, int filterZeroPoint,
        ReadOnlySpan<int> bias, int outputMultiplier, int outputShift, int outputZeroPoint, Span<byte> output,
        in Conv2DGeometry geometry, int depthMultiplier, int activationMin, int activationMax, int threadCount)
    {
        CheckDepthwise(geometry, depthMultiplier, input.Length, filter.Length, output.Length, bias.Length);
        int multiplier = outputMultiplier, shift = outputShift;
        fixed (byte* pIn = input)
        fixed (byte* pW = filter)
        fixed (int* pBias = bias)
        fixed (byte* pOut = output)
        {
            var work = new DepthwiseIntegerWork
            {
                UInt8Input = pIn, UInt8Filter = pW, FilterZeroPoint = filterZeroPoint, Bias = bias.IsEmpty ? null : pBias,
                Multiplier = &multiplier, Shift = &shift, MultiplierStride = 0, UInt8Output = pOut, Geometry = geometry,
                DepthMultiplier = depthMultiplier, InputZeroPoint = inputZeroPoint, OutputZeroPoint = outputZeroPoint,
                Min = activationMin, Max = activationMax,
            };
            Parallelism.For(threadCount, geometry.Batches * geometry.OutputHeight, work);
        }
    }

    private struct DepthwiseIntegerWork : IRangeWork
    {
        public sbyte* Int8Input, Int8Filter, Int8Output;
        public byte* UInt8Input, UInt8Filter, UInt8Output;
        public int* Bias, Multiplier, Shift;
        public int MultiplierStride, DepthMultiplier, InputZeroPoint, FilterZeroPoint, OutputZeroPoint, Min, Max;
        public Conv2DGeometry Geometry;

        public void Run(int start, int end, int part)
        {
            Conv2DGeometry g = Geometry;
            int oc = g.OutputChannels, taps = g.FilterHeight * g.FilterWidth;
            // int8 with multiplier 1: whole 16-channel groups in registers (X86), the rest through the int32 row.
            bool fast = Int8Input != null && DepthMultiplier == 1 && DepthwiseInt8Avx2.IsSupported && Isa.MaxVectorBits >= 256;
            int c16 = fast ? oc / 16 * 16 : 0;
            long* inOffsets = stackalloc long[taps];
            int* wOffsets = stackalloc int[taps];
            int[] accArray = ArrayPool<int>.Shared.Rent(Math.Max(1, oc));
            try
            {
                fixed (int* acc = accArray)
                {
                    // 3×3: interior pixels run a whole row with the filter in registers.
                    bool fast3x3 = c16 > 0 && g.FilterHeight == 3 && g.FilterWidth == 3;
                    bool use512 = DepthwiseInt8Avx512.IsSupported && Isa.MaxVectorBits >= 512;
                    int oxLo = (g.PadLeft + g.StrideWidth - 1) / g.StrideWidth;
                    int oxHi = g.InputWidth - 1 - 2 * g.DilationWidth + g.PadLeft < 0 ? -1
                        : Math.Min(g.OutputWidth - 1, (g.InputWidth - 1 - 2 * g.DilationWidth + g.PadLeft) / g.StrideWidth);
                    for (int row = start; row < end; row++)
                    {
                        int b = row / g.OutputHeight, oy = row - b * g.OutputHeight;
                        int iy0 = oy * g.StrideHeight - g.PadTop;
                        bool rowInside = fast3x3 && iy0 >= 0 && iy0 + 2 * g.DilationHeight < g.InputHeight && oxLo <= oxHi;
                        if (rowInside)
                        {
                            long first = (((long)b * g.InputHeight + iy0) * g.InputWidth + (long)oxLo * g.StrideWidth - g.PadLeft) * oc;
                            long outFirst = (((long)b * g.OutputHeight + oy) * g.OutputWidth + oxLo) * oc;
                            long dy = (long)g.DilationHeight * g.InputWidth * oc, dx = (long)g.DilationWidth * oc, step = (long)g.StrideWidth * oc;
                            int c32 = use512 ? oc / 32 * 32 : 0;
                            if (c32 > 0)
                            {
                                DepthwiseInt8Avx512.Interior3x3(Int8Input + first, dy, dx, step, Int8Filter, oc, oxHi - oxLo + 1, c32,
                                    InputZeroPoint, Bias, Multiplier, Shift, MultiplierStride, OutputZeroPoint, Min, Max, Int8Output + outFirst, oc);
                            }

                            if (c32 < c16)
                            {
                                int* bias = Bias != null ? Bias + c32 : null;
                                int moff = MultiplierStride * c32;
                                DepthwiseInt8Avx2.Interior3x3(Int8Input + first + c32, dy, dx, step, Int8Filter + c32, oc, oxHi - oxLo + 1,
                                    c16 - c32, InputZeroPoint, bias, Multiplier + moff, Shift + moff, MultiplierStride, OutputZeroPoint, Min, Max,
                                    Int8Output + outFirst + c32, oc);
                            }
                        }

                        for (int ox = 0; ox < g.OutputWidth; ox++)
                        {
                            bool inside = rowInside && ox >= oxLo && ox <= oxHi;
                            if (inside && c16 == oc) continue;
                            int valid = 0;
                            for (int fy = 0; fy < g.FilterHeight; fy++)
                            {
                                int iy = oy * g.StrideHeight - g.PadTop + fy * g.DilationHeight;
                                if (iy < 0 || iy >= g.InputHeight) continue;
                                for (int fx = 0; fx < g.FilterWidth; fx++)
                                {
                                    int ix = ox * g.StrideWidth - g.PadLeft + fx * g.DilationWidth;
                                    if (ix < 0 || ix >= g.InputWidth) continue;
                                    inOffsets[valid] = (((long)b * g.InputHeight + iy) * g.InputWidth + ix) * g.InputChannels;
                                    wOffsets[valid] = (fy * g.FilterWidth + fx) * oc;
                                    valid++;
                                }
                            }

                            long outOffset = (((long)b * g.OutputHeight + oy) * g.OutputWidth + ox) * oc;
                            if (c16 > 0 && !inside)
                            {
                                DepthwiseInt8Avx2.Pixel(Int8Input, inOffsets, Int8Filter, wOffsets, valid, c16, InputZeroPoint, Bias,
                                    Multiplier, Shift, MultiplierStride, OutputZeroPoint, Min, Max, Int8Output + outOffset);
                            }

                            if (c16 == oc) continue;
                            int rest = oc - c16;
                            new Span<int>(acc, rest).Clear();
                            for (int t = 0; t < valid; t++)
                            {
                                if (Int8Input != null)
                                    DepthwiseAccumulate.Int8(Int8Input + inOffsets[t] + c16, Int8Filter + wOffsets[t] + c16, InputZeroPoint, DepthMultiplier, rest, acc);
                                else
                                    DepthwiseAccumulate.UInt8(UInt8Input + inOffsets[t], UInt8Filter + wOffsets[t], InputZeroPoint, FilterZeroPoint, DepthMultiplier, rest, acc);
                            }

                            int* bias = Bias != null ? Bias + c16 : null;
                            int moff = MultiplierStride * c16;
                            if (Int8Output != null)
                                OutputStage.ToInt8(acc, rest, bias, Multiplier + moff, Shift + moff, MultiplierStride, OutputZeroPoint, Min, Max, Int8Output + outOffset + c16);
                            else
                                OutputStage.ToUInt8(acc, rest, bias, Multiplier + moff, Shift + moff, MultiplierStride, OutputZeroPoint, Min, Max, UInt8Output + outOffset + c16);
                        }
                    }
                }
            }
            finally
            {
                ArrayPool<int>.Shared.Return(accArray);
            }
        }
    }

    private static void CheckDepthwise(in Conv2DGeometry g, int depthMultiplier, int inputLength, int filterLength, int outputLength, int biasLength)
    {
        g.Validate();
        if (depthMultiplier <= 0 || g.OutputChannels != g.InputChannels * depthMultiplier)
            throw new ArgumentException($"OutputChannels ({g.OutputChannels}) must be InputChannels ({g.InputChannels}) × depthMultiplier ({depthMultiplier}).");
        Guard.Length(inputLength, g.InputLength, "input");
        Guard.Length(filterLength, (long)g.FilterHeight * g.FilterWidth * g.OutputChannels, "filter");
        Guard.Length(outputLength, g.OutputLength, "output");
        if (biasLength != 0) Guard.Length(biasLength, g.OutputChannels, "bias");
    }
}
