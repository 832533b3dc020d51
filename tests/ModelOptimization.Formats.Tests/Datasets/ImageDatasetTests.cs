using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Datasets;
using ModelOptimization.Tests.Shared;
using static ModelOptimization.Formats.Tests.Datasets.DatasetTestFiles;

namespace ModelOptimization.Formats.Tests.Datasets;

public sealed class ImageDatasetTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [SkippableFact]
    public void Open_SharedMnistPngFolder_ReadsTenGrayscaleDigits()
    {
        string? folder = TestModels.Find("data/mnist");
        Skip.If(folder is null, "shared/models/data/mnist is not present");

        var ds = Assert.IsType<ImageDataset>(DatasetReader.Open(folder!, new DatasetOptions { Scale = 1 / 255.0, Shape = [1, 28, 28, 1] }));

        Assert.Equal(10, ds.Count);
        Assert.Equal(1, ds.Channels);
        Assert.Equal((28, 28), (ds.Height, ds.Width));
        Assert.Null(ds.Classes);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"sample{i}.png"), ds.Files.Select(Path.GetFileName));
        var samples = ds.GetSamples().Select(s => (float[])s[0]).ToList();
        Assert.All(samples, s => Assert.Equal(784, s.Length));
        Assert.All(samples, s => Assert.Contains(s, v => v > 0.9f));
    }

    [SkippableFact]
    public void Open_SharedJpeg_IsRgbAndResizes()
    {
        string? path = TestModels.Find("data/images/grace_hopper_224.jpg");
        Skip.If(path is null, "shared/models/data/images is not present");

        var ds = Assert.IsType<ImageDataset>(DatasetReader.Open(path!, new DatasetOptions { Resize = [96, 64] }));

        Assert.Equal(1, ds.Count);
        Assert.Equal(3, ds.Channels);
        Assert.Equal([96, 64, 3], ds.Shape);
        var pixels = (float[])ds.GetSamples().Single()[0];
        Assert.Equal(96 * 64 * 3, pixels.Length);
        Assert.InRange(pixels.Max(), 128f, 255f);
    }

    [SkippableFact]
    public void Open_SharedPaletteBmp_IsGrayscaleByContent()
    {
        string? path = TestModels.Find("data/images/person.bmp");
        Skip.If(path is null, "shared/models/data/images is not present");

        var gray = Assert.IsType<ImageDataset>(DatasetReader.Open(path!, new DatasetOptions { DataType = TensorType.Int8, Offset = -128 }));
        var rgb = Assert.IsType<ImageDataset>(DatasetReader.Open(path!, new DatasetOptions { Shape = [1, 96, 96, 3], DataType = TensorType.UInt8 }));

        Assert.Equal(1, gray.Channels);
        Assert.Equal([96, 96, 1], gray.Shape);
        Assert.Equal(3, rgb.Channels);
        var g = (sbyte[])gray.GetSamples().Single()[0];
        var c = (byte[])rgb.GetSamples().Single()[0];
        for (int p = 0; p < 96 * 96; p++)
        {
            Assert.Equal(g[p] + 128, c[3 * p]);
            Assert.Equal(c[3 * p], c[3 * p + 2]);
        }
    }

    [Fact]
    public void Open_ClassPerSubfolder_GivesLabelsBySortedFolder()
    {
        WriteImage(_temp.File("b_dog/2.png"), 4, 4, (_, _) => (20, 20, 20));
        WriteImage(_temp.File("b_dog/1.png"), 4, 4, (_, _) => (10, 10, 10));
        WriteImage(_temp.File("a_cat/x/deep.png"), 4, 4, (_, _) => (30, 30, 30));
        File.WriteAllText(_temp.File("b_dog/readme.txt"), "not an image");

        var ds = Assert.IsType<ImageDataset>(DatasetReader.Open(_temp.Path));

        Assert.Equal(["a_cat", "b_dog"], ds.Classes);
        Assert.Equal([0, 1, 1], ds.Labels);
        Assert.Equal([30f, 10f, 20f], ds.GetSamples().Select(s => ((float[])s[0])[0]));
    }

    [Fact]
    public void Open_ImagesAtTheRoot_HaveNoLabels()
    {
        WriteImage(_temp.File("root.png"), 2, 2, (_, _) => (1, 2, 3));
        WriteImage(_temp.File("sub/child.png"), 2, 2, (_, _) => (1, 2, 3));

        var ds = DatasetReader.Open(_temp.Path);

        Assert.False(ds.HasLabels);
        Assert.Equal(2, ds.Count);
        Assert.Equal([2, 2, 3], ds.Shape);
        Assert.Equal([1f, 2f, 3f], ((float[])ds.GetSamples().First()[0])[..3]);
    }

    [Fact]
    public void GetSamples_ColourToGrayscale_UsesLumaWeights()
    {
        string path = _temp.File("red.png");
        WriteImage(path, 1, 1, (_, _) => (200, 100, 50));

        var pixel = ((double[])DatasetReader.Open(path, new DatasetOptions { Shape = [1, 1, 1], DataType = TensorType.Float64 }).GetSamples().Single()[0])[0];

        Assert.Equal(0.299 * 200 + 0.587 * 100 + 0.114 * 50, pixel, 9);
    }

    [Fact]
    public void Resize_HalvingWithHalfPixelCentres_AveragesEachBlock()
    {
        string path = _temp.File("ramp.png");
        WriteImage(path, 4, 4, (x, y) => ((byte)(10 * x + 40 * y), 0, 0));

        var ds = DatasetReader.Open(path, new DatasetOptions { Resize = [2, 2], Shape = [2, 2, 3], DataType = TensorType.Float64 });
        var values = (double[])ds.GetSamples().Single()[0];
        double[] red = [values[0], values[3], values[6], values[9]];

        // Block (0,0) holds 0,10,40,50 -> 25; (0,1) 20,30,60,70 -> 45; (1,0) 80..130 -> 105; (1,1) -> 125.
        Assert.Equal([25, 45, 105, 125], red);
    }

    [Fact]
    public void Resize_Upscaling_InterpolatesLinearlyAndKeepsEdges()
    {
        string path = _temp.File("two.png");
        WriteImage(path, 2, 1, (x, _) => ((byte)(x * 100), (byte)(x * 100), (byte)(x * 100)));

        var ds = DatasetReader.Open(path, new DatasetOptions { Resize = [1, 4], DataType = TensorType.Float64 });
        var values = (double[])ds.GetSamples().Single()[0];

        // Output x samples input at (x + 0.5) / 2 - 0.5: -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
        Assert.Equal([0, 25, 75, 100], values);
    }

    [Fact]
    public void Open_ShapeWithChannelsImpliesResize()
    {
        string path = _temp.File("big.png");
        WriteImage(path, 10, 8, (x, y) => ((byte)x, (byte)y, 0));

        var ds = Assert.IsType<ImageDataset>(DatasetReader.Open(path, new DatasetOptions { Shape = [1, 4, 5, 3] }));

        Assert.Equal((4, 5, 3), (ds.Height, ds.Width, ds.Channels));
        Assert.Equal(60, ((float[])ds.GetSamples().Single()[0]).Length);
    }

    [Fact]
    public void Open_ShapeThatDoesNotFit_ThrowsShapeMismatch()
    {
        string path = _temp.File("small.png");
        WriteImage(path, 3, 3, (_, _) => (0, 0, 0));
        AssertError(ErrorIds.ShapeMismatch, () => DatasetReader.Open(path, new DatasetOptions { Shape = [10] }));
    }

    [Fact]
    public void GetSamples_SizesDifferWithoutResize_ThrowsDatasetReadFailedNamingTheFile()
    {
        WriteImage(_temp.File("a.png"), 3, 3, (_, _) => (0, 0, 0));
        string other = _temp.File("b.png");
        WriteImage(other, 4, 3, (_, _) => (0, 0, 0));

        var ds = DatasetReader.Open(_temp.Path);
        var ex = AssertError(ErrorIds.DatasetReadFailed, () => ds.GetSamples().ToList());
        Assert.Contains(other, ex.Message);
        Assert.Equal(2, DatasetReader.Open(_temp.Path, new DatasetOptions { Resize = [3, 3] }).GetSamples().Count());
    }

    [Fact]
    public void Open_UndecodableImage_ThrowsDatasetReadFailed()
    {
        string path = _temp.File("broken.png");
        File.WriteAllBytes(path, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]);

        var ex = AssertError(ErrorIds.DatasetReadFailed, () => DatasetReader.Open(path));
        Assert.Contains("cannot be decoded", ex.Message);
    }

    [Fact]
    public void Open_EmptyFolder_ThrowsDatasetReadFailed()
    {
        File.WriteAllText(_temp.File("notes.txt"), "no images here");
        AssertError(ErrorIds.DatasetReadFailed, () => DatasetReader.Open(_temp.Path));
    }

    [Fact]
    public void GetSamples_LargeFolder_IsReadLazilyOneImageAtATime()
    {
        const int count = 300;
        for (int i = 0; i < count; i++) WriteImage(_temp.File($"img{i:D4}.png"), 2, 2, (_, _) => ((byte)(i % 256), 0, 0));
        string last = _temp.File($"img{count - 1:D4}.png");
        File.WriteAllBytes(last, [0x89, (byte)'P', (byte)'N', (byte)'G', 0, 0]);

        var ds = DatasetReader.Open(_temp.Path, new DatasetOptions { Shape = [2, 2, 3] });
        Assert.Equal(count, ds.Count);

        // Only the samples taken are decoded: the corrupt last file is never touched here ...
        Assert.Equal([0f, 1f, 2f], ds.GetSamples().Take(3).Select(s => ((float[])s[0])[0]));

        // ... and a file removed after opening fails only when its sample is reached.
        File.Delete(_temp.File("img0010.png"));
        int read = 0;
        var ex = AssertError(ErrorIds.DatasetReadFailed, () =>
        {
            foreach (var _ in ds.GetSamples()) read++;
        });
        Assert.Equal(10, read);
        Assert.Contains("img0010.png", ex.Message);

        // Skip goes straight to the last two files (one fewer now) without decoding those before them.
        var tail = DatasetReader.Open(_temp.Path, new DatasetOptions { Shape = [2, 2, 3], Skip = count - 3 });
        Assert.Equal(2, tail.Count);
        read = 0;
        ex = AssertError(ErrorIds.DatasetReadFailed, () =>
        {
            foreach (var _ in tail.GetSamples()) read++;
        });
        Assert.Equal(1, read);
        Assert.Contains(last, ex.Message);
    }
}
