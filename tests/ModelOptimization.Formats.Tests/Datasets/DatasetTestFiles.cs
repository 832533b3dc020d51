using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ModelOptimization.Core.Errors;
using SkiaSharp;

namespace ModelOptimization.Formats.Tests.Datasets;

/// <summary>A temporary folder for generated dataset files, deleted on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mo-datasets-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string relative)
    {
        string full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        return full;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Writers for small IDX, .npy and image files, and assertion helpers.</summary>
public static class DatasetTestFiles
{
    /// <summary>An IDX file: magic 00 00 <paramref name="typeCode"/> ndim, big-endian dims, then <paramref name="data"/>.</summary>
    public static byte[] Idx(byte typeCode, int[] dims, byte[] data)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        bytes[2] = typeCode;
        bytes[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        return bytes;
    }

    public static byte[] Gzip(byte[] data)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(data);
        return ms.ToArray();
    }

    /// <summary>A .npy file of the given version with the given header dict and data.</summary>
    public static byte[] Npy(int version, string dict, byte[] data)
    {
        int prefix = version == 1 ? 10 : 12;
        string header = dict;
        int total = prefix + header.Length + 1;
        header += new string(' ', (64 - total % 64) % 64) + "\n";
        var headerBytes = (version == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(header);
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)version, 0 };
        if (version == 1)
        {
            bytes.Add((byte)(headerBytes.Length & 0xFF));
            bytes.Add((byte)(headerBytes.Length >> 8));
        }
        else
        {
            var len = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(len, headerBytes.Length);
            bytes.AddRange(len);
        }

        bytes.AddRange(headerBytes);
        bytes.AddRange(data);
        return bytes.ToArray();
    }

    public static string NpyDict(string descr, string shape, bool fortran = false)
        => $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";

    /// <summary>Writes a PNG (or JPEG/BMP by extension) of <paramref name="width"/> × <paramref name="height"/> RGBA pixels.</summary>
    public static void WriteImage(string path, int width, int height, Func<int, int, (byte R, byte G, byte B)> pixel)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var bitmap = new SKBitmap(info);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                var (r, g, b) = pixel(x, y);
                bitmap.SetPixel(x, y, new SKColor(r, g, b, 255));
            }
        }

        var format = System.IO.Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".jpg" or ".jpeg" => SKEncodedImageFormat.Jpeg,
            _ => SKEncodedImageFormat.Png,
        };
        using var image = SKImage.FromBitmap(bitmap);
        using var encoded = image.Encode(format, 100);
        File.WriteAllBytes(path, encoded.ToArray());
    }

    /// <summary>Asserts that <paramref name="action"/> throws a ModelOptimizationException with the ErrorId.</summary>
    public static ModelOptimizationException AssertError(string errorId, Action action)
    {
        var ex = Assert.Throws<ModelOptimizationException>(action);
        Assert.Equal(errorId, ex.ErrorId);
        return ex;
    }
}
