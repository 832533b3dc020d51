namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// Lays convolution windows out as matrix rows: row p (an output pixel) holds the filter-height × filter-width ×
/// input-depth values under the window, with <c>pad</c> where the window leaves the input. A convolution is
/// then a matrix product with the OHWI filter seen as [output depth × (H·W·I)].
/// </summary>
internal static class Im2Col
{
    public static int Depth(ConvGeometry g) => g.FilterHeight * g.FilterWidth * g.InputDepth;

    /// <summary>Fills rows for output pixels [pixelStart, pixelStart + count) (pixels numbered over batch, y, x).</summary>
    public static void Fill<T>(ConvGeometry g, ReadOnlySpan<T> input, Span<T> columns, T pad, int pixelStart, int count)
        where T : unmanaged
    {
        int depth = g.InputDepth;
        int k = Depth(g);
        int perImage = g.OutputHeight * g.OutputWidth;
        for (int p = 0; p < count; p++)
        {
            int pixel = pixelStart + p;
            int b = pixel / perImage, rem = pixel % perImage;
            int oy = rem / g.OutputWidth, ox = rem % g.OutputWidth;
            int inY0 = oy * g.StrideHeight - g.PadTop, inX0 = ox * g.StrideWidth - g.PadLeft;
            var row = columns.Slice(p * k, k);
            int o = 0;
            for (int ky = 0; ky < g.FilterHeight; ky++)
            {
                int iy = inY0 + ky * g.DilationHeight;
                bool rowInside = (uint)iy < (uint)g.InputHeight;
                int lineBase = (b * g.InputHeight + iy) * g.InputWidth;
                if (rowInside && g.DilationWidth == 1 && inX0 >= 0 && inX0 + g.FilterWidth <= g.InputWidth)
                {
                    int len = g.FilterWidth * depth;
                    input.Slice((lineBase + inX0) * depth, len).CopyTo(row.Slice(o, len));
                    o += len;
                    continue;
                }

                for (int kx = 0; kx < g.FilterWidth; kx++)
                {
                    int ix = inX0 + kx * g.DilationWidth;
                    if (rowInside && (uint)ix < (uint)g.InputWidth)
                    {
                        input.Slice((lineBase + ix) * depth, depth).CopyTo(row.Slice(o, depth));
                    }
                    else
                    {
                        row.Slice(o, depth).Fill(pad);
                    }

                    o += depth;
                }
            }
        }
    }

    /// <summary>Pixels per im2col block so a block stays near <paramref name="targetBytes"/>.</summary>
    public static int BlockPixels(ConvGeometry g, int elementSize, int totalPixels, int targetBytes = 1 << 21)
    {
        long rowBytes = (long)Depth(g) * elementSize;
        int block = (int)Math.Max(16, targetBytes / Math.Max(1, rowBytes));
        return Math.Min(block, totalPixels);
    }
}
