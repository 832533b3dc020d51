using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Datasets;
using ModelOptimization.Tests.Shared;
using static ModelOptimization.Formats.Tests.Datasets.DatasetTestFiles;

namespace ModelOptimization.Formats.Tests.Datasets;

public sealed class CsvDatasetTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Open_HeaderWithLabelColumn_SkipsHeaderAndReadsLabels()
    {
        string path = Write("x1,label,x2\n1,3,2\n4,1,5.5\n\n# a comment\n-1,0,1e2\n");

        var ds = Assert.IsType<CsvDataset>(DatasetReader.Open(path));
        var samples = ds.GetSamples().Select(s => (float[])s[0]).ToArray();

        Assert.True(ds.HasHeader);
        Assert.Equal(3, ds.Count);
        Assert.Equal([2], ds.Shape);
        Assert.Equal([3, 1, 0], ds.Labels);
        Assert.Equal([[1f, 2f], [4f, 5.5f], [-1f, 100f]], samples);
    }

    [Fact]
    public void Open_NoHeader_FirstRowIsData()
    {
        string path = Write("1,2,3\n4,5,6\n");

        var ds = Assert.IsType<CsvDataset>(DatasetReader.Open(path, new DatasetOptions { DataType = TensorType.Int16 }));

        Assert.False(ds.HasHeader);
        Assert.False(ds.HasLabels);
        Assert.Equal(2, ds.Count);
        Assert.Equal([new short[] { 1, 2, 3 }, new short[] { 4, 5, 6 }], ds.GetSamples().Select(s => (short[])s[0]));
    }

    [Theory]
    [InlineData("1;2\n3;4\n")]
    [InlineData("1\t2\n3\t4\n")]
    [InlineData("1 2\n 3   4 \n")]
    [InlineData("\"1\",\"2\"\r\n\"3\",\"4\"\r\n")]
    public void Open_OtherDelimiters_Read(string text)
    {
        string path = Write(text, ".txt");

        var ds = DatasetReader.Open(path);

        Assert.Equal([[1f, 2f], [3f, 4f]], ds.GetSamples().Select(s => (float[])s[0]));
    }

    [Fact]
    public void Open_ShapeDifferentFromRowLength_ReadsValuesAsOneStream()
    {
        string path = Write("1,2,3,4\n5,6,7,8\n9,10,11,12\n");

        var ds = Assert.IsType<CsvDataset>(DatasetReader.Open(path, new DatasetOptions { Shape = [2, 3], Skip = 1 }));

        Assert.True(ds.IsStream);
        Assert.Equal(1, ds.Count);
        Assert.Equal([7f, 8f, 9f, 10f, 11f, 12f], (float[])ds.GetSamples().Single()[0]);
    }

    [Fact]
    public void Open_StreamThatDoesNotDivide_ThrowsShapeMismatch()
    {
        string path = Write("1,2,3,4\n5,6,7,8\n");
        AssertError(ErrorIds.ShapeMismatch, () => DatasetReader.Open(path, new DatasetOptions { Shape = [3] }));
    }

    [Fact]
    public void Open_NotANumber_ThrowsDatasetReadFailedNamingLineAndColumn()
    {
        string path = Write("a,b\n1,2\n3,x\n");
        var ex = AssertError(ErrorIds.DatasetReadFailed, () => DatasetReader.Open(path));
        Assert.Contains("line 3, column 2", ex.Message);
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void Open_RaggedRow_ThrowsDatasetReadFailed()
    {
        string path = Write("1,2,3\n4,5\n");
        var ex = AssertError(ErrorIds.DatasetReadFailed, () => DatasetReader.Open(path));
        Assert.Contains("line 2 has 2 fields", ex.Message);
    }

    [Fact]
    public void Open_EmptyFile_ThrowsDatasetReadFailed()
    {
        string path = Write("\n\n", ".csv");
        AssertError(ErrorIds.DatasetReadFailed, () => DatasetReader.Open(path));
    }

    [Fact]
    public void GetSamples_IntegerTypes_RoundHalfAwayFromZeroAndSaturate()
    {
        string path = Write("-1.5,0.5,2.5,300,-300,NaN,-0.4\n");

        var int8 = (sbyte[])DatasetReader.Open(path, new DatasetOptions { DataType = TensorType.Int8 }).GetSamples().Single()[0];
        var uint8 = (byte[])DatasetReader.Open(path, new DatasetOptions { DataType = TensorType.UInt8 }).GetSamples().Single()[0];
        var int32 = (int[])DatasetReader.Open(path, new DatasetOptions { DataType = TensorType.Int32, Scale = 10, Offset = 1 }).GetSamples().Single()[0];

        Assert.Equal(new sbyte[] { -2, 1, 3, 127, -128, 0, 0 }, int8);
        Assert.Equal(new byte[] { 0, 1, 3, 255, 0, 0, 0 }, uint8);
        Assert.Equal([-14, 6, 26, 3001, -2999, 0, -3], int32);
    }

    [SkippableFact]
    public void Open_SeanetInputAsInt16Tensor_IsOneSample()
    {
        string? path = TestModels.Find("data/seanet/conv0_input0_int16.csv");
        Skip.If(path is null, "shared/models/data/seanet is not present");

        var ds = DatasetReader.Open(path!, new DatasetOptions { Shape = [1, 8, 166, 2], DataType = TensorType.Int16 });

        Assert.Equal(1, ds.Count);
        var values = Assert.IsType<short[]>(ds.GetSamples().Single()[0]);
        Assert.Equal(2656, values.Length);
        Assert.Equal(27962, values[0]);
    }

    private string Write(string text, string extension = ".csv")
    {
        string path = _temp.File($"d{Guid.NewGuid():N}{extension}");
        File.WriteAllText(path, text);
        return path;
    }
}
