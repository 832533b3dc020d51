using System.Numerics;

namespace ModelOptimization.Runtime.Reference;

internal static partial class ReferenceKernels
{
    /// <summary>The window of output (oy, ox) clipped to the input: [yStart, yEnd) × [xStart, xEnd) in input coordinates.</summary>
    private static (int Y0, int Y1, int X0, int X1) PoolWindow(ConvGeometry g, int oy, int ox)
    {
        int inX = ox * g.StrideWidth - g.PadLeft, inY = oy * g.StrideHeight - g.PadTop;
        int x0 = Math.Max(0, -inX), x1 = Math.Min(g.FilterWidth, g.InputWidth - inX);
        int y0 = Math.Max(0, -inY), y1 = Math.Min(g.FilterHeight, g.InputHeight - inY);
        return (inY + y0, inY + y1, inX + x0, inX + x1);
    }

    /// <summary>Float AVERAGE_POOL_2D: mean over the window's inside part, then clamp.</summary>
    public static void AveragePoolFloat(ConvGeometry g, ReadOnlySpan<float> input, Span<float> output, float min, float max, int rowStart, int rowEnd)
    {
        int depth = g.InputDepth;
        Span<float> acc = depth <= 2048 ? stackalloc float[depth] : new float[depth];
        for (int row = rowStart; row < rowEnd; row++)
        {
            int b = row / g.OutputHeight, oy = row % g.OutputHeight;
            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                var (y0, y1, x0, x1) = PoolWindow(g, oy, ox);
                acc.Clear();
                int count = 0;
                for (int y = y0; y < y1; y++)
                {
                    for (int x = x0; x < x1; x++)
                    {
                        var px = input.Slice(((b * g.InputHeight + y) * g.InputWidth + x) * depth, depth);
                        for (int c = 0; c < depth; c++) acc[c] += px[c];
                        count++;
                    }
                }

                var dst = output.Slice(((b * g.OutputHeight + oy) * g.OutputWidth + ox) * depth, depth);
                for (int c = 0; c < depth; c++) dst[c] = Math.Min(Math.Max(acc[c] / count, min), max);
            }
        }
    }

    /// <summary>
    /// Quantized AVERAGE_POOL_2D: integer sum over the window, divided by the count rounding half away from zero
    /// (uint8: half up), then clamp.
    /// </summary>
    public static void AveragePoolQuantized<T>(ConvGeometry g, ReadOnlySpan<T> input, Span<T> output, int actMin, int actMax, int rowStart, int rowEnd)
        where T : unmanaged, IBinaryInteger<T>
    {
        int depth = g.InputDepth;
        Span<int> acc = depth <= 2048 ? stackalloc int[depth] : new int[depth];
        for (int row = rowStart; row < rowEnd; row++)
        {
            int b = row / g.OutputHeight, oy = row % g.OutputHeight;
            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                var (y0, y1, x0, x1) = PoolWindow(g, oy, ox);
                acc.Clear();
                int count = 0;
                for (int y = y0; y < y1; y++)
                {
                    for (int x = x0; x < x1; x++)
                    {
                        var px = input.Slice(((b * g.InputHeight + y) * g.InputWidth + x) * depth, depth);
                        for (int c = 0; c < depth; c++) acc[c] += int.CreateTruncating(px[c]);
                        count++;
                    }
                }

                var dst = output.Slice(((b * g.OutputHeight + oy) * g.OutputWidth + ox) * depth, depth);
                for (int c = 0; c < depth; c++)
                {
                    int a = acc[c];
                    a = a > 0 ? (a + count / 2) / count : (a - count / 2) / count;
                    dst[c] = T.CreateTruncating(IntegerArithmetic.Clamp(a, actMin, actMax));
                }
            }
        }
    }

    /// <summary>MAX_POOL_2D over the window's inside part, then clamp (float or integer).</summary>
    public static void MaxPool<T>(ConvGeometry g, ReadOnlySpan<T> input, Span<T> output, T min, T max, int rowStart, int rowEnd)
        where T : unmanaged, INumber<T>, IMinMaxValue<T>
    {
        int depth = g.InputDepth;
        for (int row = rowStart; row < rowEnd; row++)
        {
            int b = row / g.OutputHeight, oy = row % g.OutputHeight;
            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                var (y0, y1, x0, x1) = PoolWindow(g, oy, ox);
                var dst = output.Slice(((b * g.OutputHeight + oy) * g.OutputWidth + ox) * depth, depth);
                dst.Fill(T.MinValue);
                if (typeof(T) == typeof(float)) dst.Fill(T.CreateTruncating(float.MinValue));
                for (int y = y0; y < y1; y++)
                {
                    for (int x = x0; x < x1; x++)
                    {
                        var px = input.Slice(((b * g.InputHeight + y) * g.InputWidth + x) * depth, depth);
                        for (int c = 0; c < depth; c++)
                        {
                            if (px[c] > dst[c]) dst[c] = px[c];
                        }
                    }
                }

                for (int c = 0; c < depth; c++)
                {
                    T v = dst[c];
                    if (v < min) v = min;
                    if (v > max) v = max;
                    dst[c] = v;
                }
            }
        }
    }

    /// <summary>Float L2_POOL_2D: sqrt of the mean of squares over the window, then clamp.</summary>
    public static void L2PoolFloat(ConvGeometry g, ReadOnlySpan<float> input, Span<float> output, float min, float max, int rowStart, int rowEnd)
    {
        int depth = g.InputDepth;
        for (int row = rowStart; row < rowEnd; row++)
        {
            int b = row / g.OutputHeight, oy = row % g.OutputHeight;
            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                var (y0, y1, x0, x1) = PoolWindow(g, oy, ox);
                for (int c = 0; c < depth; c++)
                {
                    float sum = 0;
                    int count = 0;
                    for (int y = y0; y < y1; y++)
                    {
                        for (int x = x0; x < x1; x++)
                        {
                            float v = input[((b * g.InputHeight + y) * g.InputWidth + x) * depth + c];
                            sum += v * v;
                            count++;
                        }
                    }

                    float l2 = MathF.Sqrt(sum / count);
                    output[((b * g.OutputHeight + oy) * g.OutputWidth + ox) * depth + c] = Math.Min(Math.Max(l2, min), max);
                }
            }
        }
    }
}
