using SkiaSharp;

namespace ModelOptimization.Formats.Datasets;

/// <summary>
/// Decodes PNG, JPEG and BMP files with SkiaSharp to 8-bit RGBA, and turns them into samples: grayscale
/// (0.299 R + 0.587 G + 0.114 B, exact for gray pixels), RGB or RGBA, resized bilinearly with half-pixel centres
/// (TensorFlow's <c>tf.image.resize</c> without antialiasing). Pixel values stay 0..255 (as doubles) until the
/// dataset's scale and offset apply; EXIF orientation is ignored, as TensorFlow's decoders do.
/// </summary>
internal static class ImageDecoder
{
    /// <summary>The file extensions read from folders.</summary>
    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp"];

    public static bool HasImageExtension(string path)
        => Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>True when the bytes start like a PNG, JPEG or BMP file.</summary>
    public static bool LooksLikeImage(ReadOnlySpan<byte> start)
        => start.Length >= 4 && start[0] == 0x89 && start[1] == (byte)'P' && start[2] == (byte)'N' && start[3] == (byte)'G'
           || start.Length >= 3 && start[0] == 0xFF && start[1] == 0xD8 && start[2] == 0xFF
           || start.Length >= 2 && start[0] == (byte)'B' && start[1] == (byte)'M';

    /// <summary>Decodes a whole image to unpremultiplied RGBA bytes.</summary>
    public static DecodedImage Decode(string path)
    {
        SkiaNative.EnsureResolver();
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            throw DatasetErrors.ReadFailed(path, "the image file no longer exists.");
        }

        using var stream = new MemoryStream(bytes, writable: false);
        using var codec = SKCodec.Create(stream, out var result);
        if (codec is null)
        {
            throw DatasetErrors.ReadFailed(path, $"the image cannot be decoded ({Describe(result)}); PNG, JPEG and BMP are supported.");
        }

        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var rgba = new byte[info.BytesSize];
        SKCodecResult decoded;
        unsafe
        {
            fixed (byte* p = rgba)
            {
                decoded = codec.GetPixels(info, (IntPtr)p);
            }
        }

        if (decoded != SKCodecResult.Success)
        {
            throw DatasetErrors.ReadFailed(path, $"the image cannot be decoded ({Describe(decoded)}).");
        }

        bool gray = codec.Info.ColorType == SKColorType.Gray8 || IsGray(rgba);
        return new DecodedImage(info.Width, info.Height, rgba, gray);
    }

    /// <summary>
    /// Writes the image as <paramref name="height"/> × <paramref name="width"/> × <paramref name="channels"/> values
    /// (row-major, channels last) into <paramref name="destination"/>.
    /// </summary>
    public static void ToSample(DecodedImage image, int channels, int height, int width, Span<double> destination)
    {
        int inH = image.Height, inW = image.Width;
        var plane = new double[inH * inW * channels];
        var rgba = image.Rgba;
        for (int p = 0; p < inH * inW; p++)
        {
            byte r = rgba[4 * p], g = rgba[4 * p + 1], b = rgba[4 * p + 2];
            switch (channels)
            {
                case 1:
                    plane[p] = r == g && g == b ? r : 0.299 * r + 0.587 * g + 0.114 * b;
                    break;
                case 3:
                    plane[3 * p] = r;
                    plane[3 * p + 1] = g;
                    plane[3 * p + 2] = b;
                    break;
                default:
                    for (int c = 0; c < 4; c++) plane[4 * p + c] = rgba[4 * p + c];
                    break;
            }
        }

        if (inH == height && inW == width)
        {
            plane.CopyTo(destination);
            return;
        }

        ResizeBilinear(plane, inH, inW, channels, destination, height, width);
    }

    /// <summary>
    /// Bilinear resize with half-pixel centres: output pixel (y, x) samples the input at
    /// ((y + 0.5)·inH/outH − 0.5, (x + 0.5)·inW/outW − 0.5), clamped to the image.
    /// </summary>
    public static void ResizeBilinear(ReadOnlySpan<double> src, int inH, int inW, int channels, Span<double> dst, int outH, int outW)
    {
        double sy = (double)inH / outH, sx = (double)inW / outW;
        for (int y = 0; y < outH; y++)
        {
            double fy = Math.Clamp((y + 0.5) * sy - 0.5, 0, inH - 1);
            int y0 = (int)fy, y1 = Math.Min(y0 + 1, inH - 1);
            double wy = fy - y0;
            for (int x = 0; x < outW; x++)
            {
                double fx = Math.Clamp((x + 0.5) * sx - 0.5, 0, inW - 1);
                int x0 = (int)fx, x1 = Math.Min(x0 + 1, inW - 1);
                double wx = fx - x0;
                for (int c = 0; c < channels; c++)
                {
                    double a = src[(y0 * inW + x0) * channels + c], b = src[(y0 * inW + x1) * channels + c];
                    double d = src[(y1 * inW + x0) * channels + c], e = src[(y1 * inW + x1) * channels + c];
                    double top = a + (b - a) * wx, bottom = d + (e - d) * wx;
                    dst[(y * outW + x) * channels + c] = top + (bottom - top) * wy;
                }
            }
        }
    }

    private static bool IsGray(byte[] rgba)
    {
        for (int i = 0; i < rgba.Length; i += 4)
        {
            if (rgba[i] != rgba[i + 1] || rgba[i + 1] != rgba[i + 2]) return false;
        }

        return true;
    }

    private static string Describe(SKCodecResult result) => result switch
    {
        SKCodecResult.IncompleteInput or SKCodecResult.ErrorInInput => "the data is truncated or corrupt",
        SKCodecResult.Unimplemented => "the format or a feature of it is not supported",
        SKCodecResult.InvalidInput => "the data is not an image",
        _ => result.ToString(),
    };
}
