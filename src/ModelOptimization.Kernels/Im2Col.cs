namespace ModelOptimization.Kernels;

/// <summary>
/// im2col: row r of the matrix is output pixel r0 + r, laid out as the filter is ([fy][fx][ic]), with zeros where
/// the filter is outside the input. Integer sources write int16 (x − zeroPoint), so padding (0) adds nothing, and pad
/// each row to an even length with one zero.
/// </summary>
internal static unsafe class Im2Col
{
    internal interface IInt16Source
    {
        /// <summary>Writes <paramref name="count"/> values starting at element <paramref name="offset"/> as int16 (x − zp).</summary>
        void Copy(long offset, int count, short* dst);
    }

    internal struct Int8Source : IInt16Source
    {
        public sbyte* Input;
        public int ZeroPoint;

        public void Copy(long offset, int count, short* dst) => Widen.ToInt16(Input + offset, count, ZeroPoint, dst);
    }

    internal struct UInt8Source : IInt16Source
    {
        public byte* Input;
        public int ZeroPoint;

        public void Copy(long offset, int count, short* dst) => Widen.ToInt16(Input + offset, count, ZeroPoint, dst);
    }

    internal struct Int16Source : IInt16Source
    {
        public short* Input;

        public void Copy(long offset, int count, short* dst) =>
            new ReadOnlySpan<short>(Input + offset, count).CopyTo(new Span<short>(dst, count));
    }

    internal static void Float(float* input, in Conv2DGeometry g, int r0, int rows, float* dst)
    {
        int k = g.Depth, c = g.InputChannels;
        int plane = g.OutputHeight * g.OutputWidth;
        for (int r = 0; r < rows; r++)
        {
            int p = r0 + r;
            int b = p / plane, rem = p - b * plane;
            int oy = rem / g.OutputWidth, ox = rem - oy * g.OutputWidth;
            float* d = dst + (long)r * k;
            int ix0 = ox * g.StrideWidth - g.PadLeft;
            bool rowInside = g.DilationWidth == 1 && ix0 >= 0 && ix0 + g.FilterWidth <= g.InputWidth;
            for (int fy = 0; fy < g.FilterHeight; fy++)
            {
                float* drow = d + fy * g.FilterWidth * c;
                int iy = oy * g.StrideHeight - g.PadTop + fy * g.DilationHeight;
                if (iy < 0 || iy >= g.InputHeight)
                {
                    new Span<float>(drow, g.FilterWidth * c).Clear();
                    continue;
                }

                long rowBase = ((long)b * g.InputHeight + iy) * g.InputWidth;
                if (rowInside)
                {
                    new ReadOnlySpan<float>(input + (rowBase + ix0) * c, g.FilterWidth * c).CopyTo(new Span<float>(drow, g.FilterWidth * c));
                    continue;
                }

                for (int fx = 0; fx < g.FilterWidth; fx++)
                {
                    int ix = ix0 + fx * g.DilationWidth;
                    if (ix < 0 || ix >= g.InputWidth)
                        new Span<float>(drow + fx * c, c).Clear();
                    else
                        new ReadOnlySpan<float>(input + (rowBase + ix) * c, c).CopyTo(new Span<float>(drow + fx * c, c));
                }
            }
        }
    }

    internal static void Integer<TSource>(TSource source, in Conv2DGeometry g, int r0, int rows, short* dst) where TSource : struct, IInt16Source
    {
        int k = g.Depth, kp = (k + 1) & ~1, c = g.InputChannels;
        int plane = g.OutputHeight * g.OutputWidth;
        for (int r = 0; r < rows; r++)
        {
            int p = r0 + r;
            int b = p / plane, rem = p - b * plane;
            int oy = rem / g.OutputWidth, ox = rem - oy * g.OutputWidth;
            short* d = dst + (long)r * kp;
            if (kp > k) d[k] = 0;
            int ix0 = ox * g.StrideWidth - g.PadLeft;
            bool rowInside = g.DilationWidth == 1 && ix0 >= 0 && ix0 + g.FilterWidth <= g.InputWidth;
            for (int fy = 0; fy < g.FilterHeight; fy++)
            {
                short* drow = d + fy * g.FilterWidth * c;
                int iy = oy * g.StrideHeight - g.PadTop + fy * g.DilationHeight;
                if (iy < 0 || iy >= g.InputHeight)
                {
                    new Span<short>(drow, g.FilterWidth * c).Clear();
                    continue;
                }

                long rowBase = ((long)b * g.InputHeight + iy) * g.InputWidth;
                if (rowInside)
                {
                    source.Copy((rowBase + ix0) * c, g.FilterWidth * c, drow);
                    continue;
                }

                for (int fx = 0; fx < g.FilterWidth; fx++)
                {
                    int ix = ix0 + fx * g.DilationWidth;
                    if (ix < 0 || ix >= g.InputWidth)
                        new Span<short>(drow + fx * c, c).Clear();
                    else
                        source.Copy((rowBase + ix) * c, c, drow + fx * c);
                }
            }
        }
    }
}
