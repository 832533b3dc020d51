namespace ModelOptimization.Kernels.Reference;

/// <summary>
/// Scalar convolutions as TFLite's reference kernels (reference_ops::Conv, reference_integer_ops::ConvPerChannel,
/// DepthwiseConv(PerChannel), reference_ops::TransposeConv): the specification of <see cref="Kernels.Convolution"/>.
/// Points of the filter outside the input (padding) contribute nothing. Conv2D is grouped, as TFLite's reference
/// Conv, when the filter's depth (its length / (OutputChannels · FilterHeight · FilterWidth)) is a divisor of
/// InputChannels: output channel oc reads input channels [g · depth, (g + 1) · depth) of its group g.
/// </summary>
public static class Convolution
{
    public static void Conv2DFloat(ReadOnlySpan<float> input, ReadOnlySpan<float> filter, ReadOnlySpan<float> bias,
        Span<float> output, in Conv2DGeometry g, float activationMin, float activationMax)
    {
        int filterDepth = FilterDepth(g, filter.Length);
        int perGroup = g.OutputChannels / (g.InputChannels / filterDepth);
        for (int b = 0; b < g.Batches; b++)
        for (int oy = 0; oy < g.OutputHeight; oy++)
        for (int ox = 0; ox < g.OutputWidth; ox++)
        for (int oc = 0; oc < g.OutputChannels; oc++)
        {
            float total = 0f;
            for (int fy = 0; fy < g.FilterHeight; fy++)
            for (int fx = 0; fx < g.FilterWidth; fx++)
            {
                int iy = oy * g.StrideHeight - g.PadTop + fy * g.DilationHeight;
                int ix = ox * g.StrideWidth - g.PadLeft + fx * g.DilationWidth;
                if (iy < 0 || iy >= g.InputHeight || ix < 0 || ix >= g.InputWidth) continue;
                for (int ic = 0; ic < filterDepth; ic++)
                    total += input[InputIndex(g, b, iy, ix, oc / perGroup * filterDepth + ic)] * filter[((oc * g.FilterHeight + fy) * g.FilterWidth + fx) * filterDepth + ic];
            }

            float biasValue = bias.IsEmpty ? 0f : bias[oc];
            output[OutputIndex(g, b, oy, ox, oc)] = Scalar.Clamp(total + biasValue, activationMin, activationMax);
        }
    }

    /// <summary>acc = Σ (in − inZp)·w + bias; out = clamp(MBQM(acc, mult[oc], shift[oc]) + outZp).</summary>
    public static void Conv2DInt8PerChannel(ReadOnlySpan<sbyte> input, int inputZeroPoint, ReadOnlySpan<sbyte> filter,
        ReadOnlySpan<int> bias, ReadOnlySpan<int> outputMultiplier, ReadOnlySpan<int> outputShift, int outputZeroPoint,
        Span<sbyte> output, in Conv2DGeometry g, int activationMin, int activationMax)
    {
        int filterDepth = FilterDepth(g, filter.Length);
        int perGroup = g.OutputChannels / (g.InputChannels / filterDepth);
        for (int b = 0; b < g.Batches; b++)
        for (int oy = 0; oy < g.OutputHeight; oy++)
        for (int ox = 0; ox < g.OutputWidth; ox++)
        for (int oc = 0; oc < g.OutputChannels; oc++)
        {
            int acc = 0;
            for (int fy = 0; fy < g.FilterHeight; fy++)
            for (int fx = 0; fx < g.FilterWidth; fx++)
            {
                int iy = oy * g.StrideHeight - g.PadTop + fy * g.DilationHeight;
                int ix = ox * g.StrideWidth - g.PadLeft + fx * g.DilationWidth;
                if (iy < 0 || iy >= g.InputHeight || ix < 0 || ix >= g.InputWidth) continue;
                for (int ic = 0; ic < filterDepth; ic++)
                    acc += filter[((oc * g.FilterHeight + fy) * g.FilterWidth + fx) * filterDepth + ic] * (input[InputIndex(g, b, iy, ix, oc / perGroup * filterDepth + ic)] - inputZeroPoint);
            }

            if (!bias.IsEmpty) acc += bias[oc];
            int c = outputMultiplier.Length == 1 ? 0 : oc;
            acc = FixedPoint.MultiplyByQuantizedMultiplier(acc, outputMultiplier[c], outputShift[c]) + outputZeroPoint;
            output[OutputIndex(g, b, oy, ox, oc)] = (sbyte)Math.Min(Math.Max(acc, activationMin), activationMax);
        }
    }

