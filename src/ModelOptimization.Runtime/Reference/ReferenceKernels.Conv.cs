namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// Scalar convolutions written like TFLite's reference_ops / reference_integer_ops: the specification the fast
/// paths are tested against. Layouts: input NHWC, filter OHWI (depthwise 1HW(I·M)), output NHWC.
/// </summary>
internal static partial class ReferenceKernels
{
    /// <summary>Float CONV_2D (grouped when the filter depth divides the input depth).</summary>
    public static void Conv2DFloat(ConvGeometry g, ReadOnlySpan<float> input, ReadOnlySpan<float> filter, ReadOnlySpan<float> bias,
        Span<float> output, float min, float max, int rowStart, int rowEnd, bool inputScaleFirst = false)
    {
        int filterDepth = filter.Length / (g.OutputDepth * g.FilterHeight * g.FilterWidth);
        int groups = g.InputDepth / filterDepth;
        int perGroup = g.OutputDepth / groups;
        for (int row = rowStart; row < rowEnd; row++)
        {
            int b = row / g.OutputHeight, oy = row % g.OutputHeight;
            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                int inX0 = ox * g.StrideWidth - g.PadLeft, inY0 = oy * g.StrideHeight - g.PadTop;
                for (int oc = 0; oc < g.OutputDepth; oc++)
                {
                    int group = oc / perGroup;
                    float acc = 0;
                    for (int ky = 0; ky < g.FilterHeight; ky++)
                    {
                        int iy = inY0 + g.DilationHeight * ky;
                        if ((uint)iy >= (uint)g.InputHeight) continue;
                        for (int kx = 0; kx < g.FilterWidth; kx++)
                        {
                            int ix = inX0 + g.DilationWidth * kx;
                            if ((uint)ix >= (uint)g.InputWidth) continue;
                            int inBase = ((b * g.InputHeight + iy) * g.InputWidth + ix) * g.InputDepth + group * filterDepth;
                            int fBase = ((oc * g.FilterHeight + ky) * g.FilterWidth + kx) * filterDepth;
                            for (int ic = 0; ic < filterDepth; ic++) acc += input[inBase + ic] * filter[fBase + ic];
                        }
                    }

                    if (!bias.IsEmpty) acc += bias[oc];
                    output[((b * g.OutputHeight + oy) * g.OutputWidth + ox) * g.OutputDepth + oc] = Math.Min(Math.Max(acc, min), max);
                }
            }
        }
    }

    /// <summary>
    /// Quantized CONV_2D with int32 accumulation: acc = Σ (in + inputOffset)(w + filterOffset) + bias, then
    /// MultiplyByQuantizedMultiplier per channel, + outputOffset, clamp. Covers int8 per-channel and uint8.
    /// </summary>
    public static void Conv2DQuantized<TIn, TW, TOut, TR>(ConvGeometry g, ReadOnlySpan<TIn> input, int inputOffset, ReadOnlySpan<TW> filter,
        int filterOffset, ReadOnlySpan<int> bias, TR requantizer, Span<TOut> output, int rowStart, int rowEnd)
        where TIn : unmanaged, System.Numerics.IBinaryInteger<TIn>
        where TW : unmanaged, System.Numerics.IBinaryInteger<TW>
        where TOut : unmanaged, System.Numerics.IBinaryInteger<TOut>
        where TR : struct, IRequantizer
    {
        int filterDepth = filter.Length / (g.OutputDepth * g.FilterHeight * g.FilterWidth);
        int groups = g.InputDepth / filterDepth;
        int perGroup = g.OutputDepth / groups;
        for (int row = rowStart; row < rowEnd; row++)
        {
            int b = row / g.OutputHeight, oy = row % g.OutputHeight;
            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                int inX0 = ox * g.StrideWidth - g.PadLeft, inY0 = oy * g.StrideHeight - g.PadTop;
                for (int oc = 0; oc < g.OutputDepth; oc++)
                {
                    int group = oc / perGroup;
                    int acc = 0;
                    for (int ky = 0; ky < g.FilterHeight; ky++)
                    {
                        int iy = inY0 + g.DilationHeight * ky;
                        if ((uint)iy >= (uint)g.InputHeight) continue;
                        for (int kx = 0; kx < g.FilterWidth; kx++)
                        {
                            int ix = inX0 + g.DilationWidth * kx;
                            if ((uint)ix >= (uint)g.InputWidth) continue;
                            int inBase = ((b * g.InputHeight + iy) * g.InputWidth + ix) * g.InputDepth + group * filterDepth;
                            int fBase = ((oc * g.FilterHeight + ky) * g.FilterWidth + kx) * filterDepth;
                            for (int ic = 0; ic < filterDepth; ic++)
                            {
                                acc += (int.CreateTruncating(input[inBase + ic]) + inputOffset) * (int.CreateTruncating(filter[fBase + ic]) + filterOffset);
                            }
                        }
                    }

                    if (!bias.IsEmpty) acc += bias[oc];
                    output[((b * g.OutputHeight + oy) * g.OutputWidth + ox) * g.OutputDepth + oc] = TOut.CreateTruncating(requantizer.Requantize(acc, oc));
                }
            }
        }
    }

    /// <summary>int16x8 CONV_2D: int64 accumulation, int64 (or int32) bias, the int64 MultiplyByQuantizedMultiplier.</summary>
    public static void Conv2DInt16x8(ConvGeometry g, ReadOnlySpan<short> input, ReadOnlySpan<sbyte> filter, ReadOnlySpan<long> bias,
        ReadOnlySpan<int> multiplier, ReadOnlySpan<int> shift, int actMin, int actMax, Span<short> output, int rowStart, int rowEnd)
    {
        int filterDepth = filter.Length / (g.OutputDepth * g.FilterHeight * g.FilterWidth);
        int groups = g.InputDepth / filterDepth;
        int perGroup = g.OutputDepth / groups;
        for (int row = rowStart; row < rowEnd; row++)
        {
            int b = row / g.OutputHeight, oy = row % g.OutputHeight;
            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                int inX0 = ox * g.StrideWidth - g.PadLeft, inY0 = oy * g.StrideHeight - g.PadTop;
                for (int oc = 0; oc < g.OutputDepth; oc++)
                {
                    int group = oc / perGroup;
                    long acc = 0;
                    for (int ky = 0; ky < g.FilterHeight; ky++)
                    {
                        int iy = inY0 + g.DilationHeight * ky;
                        if ((uint)iy >= (uint)g.InputHeight) continue;
                        for (int kx = 0; kx < g.FilterWidth; kx++)
                        {
                            int ix = inX0 + g.DilationWidth * kx;
                            if ((uint)ix >= (uint)g.InputWidth) continue;
                            int inBase = ((b * g.InputHeight + iy) * g.InputWidth + ix) * g.InputDepth + group * filterDepth;
                            int fBase = ((oc * g.FilterHeight + ky) * g.FilterWidth + kx) * filterDepth;
                            for (int ic = 0; ic < filterDepth; ic++) acc += (long)input[inBase + ic] * filter[fBase + ic];
                        }
                    }

                    if (!bias.IsEmpty) acc += bias[oc];
                    int c = multiplier.Length == 1 ? 0 : oc;
                    int scaled = IntegerArithmetic.MultiplyByQuantizedMultiplier(acc, multiplier[c], shift[c]);
                    output[((b * g.OutputHeight + oy) * g.OutputWidth + ox) * g.OutputDepth + oc] = (short)IntegerArithmetic.Clamp(scaled, actMin, actMax);
                }
            }
        }
    }

    /// <summary>
    /// Hybrid CONV_2D (float in/out, int8 weights): the input quantized per batch (scale, offset), int32 dot
    /// products skipping padding, out = acc · channelScale · batchScale + bias (TFLite HybridConvPerChannel; XNNPACK's qd8
    /// convolution multiplies by the batch scale first).
    /// </summary>
    public static void Conv2DHybrid(ConvGeometry g, ReadOnlySpan<sbyte> quantizedInput, ReadOnlySpan<float> batchScales,
        ReadOnlySpan<int> batchOffsets, ReadOnlySpan<sbyte> filter, ReadOnlySpan<float> channelScales, ReadOnlySpan<float> bias,
        Span<float> output, float min, float max, int rowStart, int rowEnd, bool inputScaleFirst = false)
    {
        int filterDepth = filter.Length / (g.OutputDepth * g.FilterHeight * g.FilterWidth);
        int groups = g.InputDepth / filterDepth;
        int perGroup = g.OutputDepth / groups;
        for (int row = rowStart; row < rowEnd; row++)
        {
            int b = row / g.OutputHeight, oy = row % g.OutputHeight;
            int offset = batchOffsets.IsEmpty ? 0 : batchOffsets[b];
            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                int inX0 = ox * g.StrideWidth - g.PadLeft, inY0 = oy * g.StrideHeight - g.PadTop;
                for (int oc = 0; oc < g.OutputDepth; oc++)
                {
                    int group = oc / perGroup;
                    int acc = 0;
                    for (int ky = 0; ky < g.FilterHeight; ky++)
                    {
                        int iy = inY0 + g.DilationHeight * ky;
                        if ((uint)iy >= (uint)g.InputHeight) continue;
                        for (int kx = 0; kx < g.FilterWidth; kx++)
                        {
                            int ix = inX0 + g.DilationWidth * kx;
                            if ((uint)ix >= (uint)g.InputWidth) continue;
                            int inBase = ((b * g.InputHeight + iy) * g.InputWidth + ix) * g.InputDepth + group * filterDepth;
                            int fBase = ((oc * g.FilterHeight + ky) * g.FilterWidth + kx) * filterDepth;
                            for (int ic = 0; ic < filterDepth; ic++) acc += filter[fBase + ic] * (quantizedInput[inBase + ic] - offset);
                        }
                    }

                    float v = channelScales.IsEmpty ? acc * batchScales[b]
                        : inputScaleFirst ? acc * batchScales[b] * channelScales[channelScales.Length == 1 ? 0 : oc] // XNNPACK's order
                        : acc * channelScales[channelScales.Length == 1 ? 0 : oc] * batchScales[b];
                    if (!bias.IsEmpty) v += bias[oc];
                    output[((b * g.OutputHeight + oy) * g.OutputWidth + ox) * g.OutputDepth + oc] = Math.Min(Math.Max(v, min), max);
                }
            }
        }
    }
}
