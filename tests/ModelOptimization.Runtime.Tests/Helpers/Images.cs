using SkiaSharp;

namespace ModelOptimization.Runtime.Tests.Helpers;

/// <summary>Test images as interleaved 8-bit pixels (decoded with SkiaSharp; BMPs read directly).</summary>
public static class Images
{
    /// <summary>An RGB (3 channels) or grayscale (1 channel) image.</summary>
    public sealed record Pixels(int Width, int Height, int Channels, byte[] Data);

    /// <summary>Decodes a JPEG or PNG to RGB.</summary>
    public static Pixels DecodeRgb(string path)
    {
        using var bitmap = SKBitmap.Decode(path) ?? throw new InvalidDataException($"Cannot decode {path}.");
        var data = new byte[bitmap.Width * bitmap.Height * 3];
        for (int y = 0; y < bitmap.Height; y++)
        {
            for (int x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                int o = (y * bitmap.Width + x) * 3;
                data[o] = c.Red;
                data[o + 1] = c.Green;
                data[o + 2] = c.Blue;
            }
        }

        return new Pixels(bitmap.Width, bitmap.Height, 3, data);
    }

    /// <summary>Decodes a grayscale PNG (the red channel of the decoded pixels).</summary>
    public static Pixels DecodeGray(string path)
    {
        var rgb = DecodeRgb(path);
        var data = new byte[rgb.Width * rgb.Height];
        for (int i = 0; i < data.Length; i++) data[i] = rgb.Data[i * 3];
        return new Pixels(rgb.Width, rgb.Height, 1, data);
    }

    /// <summary>
    /// An uncompressed 8-bit BMP's palette indices, top row first (what PIL's tobytes() gives, as TFLite Micro's
    /// generate_cc_arrays.py embeds test images).
    /// </summary>
    public static Pixels ReadBmp8(string path)
    {
        var b = File.ReadAllBytes(path);
        int offset = BitConverter.ToInt32(b, 10);
        int width = BitConverter.ToInt32(b, 18);
        int height = BitConverter.ToInt32(b, 22);
        int bpp = BitConverter.ToInt16(b, 28);
        if (bpp != 8) throw new InvalidDataException($"{path} is not an 8-bit BMP.");
        bool bottomUp = height > 0;
        height = Math.Abs(height);
        int stride = (width + 3) / 4 * 4;
        var data = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            int src = offset + (bottomUp ? height - 1 - y : y) * stride;
            Array.Copy(b, src, data, y * width, width);
        }

        return new Pixels(width, height, 1, data);
    }

    /// <summary>Bilinear resize with half-pixel centers (as image pipelines scale), rounded to bytes.</summary>
    public static Pixels Resize(Pixels image, int width, int height)
    {
        var r = new byte[width * height * image.Channels];
        float sx = (float)image.Width / width, sy = (float)image.Height / height;
        for (int y = 0; y < height; y++)
        {
            float fy = Math.Max(0, (y + 0.5f) * sy - 0.5f);
            int y0 = (int)fy, y1 = Math.Min(y0 + 1, image.Height - 1);
            float dy = fy - y0;
            for (int x = 0; x < width; x++)
            {
                float fx = Math.Max(0, (x + 0.5f) * sx - 0.5f);
                int x0 = (int)fx, x1 = Math.Min(x0 + 1, image.Width - 1);
                float dx = fx - x0;
                for (int c = 0; c < image.Channels; c++)
                {
                    float v00 = image.Data[(y0 * image.Width + x0) * image.Channels + c], v01 = image.Data[(y0 * image.Width + x1) * image.Channels + c];
                    float v10 = image.Data[(y1 * image.Width + x0) * image.Channels + c], v11 = image.Data[(y1 * image.Width + x1) * image.Channels + c];
                    float v = v00 * (1 - dx) * (1 - dy) + v01 * dx * (1 - dy) + v10 * (1 - dx) * dy + v11 * dx * dy;
                    r[(y * width + x) * image.Channels + c] = (byte)Math.Clamp((int)MathF.Round(v), 0, 255);
                }
            }
        }

        return new Pixels(width, height, image.Channels, r);
    }
}