    /// <summary>Legacy uint8: acc = Σ (in − inZp)(w − wZp) + bias; out = clamp(MBQM(acc, mult, shift) + outZp).</summary>
    public static void Conv2DUInt8(ReadOnlySpan<byte> input, int inputZeroPoint, ReadOnlySpan<byte> filter, int filterZeroPoint,
        ReadOnlySpan<int> bias, int outputMultiplier, int outputShift, int outputZeroPoint, Span<byte> output,
        in Conv2DGeometry g, int activationMin, int activationMax)
    {
        int filterDepth = FilterDepth(g, filter.Length);
        int perGroup = g.OutputChannels / (g.InputChannels / filterDepth);
        for (int b = 0; b < g.Batches; b++)
        for (int oy = 0; oy < g.OutputHeight; oy++)
        for (int ox = 0; ox < g.OutputWidth; ox++)
        for (int oc = 0; oc < g.OutputChannels; oc++)
        {
            int acc = 0;
            for (int fy = 0; fy < g.FilterHeight; fy++)
            for (int fx = 0; fx < g.FilterWidth; fx++)
            {
                int iy = oy * g.StrideHeight - g.PadTop + fy * g.DilationHeight;
                int ix = ox * g.StrideWidth - g.PadLeft + fx * g.DilationWidth;
                if (iy < 0 || iy >= g.InputHeight || ix < 0 || ix >= g.InputWidth) continue;
                for (int ic = 0; ic < filterDepth; ic++)
                    acc += (filter[((oc * g.FilterHeight + fy) * g.FilterWidth + fx) * filterDepth + ic] - filterZeroPoint) * (input[InputIndex(g, b, iy, ix, oc / perGroup * filterDepth + ic)] - inputZeroPoint);
            }

            if (!bias.IsEmpty) acc += bias[oc];
            acc = FixedPoint.MultiplyByQuantizedMultiplier(acc, outputMultiplier, outputShift) + outputZeroPoint;
            output[OutputIndex(g, b, oy, ox, oc)] = (byte)Math.Min(Math.Max(acc, activationMin), activationMax);
        }
    }

    /// <summary>16x8: acc (int64) = Σ in·w + bias; out = clamp(MBQM(acc as int64, mult[oc], shift[oc])); zero points 0.</summary>
    public static void Conv2DInt16x8(ReadOnlySpan<short> input, ReadOnlySpan<sbyte> filter, ReadOnlySpan<long> bias,
        ReadOnlySpan<int> outputMultiplier, ReadOnlySpan<int> outputShift, Span<short> output, in Conv2DGeometry g,
        int activationMin, int activationMax)
    {
        int filterDepth = FilterDepth(g, filter.Length);
        int perGroup = g.OutputChannels / (g.InputChannels / filterDepth);
        for (int b = 0; b < g.Batches; b++)
        for (int oy = 0; oy < g.OutputHeight; oy++)
        for (int ox = 0; ox < g.OutputWidth; ox++)
        for (int oc = 0; oc < g.OutputChannels; oc++)
        {
            long acc = 0;
            for (int fy = 0; fy < g.FilterHeight; fy++)
            for (int fx = 0; fx < g.FilterWidth; fx++)
            {
                int iy = oy * g.StrideHeight - g.PadTop + fy * g.DilationHeight;
                int ix = ox * g.StrideWidth - g.PadLeft + fx * g.DilationWidth;
                if (iy < 0 || iy >= g.InputHeight || ix < 0 || ix >= g.InputWidth) continue;
                for (int ic = 0; ic < filterDepth; ic++)
                    acc += filter[((oc * g.FilterHeight + fy) * g.FilterWidth + fx) * filterDepth + ic] * input[InputIndex(g, b, iy, ix, oc / perGroup * filterDepth + ic)];
            }

            if (!bias.IsEmpty) acc += bias[oc];
            int c = outputMultiplier.Length == 1 ? 0 : oc;
            int scaled = FixedPoint.MultiplyByQuantizedMultiplier(acc, outputMultiplier[c], outputShift[c]);
            output[OutputIndex(g, b, oy, ox, oc)] = (short)Math.Min(Math.Max(scaled, activationMin), activationMax);
        }
    }

