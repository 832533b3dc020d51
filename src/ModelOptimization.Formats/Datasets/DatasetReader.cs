namespace ModelOptimization.Formats.Datasets;

/// <summary>
/// Opens dataset files and folders. The kind is chosen by content (gzip is looked through): the IDX magic
/// (00 00 type ndim), the .npy magic (\x93NUMPY), the PNG/JPEG/BMP signatures; failing those, a .csv/.tsv/.txt
/// extension or text content means CSV. A folder is a folder of images. Opening reads headers only (a CSV file is
/// checked in one pass); samples are streamed when enumerated.
/// </summary>
public static class DatasetReader
{
    private static readonly string[] TextExtensions = [".csv", ".tsv", ".txt"];

    /// <summary>Opens <paramref name="path"/> (a file or a folder of images) as a dataset.</summary>
    /// <exception cref="Core.Errors.ModelOptimizationException">
    /// ModelFileNotFound when nothing is at the path; DatasetReadFailed when the content is malformed or not a
    /// dataset; ShapeMismatch when -Shape does not fit the data; ParameterCombinationInvalid for invalid options.
    /// </exception>
    public static FileDataset Open(string path, DatasetOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= DatasetOptions.Default;
        options.Validate();
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) return ImageDataset.Open(full, isFolder: true, options);
        if (!File.Exists(full)) throw DatasetErrors.NotFound(full);

        try
        {
            return DetectFormat(full) switch
            {
                DatasetFormat.Idx => IdxDataset.Open(full, options),
                DatasetFormat.Npy => NpyDataset.Open(full, options),
                DatasetFormat.Image => ImageDataset.Open(full, isFolder: false, options),
                _ => CsvDataset.Open(full, options),
            };
        }
        catch (IOException ex) when (ex is not FileNotFoundException)
        {
            throw DatasetErrors.ReadFailed(full, ex.Message, ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw DatasetErrors.ReadFailed(full, ex.Message, ex);
        }
    }

    /// <summary>The kind of a file, by content first and extension second.</summary>
    public static DatasetFormat DetectFormat(string path)
    {
        var start = DataFile.Peek(path, 512);
        if (NpyHeader.LooksLikeNpy(start)) return DatasetFormat.Npy;
        if (IdxHeader.LooksLikeIdx(start)) return DatasetFormat.Idx;
        if (ImageDecoder.LooksLikeImage(start)) return DatasetFormat.Image;

        string name = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
        string ext = Path.GetExtension(name);
        if (TextExtensions.Contains(ext, StringComparer.OrdinalIgnoreCase) || LooksLikeText(start)) return DatasetFormat.Csv;

        if (ext.Equals(".npy", StringComparison.OrdinalIgnoreCase))
        {
            throw DatasetErrors.ReadFailed(path, "bad .npy magic at byte 0 (expected \\x93NUMPY).");
        }

        if (ext.Contains("idx", StringComparison.OrdinalIgnoreCase) || name.Contains("-ubyte", StringComparison.OrdinalIgnoreCase))
        {
            throw DatasetErrors.ReadFailed(path, $"bad IDX magic number 0x{Hex(start)} at byte 0 (expected 0x000008dd, e.g. 0x00000803 for images).");
        }

        if (ImageDecoder.HasImageExtension(name))
        {
            throw DatasetErrors.ReadFailed(path, "the image cannot be decoded (the data is not a PNG, JPEG or BMP image).");
        }

        throw DatasetErrors.ReadFailed(path, "the content is not a dataset this module reads (IDX, .npy, CSV, PNG, JPEG or BMP).");
    }

    private static bool LooksLikeText(ReadOnlySpan<byte> start)
    {
        if (start.IsEmpty) return false;
        foreach (byte b in start)
        {
            if (b == 0 || b < 0x09 || b is > 0x0D and < 0x20) return false;
        }

        return true;
    }

    private static string Hex(ReadOnlySpan<byte> start) => Convert.ToHexString(start[..Math.Min(4, start.Length)]);
}
