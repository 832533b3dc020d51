using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Datasets;
using static ModelOptimization.Formats.Tests.Datasets.DatasetTestFiles;

namespace ModelOptimization.Formats.Tests.Datasets;

public sealed class DatasetReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Open_MissingPath_ThrowsModelFileNotFound()
    {
        AssertError(ErrorIds.ModelFileNotFound, () => DatasetReader.Open(Path.Combine(_temp.Path, "nope.npy")));
    }

    [Fact]
    public void Open_BinaryGarbage_ThrowsDatasetReadFailed()
    {
        string path = _temp.File("blob.bin");
        File.WriteAllBytes(path, [0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x01]);
        var ex = AssertError(ErrorIds.DatasetReadFailed, () => DatasetReader.Open(path));
        Assert.Contains("not a dataset", ex.Message);
    }

    [Theory]
    [InlineData("shape")]
    [InlineData("resize")]
    [InlineData("type")]
    [InlineData("skip")]
    [InlineData("scale")]
    public void Open_InvalidOptions_ThrowParameterCombinationInvalid(string which)
    {
        string path = _temp.File("x.csv");
        File.WriteAllText(path, "1,2\n");
        var options = which switch
        {
            "shape" => new DatasetOptions { Shape = [0, 2] },
            "resize" => new DatasetOptions { Resize = [10] },
            "type" => new DatasetOptions { DataType = TensorType.String },
            "skip" => new DatasetOptions { Skip = -1 },
            _ => new DatasetOptions { Scale = double.NaN },
        };

        AssertError(ErrorIds.ParameterCombinationInvalid, () => DatasetReader.Open(path, options));
    }

    [Fact]
    public void Open_FirstZeroAndSkipPastEnd_GiveNoSamples()
    {
        string path = _temp.File("x.csv");
        File.WriteAllText(path, "1,2\n3,4\n");

        Assert.Equal(0, DatasetReader.Open(path, new DatasetOptions { First = 0 }).Count);
        Assert.Empty(DatasetReader.Open(path, new DatasetOptions { First = 0 }).GetSamples());
        Assert.Empty(DatasetReader.Open(path, new DatasetOptions { Skip = 5 }).GetSamples());
        Assert.Equal(0, DatasetReader.Open(path, new DatasetOptions { Skip = 5 }).Count);
    }

    [Fact]
    public void GetSamples_Cancelled_ThrowsOperationCanceled()
    {
        string path = _temp.File("x.csv");
        File.WriteAllText(path, "1,2\n3,4\n");
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => DatasetReader.Open(path).GetSamples(cts.Token).ToList());
    }

    [Fact]
    public void GetSamples_EnumeratedTwice_ReadsTwiceTheSame()
    {
        string path = _temp.File("x.csv");
        File.WriteAllText(path, "1,2\n3,4\n");
        var ds = DatasetReader.Open(path);

        Assert.Equal(ds.GetSamples().Select(s => (float[])s[0]), ds.GetSamples().Select(s => (float[])s[0]));
    }

    [Fact]
    public void ToString_SaysNameCountTypeAndShape()
    {
        string path = _temp.File("x.csv");
        File.WriteAllText(path, "1,2\n3,4\n");

        Assert.Equal("x.csv (Csv, 2 samples of int8[2])", DatasetReader.Open(path, new DatasetOptions { DataType = TensorType.Int8 }).ToString());
    }
}