    /// <summary>Depthwise: oc = ic · multiplier + m; out = clamp(Σ_taps in[ic]·w[oc] + bias[oc]).</summary>
    public static void DepthwiseConv2DFloat(ReadOnlySpan<float> input, ReadOnlySpan<float> filter, ReadOnlySpan<float> bias,
        Span<float> output, in Conv2DGeometry g, int depthMultiplier, float activationMin, float activationMax)
    {
        for (int b = 0; b < g.Batches; b++)
        for (int oy = 0; oy < g.OutputHeight; oy++)
        for (int ox = 0; ox < g.OutputWidth; ox++)
        for (int ic = 0; ic < g.InputChannels; ic++)
        for (int m = 0; m < depthMultiplier; m++)
        {
            int oc = m + ic * depthMultiplier;
            float total = 0f;
            for (int fy = 0; fy < g.FilterHeight; fy++)
            for (int fx = 0; fx < g.FilterWidth; fx++)
            {
                int iy = oy * g.StrideHeight - g.PadTop + fy * g.DilationHeight;
                int ix = ox * g.StrideWidth - g.PadLeft + fx * g.DilationWidth;
                if (iy < 0 || iy >= g.InputHeight || ix < 0 || ix >= g.InputWidth) continue;
                total += input[InputIndex(g, b, iy, ix, ic)] * filter[(fy * g.FilterWidth + fx) * g.OutputChannels + oc];
            }

            float biasValue = bias.IsEmpty ? 0f : bias[oc];
            output[OutputIndex(g, b, oy, ox, oc)] = Scalar.Clamp(total + biasValue, activationMin, activationMax);
        }
    }

    /// <summary>Depthwise int8: acc = Σ w·(in − inZp) + bias; out = clamp(MBQM(acc, mult[oc], shift[oc]) + outZp).</summary>
    public static void DepthwiseConv2DInt8PerChannel(ReadOnlySpan<sbyte> input, int inputZeroPoint, ReadOnlySpan<sbyte> filter,
        ReadOnlySpan<int> bias, ReadOnlySpan<int> outputMultiplier, ReadOnlySpan<int> outputShift, int outputZeroPoint,
        Span<sbyte> output, in Conv2DGeometry g, int depthMultiplier, int activationMin, int activationMax)
    {
        for (int b = 0; b < g.Batches; b++)
        for (int oy = 0; oy < g.OutputHeight; oy++)
        for (int ox = 0; ox < g.OutputWidth; ox++)
        for (int ic = 0; ic < g.InputChannels; ic++)
        for (int m = 0; m < depthMultiplier; m++)
        {
            int oc = m + ic * depthMultiplier;
            int acc = 0;
            for (int fy = 0; fy < g.FilterHeight; fy++)
            for (int fx = 0; fx < g.FilterWidth; fx++)
            {
                int iy = oy * g.StrideHeight - g.PadTop + fy * g.DilationHeight;
                int ix = ox * g.StrideWidth - g.PadLeft + fx * g.DilationWidth;
                if (iy < 0 || iy >= g.InputHeight || ix < 0 || ix >= g.InputWidth) continue;
                acc += filter[(fy * g.FilterWidth + fx) * g.OutputChannels + oc] * (input[InputIndex(g, b, iy, ix, ic)] - inputZeroPoint);
            }

            if (!bias.IsEmpty) acc += bias[oc];
            int c = outputMultiplier.Length == 1 ? 0 : oc;
            acc = FixedPoint.MultiplyByQuantizedMultiplier(acc, outputMultiplier[c], outputShift[c]) + outputZeroPoint;
            output[OutputIndex(g, b, oy, ox, oc)] = (sbyte)Math.Min(Math.Max(acc, activationMin), activationMax);
        }
    }

