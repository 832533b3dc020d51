namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// The scalar convolutions with no Kernels counterpart (XNNPACK's float requantization, hybrid): the TFLite
/// built-in ones are Kernels.Reference.Convolution. Layouts: input NHWC, filter OHWI (depthwise 1HW(I·M)), output NHWC.
/// </summary>
internal static partial class ReferenceKernels
{
    /// <summary>
    /// 8-bit CONV_2D as LiteRT's XNNPACK delegate computes it (non-constant filters or the reference path):
    /// acc = Σ (in + inputOffset)(w + filterOffset) + bias in int32, then XNNPACK's fp32 requantization. The TFLite
    /// built-in (fixed-point) arithmetic is Kernels.Reference.Convolution; this float requantization rounds
    /// differently, so it stays here as its own specification. Grouped filters are supported (LiteRT does not
    /// delegate them, but the loop costs nothing to keep general).
    /// </summary>
    public static void Conv2DXnnpack<TIn, TW, TOut>(ConvGeometry g, ReadOnlySpan<TIn> input, int inputOffset, ReadOnlySpan<TW> filter,
        int filterOffset, ReadOnlySpan<int> bias, FloatRequantizer requantizer, Span<TOut> output, int rowStart, int rowEnd)
        where TIn : unmanaged, System.Numerics.IBinaryInteger<TIn>
        where TW : unmanaged, System.Numerics.IBinaryInteger<TW>
        where TOut : unmanaged, System.Numerics.IBinaryInteger<TOut>
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
