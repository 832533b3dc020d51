using System.Runtime.CompilerServices;

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
    public static unsafe void Fill<T>(ConvGeometry g, ReadOnlySpan<T> input, Span<T> columns, T pad, int pixelStart, int count)
        where T : unmanaged
    {
        int depth = g.InputDepth;
        int k = Depth(g);
        if (count <= 0) return;
        if ((long)count * k > columns.Length) throw new ArgumentOutOfRangeException(nameof(columns));
        if ((long)g.Batches * g.InputHeight * g.InputWidth * depth > input.Length) throw new ArgumentOutOfRangeException(nameof(input));
        int perImage = g.OutputHeight * g.OutputWidth;
        int b = pixelStart / perImage, rem = pixelStart % perImage;
        int oy = rem / g.OutputWidth, ox = rem % g.OutputWidth;
        uint tapBytes = (uint)(depth * sizeof(T));
        fixed (T* src = input)
        fixed (T* dst = columns)
        {
            T* row = dst;
            for (int p = 0; p < count; p++, row += k)
            {
                int inY0 = oy * g.StrideHeight - g.PadTop, inX0 = ox * g.StrideWidth - g.PadLeft;
                bool xInside = g.DilationWidth == 1 && inX0 >= 0 && inX0 + g.FilterWidth <= g.InputWidth;
                T* o = row;
                for (int ky = 0; ky < g.FilterHeight; ky++)
                {
                    int iy = inY0 + ky * g.DilationHeight;
                    bool rowInside = (uint)iy < (uint)g.InputHeight;
                    long lineBase = ((long)b * g.InputHeight + iy) * g.InputWidth;
                    if (rowInside && xInside)
                    {
                        CopySmall((byte*)o, (byte*)(src + (lineBase + inX0) * depth), tapBytes * (uint)g.FilterWidth);
                        o += g.FilterWidth * depth;
                        continue;
                    }

                    for (int kx = 0; kx < g.FilterWidth; kx++, o += depth)
                    {
                        int ix = inX0 + kx * g.DilationWidth;
                        if (rowInside && (uint)ix < (uint)g.InputWidth) CopySmall((byte*)o, (byte*)(src + (lineBase + ix) * depth), tapBytes);
                        else new Span<T>(o, depth).Fill(pad);
                    }
                }

                if (++ox == g.OutputWidth)
                {
                    ox = 0;
                    if (++oy == g.OutputHeight)
                    {
                        oy = 0;
                        b++;
                    }
                }
            }
        }
    }

    /// <summary>Copies <paramref name="length"/> bytes; short lengths (a 3×3 window row of 3 channels) as two overlapping moves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void CopySmall(byte* dst, byte* src, uint length)
    {
        if (length >= 8 && length <= 16)
        {
            ulong head = Unsafe.ReadUnaligned<ulong>(src), tail = Unsafe.ReadUnaligned<ulong>(src + length - 8);
            Unsafe.WriteUnaligned(dst, head);
            Unsafe.WriteUnaligned(dst + length - 8, tail);
        }
        else if (length > 16 && length <= 32)
        {
            var head = Unsafe.ReadUnaligned<System.Runtime.Intrinsics.Vector128<byte>>(src);
            var tail = Unsafe.ReadUnaligned<System.Runtime.Intrinsics.Vector128<byte>>(src + length - 16);
            Unsafe.WriteUnaligned(dst, head);
            Unsafe.WriteUnaligned(dst + length - 16, tail);
        }
        else if (length > 32 && length <= 64)
        {
            var head = Unsafe.ReadUnaligned<System.Runtime.Intrinsics.Vector256<byte>>(src);
            var tail = Unsafe.ReadUnaligned<System.Runtime.Intrinsics.Vector256<byte>>(src + length - 32);
            Unsafe.WriteUnaligned(dst, head);
            Unsafe.WriteUnaligned(dst + length - 32, tail);
        }
        else
        {
            Unsafe.CopyBlockUnaligned(dst, src, length);
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
