using System.Buffers;
using ModelOptimization.Kernels.Gemm;

namespace ModelOptimization.Kernels;

public static unsafe partial class Convolution
{
    /// <summary>Floats of scratch <see cref="TransposeConv2DFloat(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, in Conv2DGeometry, float, float, Span{float}, int)"/> needs: one input row's GEMM result.</summary>
    public static int TransposeConv2DFloatScratchLength(in Conv2DGeometry g) =>
        g.InputWidth * g.OutputChannels * g.FilterHeight * g.FilterWidth;

    /// <summary>
    /// TFLite TRANSPOSE_CONV (float): filter [OC, FH, FW, IC]; the geometry's Input* are the input tensor's dims and
    /// Output* the given output_shape; PadTop/PadLeft as TFLite computes them for the output (dilations must be 1).
    /// out[b, iy·sh − padTop + fy, ix·sw − padLeft + fx, oc] += Σ_ic in[b, iy, ix, ic]·w[oc, fy, fx, ic], then + bias and
    /// the clamp. Computed per input row as a GEMM (threads split its columns) and a scatter-add in the reference's
    /// input order; rounding differs from the reference only.
    /// </summary>
    public static void TransposeConv2DFloat(ReadOnlySpan<float> input, ReadOnlySpan<float> filter, ReadOnlySpan<float> bias,
        Span<float> output, in Conv2DGeometry geometry, float activationMin, float activationMax, Span<float> scratch, int threadCount)
    {
        int n = geometry.OutputChannels * geometry.FilterHeight * geometry.FilterWidth;
        Guard.Length(filter.Length, (long)n * geometry.InputChannels, nameof(filter));
        int nr = FloatGemm.PanelWidthFor(Isa.FloatBits);
        float[] packed = ArrayPool<float>.Shared.Rent(Math.Max(1, FloatGemm.PackedLength(n, geometry.InputChannels, nr)));
        try
        {
            FloatGemm.Pack(filter, n, geometry.InputChannels, nr, packed);
            TransposeCore(input, packed, nr, bias, output, geometry, activationMin, activationMax, scratch, threadCount);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packed);
        }
    }

    /// <summary>TransposeConv2DFloat with the filter packed in prepare: <c>PackedWeights.PackFloat(filter, OC·FH·FW, IC)</c>.</summary>
    public static void TransposeConv2DFloat(ReadOnlySpan<float> input, PackedWeights filter, ReadOnlySpan<float> bias,
        Span<float> output, in Conv2DGeometry geometry, float activationMin, float activationMax, Span<float> scratch, int threadCount)
    {
        ArgumentNullException.ThrowIfNull(filter);
        filter.Expect(PackedWeightsKind.Float32, geometry.OutputChannels * geometry.FilterHeight * geometry.FilterWidth, geometry.InputChannels);
        TransposeCore(input, filter.Float!, filter.PanelWidth, bias, output, geometry, activationMin, activationMax, scratch, threadCount);
    }

    private static void TransposeCore(ReadOnlySpan<float> input, ReadOnlySpan<float> packed, int nr, ReadOnlySpan<float> bias,
        Span<float> output, in Conv2DGeometry g, float lo, float hi, Span<float> scratch, int threadCount)
    {
        g.Validate();
        Guard.Length(input.Length, g.InputLength, nameof(input));
        Guard.Length(output.Length, g.OutputLength, nameof(output));
        if (!bias.IsEmpty) Guard.Length(bias.Length, g.OutputChannels, nameof(bias));
        int n = g.OutputChannels * g.FilterHeight * g.FilterWidth, ic = g.InputChannels, oc = g.OutputChannels;
        Guard.Length(scratch.Length, (long)g.InputWidth * n, nameof(scratch));
        output.Slice(0, (int)g.OutputLength).Clear();
        fixed (float* pIn = input)
        fixed (float* pPacked = packed)
        fixed (float* pOut = output)
        fixed (float* col = scratch)
        {
            for (int b = 0; b < g.Batches; b++)
            {
                for (int iy = 0; iy < g.InputHeight; iy++)
                {
                    float* a = pIn + (((long)b * g.InputHeight + iy) * g.InputWidth) * ic;
                    GemmDriver.Float(a, ic, pPacked, nr, g.InputWidth, n, ic, null, col, n, float.NegativeInfinity, float.PositiveInfinity, threadCount);
                    for (int ix = 0; ix < g.InputWidth; ix++)
                    {
                        int oyOrigin = iy * g.StrideHeight - g.PadTop, oxOrigin = ix * g.StrideWidth - g.PadLeft;
                        float* c = col + (long)ix * n;
                        for (int fy = 0; fy < g.FilterHeight; fy++)
                        {
                            int oy = oyOrigin + fy;
                            if (oy < 0 || oy >= g.OutputHeight) continue;
                            for (int fx = 0; fx < g.FilterWidth; fx++)
                            {
                                int ox = oxOrigin + fx;
                                if (ox < 0 || ox >= g.OutputWidth) continue;
                                float* o = pOut + (((long)b * g.OutputHeight + oy) * g.OutputWidth + ox) * oc;
                                // col is laid out [oc][fy][fx] (the filter's row order).
                                float* src = c + fy * g.FilterWidth + fx;
                                int step = g.FilterHeight * g.FilterWidth;
                                for (int j = 0; j < oc; j++) o[j] += src[j * step];
                            }
                        }
                    }
                }
            }

            long pixels = g.OutputPixels;
            for (long p = 0; p < pixels; p++)
            {
                float* o = pOut + p * oc;
                for (int j = 0; j < oc; j++) o[j] = Scalar.Clamp(o[j] + (bias.IsEmpty ? 0f : bias[j]), lo, hi);
            }
        }
    }
}
