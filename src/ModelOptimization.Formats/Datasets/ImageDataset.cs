namespace ModelOptimization.Formats.Datasets;

/// <summary>
/// PNG, JPEG and BMP images: one file, or a folder searched recursively and read in path order (ordinal). When
/// every image lies in a subfolder, the first-level subfolders are the classes (sorted) and give the labels.
/// Only the file list is read when the dataset is opened (plus the first image, to learn its size and colours);
/// each image is decoded when its sample is read.
/// </summary>
/// <remarks>
/// Channels: the last dimension of -Shape when it is 1 (grayscale), 3 (RGB) or 4 (RGBA); otherwise 1 when the first
/// image is grayscale, else 3. Size: -Resize, else the two dimensions before the channel dimension of a -Shape of
/// rank 3 or more, else the first image's size (then every image must have that size).
/// </remarks>
public sealed class ImageDataset : FileDataset
{
    private readonly string[] _files;
    private readonly int[] _sampleShape;
    private readonly int[]? _labels;
    private readonly bool _fixedSize;

    private ImageDataset(string path, DatasetOptions options, string[] files, string[]? classes, int[]? labels,
        int height, int width, int channels, int[] sampleShape, bool fixedSize)
        : base(path, DatasetFormat.Image, options)
    {
        _files = files;
        Classes = classes;
        _labels = labels;
        Height = height;
        Width = width;
        Channels = channels;
        _sampleShape = sampleShape;
        _fixedSize = fixedSize;
    }

    /// <summary>The image files in reading order (before Skip and First).</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>The class names (first-level subfolders, sorted) when the folder is laid out by class, else null.</summary>
    public IReadOnlyList<string>? Classes { get; }

    /// <summary>The height images are brought to.</summary>
    public int Height { get; }

    /// <summary>The width images are brought to.</summary>
    public int Width { get; }

    /// <summary>1 (grayscale), 3 (RGB) or 4 (RGBA).</summary>
    public int Channels { get; }

    private protected override int[] SampleShape => _sampleShape;

    private protected override long? SourceCount => _files.Length;

    private protected override IReadOnlyList<int>? SourceLabels => _labels;

    internal static ImageDataset Open(string path, bool isFolder, DatasetOptions options)
    {
        string[] files;
        string[]? classes = null;
        int[]? labels = null;
        if (isFolder)
        {
            var relative = Directory
                .EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true })
                .Where(ImageDecoder.HasImageExtension)
                .Select(f => System.IO.Path.GetRelativePath(path, f).Replace('\\', '/'))
                .OrderBy(f => f, StringComparer.Ordinal)
                .ToArray();
            if (relative.Length == 0)
            {
                throw DatasetErrors.ReadFailed(path, "the folder holds no PNG, JPEG or BMP images (searched recursively).");
            }

            files = relative.Select(r => System.IO.Path.GetFullPath(System.IO.Path.Combine(path, r))).ToArray();
            if (relative.All(r => r.Contains('/')))
            {
                classes = relative.Select(r => r[..r.IndexOf('/')]).Distinct().Order(StringComparer.Ordinal).ToArray();
                var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
                labels = relative.Select(r => index[r[..r.IndexOf('/')]]).ToArray();
            }
        }
        else
        {
            files = [path];
        }

        var shape = options.Shape;
        int? channels = shape is { Length: > 0 } && shape[^1] is 1 or 3 or 4 ? shape[^1] : null;
        int height, width;
        bool fixedSize = true;
        if (options.Resize is { } resize)
        {
            (height, width) = (resize[0], resize[1]);
        }
        else if (channels is not null && shape!.Length >= 3)
        {
            (height, width) = (shape[^3], shape[^2]);
        }
        else
        {
            var first = ImageDecoder.Decode(files[0]);
            (height, width) = (first.Height, first.Width);
            channels ??= first.IsGray ? 1 : 3;
            fixedSize = false;
        }

        if (channels is null)
        {
            var first = ImageDecoder.Decode(files[0]);
            channels = first.IsGray ? 1 : 3;
        }

        int[] sampleShape = shape?.ToArray() ?? [height, width, channels.Value];
        long produced = (long)height * width * channels.Value;
        if (ValueConverter.ElementCount(sampleShape) != produced)
        {
            throw DatasetErrors.ShapeMismatch(path,
                $"images give {height}x{width}x{channels} = {produced:N0} values, but the shape {ValueConverter.Format(sampleShape)} "
                + $"holds {ValueConverter.ElementCount(sampleShape):N0}; add -Resize or change -Shape.");
        }

        return new ImageDataset(path, options, files, classes, labels, height, width, channels.Value, sampleShape, fixedSize);
    }

    private protected override IEnumerable<Array[]> ReadSamples(long skip, long? take, CancellationToken cancellationToken)
    {
        long end = take is long t ? Math.Min(_files.Length, skip + t) : _files.Length;
        var raw = new double[ElementCount];
        for (long i = skip; i < end; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string file = _files[i];
            var image = ImageDecoder.Decode(file);
            if (!_fixedSize && (image.Height != Height || image.Width != Width))
            {
                throw DatasetErrors.ReadFailed(file,
                    $"the image is {image.Width}x{image.Height} but the first one is {Width}x{Height}; give -Resize to bring all images to one size.");
            }

            ImageDecoder.ToSample(image, Channels, Height, Width, raw);
            yield return MakeSample(raw);
        }
    }
}
