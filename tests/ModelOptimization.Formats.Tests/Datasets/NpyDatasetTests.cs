using System.Buffers.Binary;
using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Datasets;
using ModelOptimization.Tests.Shared;
using static ModelOptimization.Formats.Tests.Datasets.DatasetTestFiles;

namespace ModelOptimization.Formats.Tests.Datasets;

public sealed class NpyDatasetTests : IDisposable
{
    private static readonly double[] Values = [-7, 0, 1, 2, 3, 100];

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("<f4")]
    [InlineData("<f8")]
    [InlineData("|u1")]
    [InlineData("|i1")]
    [InlineData("<i2")]
    [InlineData("<i4")]
    [InlineData("<i8")]
    [InlineData(">f4")]
    [InlineData("<f2")]
    public void Open_EachDtype_ReadsTheValues(string descr)
    {
        double[] expected = descr == "|u1" ? Values.Select(Math.Abs).ToArray() : Values;
        string path = Write(1, NpyDict(descr, "(3, 2)"), Encode(descr, expected));

        var ds = Assert.IsType<NpyDataset>(DatasetReader.Open(path, new DatasetOptions { DataType = TensorType.Float64 }));
        var samples = ds.GetSamples().Select(s => Assert.IsType<double[]>(Assert.Single(s))).ToArray();

        Assert.Equal(descr, ds.Descr);
        Assert.Equal(3, ds.Count);
        Assert.Equal([2], ds.Shape);
        Assert.Equal(expected, samples.SelectMany(s => s));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Open_HeaderVersions_AllRead(int version)
    {
        string path = Write(version, NpyDict("<f4", "(2, 3)"), Encode("<f4", Values));

        var ds = DatasetReader.Open(path);

        Assert.Equal(2, ds.Count);
        Assert.Equal([3], ds.Shape);
        Assert.Equal(Values.Select(v => (float)v), ds.GetSamples().SelectMany(s => (float[])s[0]));
    }

    [Fact]
    public void Open_PythonDictWithDoubleQuotesAndLongSuffix_Reads()
    {
        string path = Write(1, "{\"descr\": \"<i4\", \"fortran_order\": False, \"shape\": (6L,)}", Encode("<i4", Values));

        var ds = DatasetReader.Open(path, new DatasetOptions { DataType = TensorType.Int32 });

        Assert.Equal(6, ds.Count);
        Assert.Equal([1], ds.Shape);
        Assert.Equal(Values.Select(v => (int)v), ds.GetSamples().Select(s => ((int[])s[0])[0]));
    }

    [Fact]
    public void Open_ShapeGiven_RegroupsTheFirstAxis()
    {
        string path = Write(1, NpyDict("<f4", "(6,)"), Encode("<f4", Values));

        var ds = DatasetReader.Open(path, new DatasetOptions { Shape = [1, 3] });

        Assert.Equal(2, ds.Count);
        Assert.Equal([1, 3], ds.Shape);
    }

    [Fact]
    public void Open_ScalarArray_IsOneSample()
    {
        string path = Write(1, NpyDict("<f8", "()"), Encode("<f8", [42]));

        var ds = DatasetReader.Open(path);

        Assert.Equal(1, ds.Count);
        Assert.Equal(42f, ((float[])ds.GetSamples().Single()[0])[0]);
    }

    [Fact]
    public void Open_FortranOrder_ThrowsDatasetReadFailed()
    {
        string path = Write(1, NpyDict("<f4", "(3, 2)", fortran: true), Encode("<f4", Values));
        var ex = AssertError(ErrorIds.DatasetReadFailed, () => DatasetReader.Open(path));
        Assert.Contains("Fortran", ex.Message);
    }

    [Theory]
    [InlineData("{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }", "not supported")]
    [InlineData("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,), }", "structured")]
    [InlineData("{'descr': '<f4', 'fortran_order': False, }", "'shape'")]
    [InlineData("{'descr': '<f4', 'shape': (3,), }", "fortran_order")]
    public void Open_BadHeader_ThrowsDatasetReadFailed(string dict, string expected)
    {
        string path = Write(1, dict, new byte[64]);
        var ex = AssertError(ErrorIds.DatasetReadFailed, () => DatasetReader.Open(path));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Open_UnknownVersion_ThrowsDatasetReadFailed()
    {
        var bytes = Npy(1, NpyDict("<f4", "(1,)"), new byte[4]);
        bytes[6] = 9;
        string path = _temp.File("v9.npy");
        File.WriteAllBytes(path, bytes);

        var ex = AssertError(ErrorIds.DatasetReadFailed, () => DatasetReader.Open(path));
        Assert.Contains("version 9", ex.Message);
    }

    [Fact]
    public void Open_NpyExtensionWithoutMagic_ThrowsDatasetReadFailed()
    {
        string path = _temp.File("garbage.npy");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5, 6, 7, 8, 0, 0]);
        var ex = AssertError(ErrorIds.DatasetReadFailed, () => DatasetReader.Open(path));
        Assert.Contains("magic", ex.Message);
    }

    [Fact]
    public void Open_Truncated_ThrowsDatasetReadFailed()
    {
        string path = Write(1, NpyDict("<f4", "(10, 2)"), Encode("<f4", Values));
        var ex = AssertError(ErrorIds.DatasetReadFailed, () => DatasetReader.Open(path));
        Assert.Contains("truncated", ex.Message);
    }

    [Fact]
    public void Open_Gzipped_Reads()
    {
        string path = _temp.File("values.npy.gz");
        File.WriteAllBytes(path, Gzip(Npy(1, NpyDict("<f4", "(3, 2)"), Encode("<f4", Values))));

        var ds = DatasetReader.Open(path, new DatasetOptions { Skip = 1 });

        Assert.Equal(2, ds.Count);
        Assert.Equal([1f, 2f], (float[])ds.GetSamples().First()[0]);
    }

    [SkippableFact]
    public void Open_SharedKerasKernel_Reads100RowsOf10()
    {
        string? path = TestModels.Find("data/keras_mlp_dense/kernel1.npy");
        Skip.If(path is null, "shared/models/data/keras_mlp_dense is not present");

        var ds = DatasetReader.Open(path!);

        Assert.Equal(100, ds.Count);
        Assert.Equal([10], ds.Shape);
        Assert.Equal(100, ds.GetSamples().Count());
        Assert.All(ds.GetSamples().SelectMany(s => (float[])s[0]), v => Assert.True(float.IsFinite(v)));
    }

    private string Write(int version, string dict, byte[] data)
    {
        string path = _temp.File($"a{Guid.NewGuid():N}.npy");
        File.WriteAllBytes(path, Npy(version, dict, data));
        return path;
    }

    private static byte[] Encode(string descr, double[] values)
    {
        int width = int.Parse(descr[2..]);
        var bytes = new byte[values.Length * width];
        for (int i = 0; i < values.Length; i++)
        {
            var s = bytes.AsSpan(i * width);
            double v = values[i];
            switch (descr)
            {
                case "<f4": BinaryPrimitives.WriteSingleLittleEndian(s, (float)v); break;
                case ">f4": BinaryPrimitives.WriteSingleBigEndian(s, (float)v); break;
                case "<f2": BinaryPrimitives.WriteHalfLittleEndian(s, (Half)v); break;
                case "<f8": BinaryPrimitives.WriteDoubleLittleEndian(s, v); break;
                case "|u1": s[0] = (byte)v; break;
                case "|i1": s[0] = (byte)(sbyte)v; break;
                case "<i2": BinaryPrimitives.WriteInt16LittleEndian(s, (short)v); break;
                case "<i4": BinaryPrimitives.WriteInt32LittleEndian(s, (int)v); break;
                case "<i8": BinaryPrimitives.WriteInt64LittleEndian(s, (long)v); break;
            }
        }

        return bytes;
    }
}
