using System.Numerics;

namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// Depthwise convolutions (filter 1×H×W×(I·M), output channel = input channel · M + m), computed per output
/// pixel over all channels at once so the inner loops run along contiguous channels.
/// </summary>
internal static partial class ReferenceKernels
{
    /// <summary>
    /// 8-bit DEPTHWISE_CONV_2D as LiteRT's XNNPACK delegate computes it (the scalar specification of
    /// <see cref="Optimized.DepthwiseConvQuantized"/>, and the path for depth multipliers &gt; 1 or non-constant filters):
    /// acc = Σ (in + inputOffset)(w + filterOffset) + bias in int32, then XNNPACK's fp32 requantization. The TFLite
    /// built-in (fixed-point) arithmetic is Kernels.Reference.Convolution; this float requantization rounds
    /// differently, so it stays here as its own specification.
    /// </summary>
    public static void DepthwiseConvXnnpack<TIn, TW, TOut>(ConvGeometry g, int depthMultiplier, ReadOnlySpan<TIn> input, int inputOffset,
        ReadOnlySpan<TW> filter, int filterOffset, ReadOnlySpan<int> bias, FloatRequantizer requantizer, Span<TOut> output, int rowStart, int rowEnd)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TW : unmanaged, IBinaryInteger<TW>
        where TOut : unmanaged, IBinaryInteger<TOut>
    {
        int inC = g.InputDepth, outC = g.OutputDepth, dm = depthMultiplier;
        Span<int> acc = outC <= 1024 ? stackalloc int[outC] : new int[outC];
        Span<int> w = outC <= 1024 ? stackalloc int[outC] : new int[outC];
        for (int row = rowStart; row < rowEnd; row++)
        {
            int b = row / g.OutputHeight, oy = row % g.OutputHeight;
            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                acc.Clear();
                int inX0 = ox * g.StrideWidth - g.PadLeft, inY0 = oy * g.StrideHeight - g.PadTop;
                for (int ky = 0; ky < g.FilterHeight; ky++)
                {
                    int iy = inY0 + g.DilationHeight * ky;
                    if ((uint)iy >= (uint)g.InputHeight) continue;
                    for (int kx = 0; kx < g.FilterWidth; kx++)
                    {
                        int ix = inX0 + g.DilationWidth * kx;
                        if ((uint)ix >= (uint)g.InputWidth) continue;
                        var px = input.Slice(((b * g.InputHeight + iy) * g.InputWidth + ix) * inC, inC);
                        var f = filter.Slice((ky * g.FilterWidth + kx) * outC, outC);
                        if (dm == 1)
                        {
                            for (int c = 0; c < outC; c++) acc[c] += (int.CreateTruncating(px[c]) + inputOffset) * (int.CreateTruncating(f[c]) + filterOffset);
                        }
                        else
                        {
                            for (int ic = 0; ic < inC; ic++)
                            {
                                int v = int.CreateTruncating(px[ic]) + inputOffset;
                                for (int m = 0; m < dm; m++)
                                {
                                    int oc = ic * dm + m;
                                    acc[oc] += v * (int.CreateTruncating(f[oc]) + filterOffset);
                                }
                            }
                        }
                    }
                }

                var dst = output.Slice(((b * g.OutputHeight + oy) * g.OutputWidth + ox) * outC, outC);
                for (int c = 0; c < outC; c++)
                {
                    int a = acc[c];
                    if (!bias.IsEmpty) a += bias[c];
                    dst[c] = TOut.CreateTruncating(requantizer.Requantize(a, c));
                }
            }
        }
    }

    /// <summary>
    /// Hybrid DEPTHWISE_CONV_2D (TFLite DepthwiseConvHybridPerChannel): int8 input with per-batch scale and offset.
    /// Kernels has no hybrid depthwise yet; this is the only implementation (parallel over output rows).
    /// </summary>
    public static void DepthwiseConvHybrid(ConvGeometry g, int depthMultiplier, ReadOnlySpan<sbyte> quantizedInput, ReadOnlySpan<float> batchScales,
        ReadOnlySpan<int> batchOffsets, ReadOnlySpan<sbyte> filter, ReadOnlySpan<float> channelScales, ReadOnlySpan<float> bias,
        Span<float> output, float min, float max, int rowStart, int rowEnd)
    {
        int inC = g.InputDepth, outC = g.OutputDepth, dm = depthMultiplier;
        var acc = new int[outC];
        for (int row = rowStart; row < rowEnd; row++)
        {
            int b = row / g.OutputHeight, oy = row % g.OutputHeight;
            int offset = batchOffsets[b];
            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                Array.Clear(acc);
                int inX0 = ox * g.StrideWidth - g.PadLeft, inY0 = oy * g.StrideHeight - g.PadTop;
                for (int ky = 0; ky < g.FilterHeight; ky++)
                {
                    int iy = inY0 + g.DilationHeight * ky;
                    if ((uint)iy >= (uint)g.InputHeight) continue;
                    for (int kx = 0; kx < g.FilterWidth; kx++)
                    {
                        int ix = inX0 + g.DilationWidth * kx;
                        if ((uint)ix >= (uint)g.InputWidth) continue;
                        var px = quantizedInput.Slice(((b * g.InputHeight + iy) * g.InputWidth + ix) * inC, inC);
                        var f = filter.Slice((ky * g.FilterWidth + kx) * outC, outC);
                        for (int oc = 0; oc < outC; oc++) acc[oc] += f[oc] * (px[oc / dm] - offset);
                    }
                }

                var dst = output.Slice(((b * g.OutputHeight + oy) * g.OutputWidth + ox) * outC, outC);
                for (int c = 0; c < outC; c++)
                {
                    float v = acc[c] * channelScales[channelScales.Length > 1 ? c : 0] * batchScales[b];
                    if (!bias.IsEmpty) v += bias[c];
                    dst[c] = Math.Min(Math.Max(v, min), max);
                }
            }
        }
    }
}