    /// <summary>Depthwise legacy uint8 (TFLite's kAwayFromZero rounding = MultiplyByQuantizedMultiplier).</summary>
    public static void DepthwiseConv2DUInt8(ReadOnlySpan<byte> input, int inputZeroPoint, ReadOnlySpan<byte> filter, int filterZeroPoint,
        ReadOnlySpan<int> bias, int outputMultiplier, int outputShift, int outputZeroPoint, Span<byte> output,
        in Conv2DGeometry g, int depthMultiplier, int activationMin, int activationMax)
    {
        for (int b = 0; b < g.Batches; b++)
        for (int oy = 0; oy < g.OutputHeight; oy++)
        for (int ox = 0; ox < g.OutputWidth; ox++)
        for (int ic = 0; ic < g.InputChannels; ic++)
        for (int m = 0; m < depthMultiplier; m++)
        {
            int oc = m + ic * depthMultiplier;
            int acc = 0;
            for (int fy = 0; fy < g.FilterHeight; fy++)
            for (int fx = 0; fx < g.FilterWidth; fx++)
            {
                int iy = oy * g.StrideHeight - g.PadTop + fy * g.DilationHeight;
                int ix = ox * g.StrideWidth - g.PadLeft + fx * g.DilationWidth;
                if (iy < 0 || iy >= g.InputHeight || ix < 0 || ix >= g.InputWidth) continue;
                acc += (filter[(fy * g.FilterWidth + fx) * g.OutputChannels + oc] - filterZeroPoint) * (input[InputIndex(g, b, iy, ix, ic)] - inputZeroPoint);
            }

            if (!bias.IsEmpty) acc += bias[oc];
            acc = FixedPoint.MultiplyByQuantizedMultiplier(acc, outputMultiplier, outputShift) + outputZeroPoint;
            output[OutputIndex(g, b, oy, ox, oc)] = (byte)Math.Min(Math.Max(acc, activationMin), activationMax);
        }
    }

    /// <summary>
    /// Depthwise 16x8 (reference_integer_ops::DepthwiseConvPerChannel for int16): acc (int64) = Σ_taps in[ic]·w[oc] + bias[oc];
    /// out = clamp(MBQM(acc as int64, mult[oc], shift[oc])); zero points 0.
    /// </summary>
    public static void DepthwiseConv2DInt16x8(ReadOnlySpan<short> input, ReadOnlySpan<sbyte> filter, ReadOnlySpan<long> bias,
        ReadOnlySpan<int> outputMultiplier, ReadOnlySpan<int> outputShift, Span<short> output, in Conv2DGeometry g,
        int depthMultiplier, int activationMin, int activationMax)
    {
        for (int b = 0; b < g.Batches; b++)
        for (int oy = 0; oy < g.OutputHeight; oy++)
        for (int ox = 0; ox < g.OutputWidth; ox++)
        for (int ic = 0; ic < g.InputChannels; ic++)
        for (int m = 0; m < depthMultiplier; m++)
        {
            int oc = m + ic * depthMultiplier;
            long acc = 0;
            for (int fy = 0; fy < g.FilterHeight; fy++)
            for (int fx = 0; fx < g.FilterWidth; fx++)
            {
                int iy = oy * g.StrideHeight - g.PadTop + fy * g.DilationHeight;
                int ix = ox * g.StrideWidth - g.PadLeft + fx * g.DilationWidth;
                if (iy < 0 || iy >= g.InputHeight || ix < 0 || ix >= g.InputWidth) continue;
                acc += filter[(fy * g.FilterWidth + fx) * g.OutputChannels + oc] * input[InputIndex(g, b, iy, ix, ic)];
            }

            if (!bias.IsEmpty) acc += bias[oc];
            int c = outputMultiplier.Length == 1 ? 0 : oc;
            int scaled = FixedPoint.MultiplyByQuantizedMultiplier(acc, outputMultiplier[c], outputShift[c]);
            output[OutputIndex(g, b, oy, ox, oc)] = (short)Math.Min(Math.Max(scaled, activationMin), activationMax);
        }
    }

