using System.Numerics;

namespace ModelOptimization.Kernels.Reference;

/// <summary>
/// Scalar pooling as TFLite's reference_ops / reference_integer_ops AveragePool and MaxPool (NHWC): the
/// specification of <see cref="Kernels.Pooling"/>. The window is clipped to the input; an average over an empty
/// window (impossible with TFLite's padding) leaves 0.
/// </summary>
public static class Pooling
{
    public static void AveragePoolFloat(ReadOnlySpan<float> input, Span<float> output, in Pool2DGeometry g, float activationMin, float activationMax)
    {
        for (int b = 0; b < g.Batches; b++)
        for (int oy = 0; oy < g.OutputHeight; oy++)
        for (int ox = 0; ox < g.OutputWidth; ox++)
        for (int c = 0; c < g.Channels; c++)
        {
            Window(g, oy, ox, out int y0, out int y1, out int x0, out int x1);
            float total = 0f;
            int count = 0;
            for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
            {
                total += input[Index(g, b, y, x, c)];
                count++;
            }

            output[OutIndex(g, b, oy, ox, c)] = count == 0 ? 0f : Scalar.Clamp(total / count, activationMin, activationMax);
        }
    }

    /// <summary>int8: acc = Σ window; acc = acc &gt; 0 ? (acc + n/2)/n : (acc − n/2)/n (C division); clamp.</summary>
    public static void AveragePoolInt8(ReadOnlySpan<sbyte> input, Span<sbyte> output, in Pool2DGeometry g, int activationMin, int activationMax)
        => AveragePool(input, output, g, activationMin, activationMax);

    /// <summary>uint8: acc = (Σ window + n/2) / n (the signed rule below, as acc ≥ 0); clamp.</summary>
    public static void AveragePoolUInt8(ReadOnlySpan<byte> input, Span<byte> output, in Pool2DGeometry g, int activationMin, int activationMax)
        => AveragePool(input, output, g, activationMin, activationMax);

    /// <summary>
    /// Integer average pool (int8, uint8, int16) as reference_integer_ops::AveragePool: acc = Σ window (int32);
    /// acc = acc &gt; 0 ? (acc + n/2)/n : (acc − n/2)/n (C division, half away from zero); clamp.
    /// </summary>
    public static void AveragePool<T>(ReadOnlySpan<T> input, Span<T> output, in Pool2DGeometry g, int activationMin, int activationMax)
        where T : unmanaged, IBinaryInteger<T>
    {
        for (int b = 0; b < g.Batches; b++)
        for (int oy = 0; oy < g.OutputHeight; oy++)
        for (int ox = 0; ox < g.OutputWidth; ox++)
        for (int c = 0; c < g.Channels; c++)
        {
            Window(g, oy, ox, out int y0, out int y1, out int x0, out int x1);
            int acc = 0, count = 0;
            for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
            {
                acc += int.CreateTruncating(input[Index(g, b, y, x, c)]);
                count++;
            }

            if (count == 0) acc = 0;
            else acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
            output[OutIndex(g, b, oy, ox, c)] = T.CreateTruncating(Math.Min(Math.Max(acc, activationMin), activationMax));
        }
    }

    /// <summary>max = lowest; max = std::max(max, x) over the window; clamp.</summary>
    public static void MaxPoolFloat(ReadOnlySpan<float> input, Span<float> output, in Pool2DGeometry g, float activationMin, float activationMax)
    {
        for (int b = 0; b < g.Batches; b++)
        for (int oy = 0; oy < g.OutputHeight; oy++)
        for (int ox = 0; ox < g.OutputWidth; ox++)
        for (int c = 0; c < g.Channels; c++)
        {
            Window(g, oy, ox, out int y0, out int y1, out int x0, out int x1);
            float max = float.MinValue;
            for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
            {
                float v = input[Index(g, b, y, x, c)];
                max = max < v ? v : max;
            }

            output[OutIndex(g, b, oy, ox, c)] = Scalar.Clamp(max, activationMin, activationMax);
        }
    }

    public static void MaxPoolInt8(ReadOnlySpan<sbyte> input, Span<sbyte> output, in Pool2DGeometry g, int activationMin, int activationMax)
        => MaxPool(input, output, g, activationMin, activationMax);

    public static void MaxPoolUInt8(ReadOnlySpan<byte> input, Span<byte> output, in Pool2DGeometry g, int activationMin, int activationMax)
        => MaxPool(input, output, g, activationMin, activationMax);

    /// <summary>Integer max pool (int8, uint8, int16): max = T.MinValue; max = std::max(max, x) over the window; clamp.</summary>
    public static void MaxPool<T>(ReadOnlySpan<T> input, Span<T> output, in Pool2DGeometry g, int activationMin, int activationMax)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        for (int b = 0; b < g.Batches; b++)
        for (int oy = 0; oy < g.OutputHeight; oy++)
        for (int ox = 0; ox < g.OutputWidth; ox++)
        for (int c = 0; c < g.Channels; c++)
        {
            Window(g, oy, ox, out int y0, out int y1, out int x0, out int x1);
            int max = int.CreateTruncating(T.MinValue);
            for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++) max = Math.Max(max, int.CreateTruncating(input[Index(g, b, y, x, c)]));
            output[OutIndex(g, b, oy, ox, c)] = T.CreateTruncating(Math.Min(Math.Max(max, activationMin), activationMax));
        }
    }

    /// <summary>reference_ops::L2Pool: out = clamp(sqrt(Σ window x² / n)); the sum runs over the window in order.</summary>
    public static void L2PoolFloat(ReadOnlySpan<float> input, Span<float> output, in Pool2DGeometry g, float activationMin, float activationMax)
    {
        for (int b = 0; b < g.Batches; b++)
        for (int oy = 0; oy < g.OutputHeight; oy++)
        for (int ox = 0; ox < g.OutputWidth; ox++)
        for (int c = 0; c < g.Channels; c++)
        {
            Window(g, oy, ox, out int y0, out int y1, out int x0, out int x1);
            float total = 0f;
            int count = 0;
            for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
            {
                float v = input[Index(g, b, y, x, c)];
                total += v * v;
                count++;
            }

            output[OutIndex(g, b, oy, ox, c)] = count == 0 ? 0f : Scalar.Clamp(MathF.Sqrt(total / count), activationMin, activationMax);
        }
    }

    /// <summary>TFLite: filter_start = max(0, −origin), filter_end = min(filter, in − origin).</summary>
    internal static void Window(in Pool2DGeometry g, int oy, int ox, out int y0, out int y1, out int x0, out int x1)
    {
        int yOrigin = oy * g.StrideHeight - g.PadTop, xOrigin = ox * g.StrideWidth - g.PadLeft;
        y0 = yOrigin + Math.Max(0, -yOrigin);
        y1 = yOrigin + Math.Min(g.FilterHeight, g.InputHeight - yOrigin);
        x0 = xOrigin + Math.Max(0, -xOrigin);
        x1 = xOrigin + Math.Min(g.FilterWidth, g.InputWidth - xOrigin);
    }

    private static int Index(in Pool2DGeometry g, int b, int y, int x, int c) => ((b * g.InputHeight + y) * g.InputWidth + x) * g.Channels + c;

    private static int OutIndex(in Pool2DGeometry g, int b, int y, int x, int c) => ((b * g.OutputHeight + y) * g.OutputWidth + x) * g.Channels + c;
}
