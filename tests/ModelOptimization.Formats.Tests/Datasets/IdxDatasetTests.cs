using System.Buffers.Binary;
using System.IO.Compression;
using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Datasets;
using ModelOptimization.Tests.Shared;
using static ModelOptimization.Formats.Tests.Datasets.DatasetTestFiles;

namespace ModelOptimization.Formats.Tests.Datasets;

public sealed class IdxDatasetTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string? Mnist(string name) => TestModels.Find("data/mnist10k/" + name);

    [SkippableFact]
    public void Open_Mnist10kGzip_ReadsCountShapeAndLabelsFromSibling()
    {
        string? images = Mnist("mnist10k-images-idx3-ubyte.gz");
        Skip.If(images is null, "shared/models/data/mnist10k is not present");

        var ds = Assert.IsType<IdxDataset>(DatasetReader.Open(images!, new DatasetOptions()));

        Assert.Equal(DatasetFormat.Idx, ds.Format);
        Assert.Equal(10_000, ds.Count);
        Assert.Equal([28, 28], ds.Shape);
        Assert.Equal([10_000, 28, 28], ds.FileShape);
        Assert.EndsWith("mnist10k-labels-idx1-ubyte.gz", ds.LabelsPath);
        Assert.True(ds.HasLabels);
        Assert.Equal(10_000, ds.Labels!.Count);
        Assert.All(ds.Labels, l => Assert.InRange(l, 0, 9));
        Assert.Equal(10, ds.Labels.Distinct().Count());
    }

    [SkippableFact]
    public void GetSamples_Mnist10kGzip_StreamsAllSamplesAsFloatPixels()
    {
        string? images = Mnist("mnist10k-images-idx3-ubyte.gz");
        Skip.If(images is null, "shared/models/data/mnist10k is not present");

        var ds = DatasetReader.Open(images!, new DatasetOptions { Scale = 1 / 255.0, Shape = [1, 28, 28, 1] });
        int n = 0;
        foreach (var sample in ds.GetSamples())
        {
            var pixels = Assert.IsType<float[]>(Assert.Single(sample));
            Assert.Equal(784, pixels.Length);
            Assert.All(pixels, p => Assert.InRange(p, 0f, 1f));
            n++;
        }

        Assert.Equal(10_000, n);
    }

    [SkippableFact]
    public void BundledSlice_EqualsFirstHundredOfMnist10k()
    {
        string? images = Mnist("mnist10k-images-idx3-ubyte.gz");
        Skip.If(images is null, "shared/models/data/mnist10k is not present");
        string slice = Path.Combine(TestModels.RepoRoot, "tests", "Assets", "mnist-first100-images-idx3-ubyte.gz");
        Skip.IfNot(File.Exists(slice), "tests/Assets/mnist-first100-images-idx3-ubyte.gz is not present");

        var options = new DatasetOptions { DataType = TensorType.UInt8 };
        var full = DatasetReader.Open(images!, new DatasetOptions { DataType = TensorType.UInt8, First = 100 });
        var small = DatasetReader.Open(slice, options);

        Assert.Equal(100, small.Count);
        Assert.Equal(full.Labels, small.Labels);
        Assert.Equal(full.GetSamples().Select(s => (byte[])s[0]), small.GetSamples().Select(s => (byte[])s[0]));
    }

    [Fact]
    public void Open_PlainFileWithSkipAndFirst_ReturnsThatRangeWithLabels()
    {
        string images = WriteImages("train-images-idx3-ubyte", count: 10, gzip: false);
        File.WriteAllBytes(_temp.File("train-labels-idx1-ubyte"), Idx(0x08, [10], Enumerable.Range(0, 10).Select(i => (byte)(9 - i)).ToArray()));

        var ds = DatasetReader.Open(images, new DatasetOptions { Skip = 3, First = 4, DataType = TensorType.UInt8 });

        Assert.Equal(4, ds.Count);
        Assert.Equal([6, 5, 4, 3], ds.Labels);
        var firstPixels = ds.GetSamples().Select(s => ((byte[])s[0])[0]).ToArray();
        Assert.Equal(new byte[] { 3, 4, 5, 6 }, firstPixels);
    }

    [Fact]
    public void Open_GzipWithSkip_ReadsTheSameAsPlain()
    {
        string plain = WriteImages("a-images-idx3-ubyte", count: 20, gzip: false);
        string gz = WriteImages("b-images-idx3-ubyte.gz", count: 20, gzip: true);
        var options = new DatasetOptions { Skip = 7, First = 5, Scale = 2, Offset = -1 };

        var a = DatasetReader.Open(plain, options).GetSamples().Select(s => (float[])s[0]).ToArray();
        var b = DatasetReader.Open(gz, options).GetSamples().Select(s => (float[])s[0]).ToArray();

        Assert.Equal(5, a.Length);
        Assert.Equal(a, b);
        Assert.Equal(7 * 2 - 1, a[0][0]);
    }

    [Fact]
    public void Open_ShapeRegroupsValues_AndDropsLabelsThatNoLongerAlign()
    {
        string images = WriteImages("c-images-idx3-ubyte", count: 4, gzip: false);
        File.WriteAllBytes(_temp.File("c-labels-idx1-ubyte"), Idx(0x08, [4], [1, 2, 3, 4]));

        var ds = DatasetReader.Open(images, new DatasetOptions { Shape = [2, 3, 3] });

        Assert.Equal(2, ds.Count);
        Assert.Equal([2, 3, 3], ds.Shape);
        Assert.False(ds.HasLabels);
    }

    [Fact]
    public void Open_ShapeThatDoesNotDivide_ThrowsShapeMismatch()
    {
        string images = WriteImages("d-images-idx3-ubyte", count: 3, gzip: false);
        AssertError(ErrorIds.ShapeMismatch, () => DatasetReader.Open(images, new DatasetOptions { Shape = [1, 28, 28, 1] }));
    }

    [Theory]
    [InlineData(0x0B, 2)]
    [InlineData(0x0C, 4)]
    [InlineData(0x0D, 4)]
    [InlineData(0x0E, 8)]
    [InlineData(0x09, 1)]
    public void Open_OtherElementTypes_DecodesBigEndian(byte code, int width)
    {
        double[] values = [-3, 0, 7, 100];
        var data = new byte[values.Length * width];
        for (int i = 0; i < values.Length; i++)
        {
            var span = data.AsSpan(i * width);
            switch (code)
            {
                case 0x09: span[0] = (byte)(sbyte)values[i]; break;
                case 0x0B: BinaryPrimitives.WriteInt16BigEndian(span, (short)values[i]); break;
                case 0x0C: BinaryPrimitives.WriteInt32BigEndian(span, (int)values[i]); break;
                case 0x0D: BinaryPrimitives.WriteSingleBigEndian(span, (float)values[i]); break;
                case 0x0E: BinaryPrimitives.WriteDoubleBigEndian(span, values[i]); break;
            }
        }

        string path = _temp.File($"values-{code}.idx");
        File.WriteAllBytes(path, Idx(code, [2, 2], data));

        var samples = DatasetReader.Open(path, new DatasetOptions { DataType = TensorType.Float64 }).GetSamples().Select(s => (double[])s[0]).ToArray();

        Assert.Equal(2, samples.Length);
        Assert.Equal(values, samples.SelectMany(s => s));
    }

    [Fact]
    public void Open_BadMagic_ThrowsDatasetReadFailedNamingTheMagic()
    {
        string path = _temp.File("bad-images-idx3-ubyte");
        File.WriteAllBytes(path, [0x12, 0x34, 0x08, 0x03, 0, 0, 0, 1]);

        var ex = AssertError(ErrorIds.DatasetReadFailed, () => DatasetReader.Open(path));
        Assert.Contains("bad IDX magic", ex.Message);
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void Open_TruncatedPlainFile_ThrowsDatasetReadFailed()
    {
        string path = _temp.File("short-images-idx3-ubyte");
        File.WriteAllBytes(path, Idx(0x08, [5, 3, 3], new byte[30]));

        var ex = AssertError(ErrorIds.DatasetReadFailed, () => DatasetReader.Open(path));
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void GetSamples_TruncatedGzip_ThrowsDatasetReadFailedAtTheMissingSample()
    {
        string path = _temp.File("short-images-idx3-ubyte.gz");
        File.WriteAllBytes(path, Gzip(Idx(0x08, [5, 3, 3], new byte[30])));
        var ds = DatasetReader.Open(path);

        var samples = new List<Array[]>();
        var ex = AssertError(ErrorIds.DatasetReadFailed, () =>
        {
            foreach (var s in ds.GetSamples()) samples.Add(s);
        });

        Assert.Equal(3, samples.Count);
        Assert.Contains("sample 3", ex.Message);
    }

    [Fact]
    public void Open_LabelsFileWithOtherCount_ThrowsDatasetReadFailed()
    {
        string images = WriteImages("e-images-idx3-ubyte", count: 4, gzip: false);
        string labels = _temp.File("e-labels-idx1-ubyte");
        File.WriteAllBytes(labels, Idx(0x08, [3], [1, 2, 3]));

        var ex = AssertError(ErrorIds.DatasetReadFailed, () => DatasetReader.Open(images));
        Assert.Contains(labels, ex.Message);
    }

    [Fact]
    public void Open_CorruptGzip_ThrowsDatasetReadFailed()
    {
        string path = _temp.File("corrupt-images-idx3-ubyte.gz");
        var gz = Gzip(Idx(0x08, [50, 3, 3], Enumerable.Range(0, 450).Select(i => (byte)(i * 7)).ToArray()));
        for (int i = 20; i < gz.Length - 8; i++) gz[i] ^= 0x5A;
        File.WriteAllBytes(path, gz);

        AssertError(ErrorIds.DatasetReadFailed, () => DatasetReader.Open(path).GetSamples().ToList());
    }

    /// <summary>An IDX3 file of <paramref name="count"/> 3x3 images whose pixels all equal the image index.</summary>
    private string WriteImages(string name, int count, bool gzip)
    {
        var data = new byte[count * 9];
        for (int i = 0; i < count; i++) data.AsSpan(i * 9, 9).Fill((byte)i);
        var bytes = Idx(0x08, [count, 3, 3], data);
        string path = _temp.File(name);
        File.WriteAllBytes(path, gzip ? Gzip(bytes) : bytes);
        return path;
    }
}