    /// <summary>
    /// TFLite TRANSPOSE_CONV (reference_ops::TransposeConv, scatter form): every input element adds in·w to the
    /// outputs it reaches (out_y = in_y·stride − padTop + fy), then bias, then the clamp. Filter [OC, FH, FW, IC];
    /// the geometry's Input* describe the input and Output* the given output shape; dilations must be 1.
    /// </summary>
    public static void TransposeConv2DFloat(ReadOnlySpan<float> input, ReadOnlySpan<float> filter, ReadOnlySpan<float> bias,
        Span<float> output, in Conv2DGeometry g, float activationMin, float activationMax)
    {
        output.Slice(0, (int)g.OutputLength).Clear();
        for (int b = 0; b < g.Batches; b++)
        for (int iy = 0; iy < g.InputHeight; iy++)
        for (int ix = 0; ix < g.InputWidth; ix++)
        for (int ic = 0; ic < g.InputChannels; ic++)
        {
            int oxOrigin = ix * g.StrideWidth - g.PadLeft;
            int oyOrigin = iy * g.StrideHeight - g.PadTop;
            for (int fy = 0; fy < g.FilterHeight; fy++)
            for (int fx = 0; fx < g.FilterWidth; fx++)
            for (int oc = 0; oc < g.OutputChannels; oc++)
            {
                int ox = oxOrigin + fx, oy = oyOrigin + fy;
                if (ox < 0 || ox >= g.OutputWidth || oy < 0 || oy >= g.OutputHeight) continue;
                output[OutputIndex(g, b, oy, ox, oc)] += input[InputIndex(g, b, iy, ix, ic)] * filter[FilterIndex(g, oc, fy, fx, ic)];
            }
        }

        int pixels = g.OutputPixels;
        for (int p = 0; p < pixels; p++)
        for (int oc = 0; oc < g.OutputChannels; oc++)
        {
            int i = p * g.OutputChannels + oc;
            output[i] = Scalar.Clamp(output[i] + (bias.IsEmpty ? 0f : bias[oc]), activationMin, activationMax);
        }
    }

    /// <summary>The filter's input depth: InputChannels, or InputChannels / groups for a grouped convolution.</summary>
    private static int FilterDepth(in Conv2DGeometry g, int filterLength) => filterLength / (g.OutputChannels * g.FilterHeight * g.FilterWidth);

    private static int InputIndex(in Conv2DGeometry g, int b, int y, int x, int c) => ((b * g.InputHeight + y) * g.InputWidth + x) * g.InputChannels + c;

    private static int OutputIndex(in Conv2DGeometry g, int b, int y, int x, int c) => ((b * g.OutputHeight + y) * g.OutputWidth + x) * g.OutputChannels + c;

    private static int FilterIndex(in Conv2DGeometry g, int oc, int y, int x, int ic) => ((oc * g.FilterHeight + y) * g.FilterWidth + x) * g.InputChannels + ic;
}
