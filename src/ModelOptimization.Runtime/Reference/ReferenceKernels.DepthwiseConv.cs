using System.Numerics;
using System.Numerics.Tensors;

namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// Depthwise convolutions (filter 1×H×W×(I·M), output channel = input channel · M + m), computed per output
/// pixel over all channels at once so the inner loops run along contiguous channels.
/// </summary>
internal static partial class ReferenceKernels
{
    /// <summary>Float DEPTHWISE_CONV_2D for output rows [rowStart, rowEnd) (rows = batch · output height).</summary>
    public static void DepthwiseConvFloat(ConvGeometry g, int depthMultiplier, ReadOnlySpan<float> input, ReadOnlySpan<float> filter,
        ReadOnlySpan<float> bias, Span<float> output, float min, float max, int rowStart, int rowEnd)
    {
        int inC = g.InputDepth, outC = g.OutputDepth, dm = depthMultiplier;
        Span<float> acc = outC <= 1024 ? stackalloc float[outC] : new float[outC];
        Span<float> expanded = dm == 1 ? default : (inC * dm <= 1024 ? stackalloc float[inC * dm] : new float[inC * dm]);
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
                            TensorPrimitives.MultiplyAdd(px, f, acc, acc);
                        }
                        else
                        {
                            for (int ic = 0; ic < inC; ic++)
                            {
                                for (int m = 0; m < dm; m++) expanded[ic * dm + m] = px[ic];
                            }

                            TensorPrimitives.MultiplyAdd(expanded, f, acc, acc);
                        }
                    }
                }

                var dst = output.Slice(((b * g.OutputHeight + oy) * g.OutputWidth + ox) * outC, outC);
                if (!bias.IsEmpty) TensorPrimitives.Add(acc, bias, dst);
                else acc.CopyTo(dst);
                TensorPrimitives.Max(dst, min, dst);
                TensorPrimitives.Min(dst, max, dst);
            }
        }
    }

    /// <summary>
    /// Quantized DEPTHWISE_CONV_2D (int8 per-channel, uint8 per-tensor): acc = Σ (in + inputOffset)(w + filterOffset)
    /// + bias in int32, then MultiplyByQuantizedMultiplier, + outputOffset, clamp.
    /// </summary>
    public static void DepthwiseConvQuantized<TIn, TW, TOut, TR>(ConvGeometry g, int depthMultiplier, ReadOnlySpan<TIn> input, int inputOffset,
        ReadOnlySpan<TW> filter, int filterOffset, ReadOnlySpan<int> bias, TR requantizer, Span<TOut> output, int rowStart, int rowEnd)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TW : unmanaged, IBinaryInteger<TW>
        where TOut : unmanaged, IBinaryInteger<TOut>
        where TR : struct, IRequantizer
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

    /// <summary>int16x8 DEPTHWISE_CONV_2D: int64 accumulation and bias, the int64 MultiplyByQuantizedMultiplier.</summary>
    public static void DepthwiseConvInt16x8(ConvGeometry g, int depthMultiplier, ReadOnlySpan<short> input, ReadOnlySpan<sbyte> filter,
        ReadOnlySpan<long> bias, ReadOnlySpan<int> multiplier, ReadOnlySpan<int> shift, int actMin, int actMax, Span<short> output,
        int rowStart, int rowEnd)
    {
        int inC = g.InputDepth, outC = g.OutputDepth, dm = depthMultiplier;
        var acc = new long[outC];
        for (int row = rowStart; row < rowEnd; row++)
        {
            int b = row / g.OutputHeight, oy = row % g.OutputHeight;
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
                        var px = input.Slice(((b * g.InputHeight + iy) * g.InputWidth + ix) * inC, inC);
                        var f = filter.Slice((ky * g.FilterWidth + kx) * outC, outC);
                        for (int oc = 0; oc < outC; oc++) acc[oc] += (long)px[oc / dm] * f[oc];
                    }
                }

                var dst = output.Slice(((b * g.OutputHeight + oy) * g.OutputWidth + ox) * outC, outC);
                for (int c = 0; c < outC; c++)
                {
                    long a = acc[c];
                    if (!bias.IsEmpty) a += bias[c];
                    int k = multiplier.Length > 1 ? c : 0;
                    int scaled = IntegerArithmetic.MultiplyByQuantizedMultiplier(a, multiplier[k], shift[k]);
                    dst[c] = (short)IntegerArithmetic.Clamp(scaled, actMin, actMax);
                }
            }
        }
    }

    /// <summary>Hybrid DEPTHWISE_CONV_2D (TFLite DepthwiseConvHybridPerChannel): int8 input with per-batch scale and offset.</summary>
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
