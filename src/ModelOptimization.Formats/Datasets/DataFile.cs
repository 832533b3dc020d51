using System.IO.Compression;

namespace ModelOptimization.Formats.Datasets;

/// <summary>Opens dataset files for sequential reading, decompressing gzip transparently.</summary>
internal static class DataFile
{
    private const int BufferSize = 1 << 16;

    /// <summary>True when the file starts with the gzip magic bytes 1F 8B.</summary>
    public static bool IsGzip(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 16);
        Span<byte> magic = stackalloc byte[2];
        return fs.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
    }

    /// <summary>
    /// Opens the file for reading; gzip content is decompressed on the fly (then the stream cannot seek).
    /// </summary>
    public static Stream OpenRead(string path, out bool compressed)
    {
        compressed = IsGzip(path);
        var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.SequentialScan);
        if (!compressed) return fs;
        return new BufferedStream(new GZipStream(fs, CompressionMode.Decompress), BufferSize);
    }

    /// <summary>The first <paramref name="count"/> bytes of the (decompressed) content, fewer when it is shorter.</summary>
    public static byte[] Peek(string path, int count)
    {
        try
        {
            using var s = OpenRead(path, out _);
            var buffer = new byte[count];
            int n = s.ReadAtLeast(buffer, count, throwOnEndOfStream: false);
            return buffer[..n];
        }
        catch (InvalidDataException ex)
        {
            throw DatasetErrors.ReadFailed(path, "the gzip data is corrupt (" + ex.Message + ").", ex);
        }
    }

    /// <summary>
    /// Fills <paramref name="buffer"/>; throws DatasetReadFailed naming <paramref name="what"/> when the content
    /// ends first or the gzip data is corrupt.
    /// </summary>
    public static void ReadExactly(Stream stream, Span<byte> buffer, string path, Func<string> what)
    {
        int n;
        try
        {
            n = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException ex)
        {
            throw DatasetErrors.ReadFailed(path, $"the gzip data is corrupt while reading {what()} ({ex.Message}).", ex);
        }

        if (n < buffer.Length)
        {
            throw DatasetErrors.ReadFailed(path, $"the file is truncated: {what()} needs {buffer.Length} bytes, only {n} remain.");
        }
    }

    /// <summary>Moves forward <paramref name="bytes"/> bytes: a seek on plain files, a read-and-discard on gzip.</summary>
    public static void SkipForward(Stream stream, long bytes, string path, Func<string> what)
    {
        if (bytes <= 0) return;
        if (stream.CanSeek)
        {
            if (stream.Position + bytes > stream.Length)
            {
                throw DatasetErrors.ReadFailed(path, $"the file is truncated: {what()} lies beyond its end.");
            }

            stream.Seek(bytes, SeekOrigin.Current);
            return;
        }

        var scratch = new byte[(int)Math.Min(bytes, BufferSize)];
        while (bytes > 0)
        {
            int chunk = (int)Math.Min(bytes, scratch.Length);
            ReadExactly(stream, scratch.AsSpan(0, chunk), path, what);
            bytes -= chunk;
        }
    }
}
