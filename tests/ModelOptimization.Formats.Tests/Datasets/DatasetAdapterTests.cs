using System.Collections;
using ModelOptimization.Core.Data;
using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Datasets;
using static ModelOptimization.Formats.Tests.Datasets.DatasetTestFiles;

namespace ModelOptimization.Formats.Tests.Datasets;

public sealed class DatasetAdapterTests : IDisposable
{
    private static readonly (string Name, int[] Shape, TensorType Type)[] Mnist = [("x", [1, 2, 2, 1], TensorType.Float32)];

    private static readonly (string Name, int[] Shape, TensorType Type)[] Two = [("a", [2], TensorType.Float32), ("b", [3], TensorType.Float32)];

    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void ToDataset_Dataset_IsReturnedAsItIsWithoutInputs()
    {
        var ds = new InMemoryDataset([[new float[4]]]);
        Assert.Same(ds, DatasetAdapter.ToDataset(ds));
    }

    [Fact]
    public void ToDataset_DatasetWithInputs_ConvertsAndKeepsCountAndLabels()
    {
        string path = _temp.File("d.csv");
        File.WriteAllText(path, "label,a,b,c,d\n1,1,2,3,4\n0,5,6,7,8\n");
        var file = DatasetReader.Open(path, new DatasetOptions { DataType = TensorType.UInt8 });

        var ds = DatasetAdapter.ToDataset(file, Mnist);

        Assert.Equal(2, ds.Count);
        Assert.Equal([1, 0], ds.Labels);
        Assert.Equal([[1f, 2f, 3f, 4f], [5f, 6f, 7f, 8f]], ds.GetSamples().Select(s => (float[])s[0]));
    }

    [Fact]
    public void ToDataset_DatasetThatDoesNotFit_ThrowsInputDataInvalidNamingTheSample()
    {
        var ds = DatasetAdapter.ToDataset(new InMemoryDataset([[new float[4]], [new float[3]]]), Mnist);

        var ex = AssertError(ErrorIds.InputDataInvalid, () => ds.GetSamples().ToList());
        Assert.StartsWith("Sample 1 of", ex.Message);
    }

    [Fact]
    public void ToDataset_FlatArray_IsOneSample()
    {
        var ds = DatasetAdapter.ToDataset(new object[] { 1, 2, 3, 4 }, Mnist);

        Assert.Equal(1, ds.Count);
        Assert.Equal([1f, 2f, 3f, 4f], (float[])ds.GetSamples().Single()[0]);
    }

    [Fact]
    public void ToDataset_ArrayOfFittingArraysForOneInput_IsOneSamplePerArray()
    {
        var ds = DatasetAdapter.ToDataset(new object[] { new float[4], new double[] { 1, 1, 1, 1 }, new object[] { 2, 2, 2, 2 } }, Mnist);

        Assert.Equal(3, ds.Count);
        Assert.Equal([0f, 1f, 2f], ds.GetSamples().Select(s => ((float[])s[0])[0]));
    }

    [Fact]
    public void ToDataset_OneArrayInAList_IsOneSample()
    {
        var ds = DatasetAdapter.ToDataset(new object[] { new float[] { 1, 2, 3, 4 } }, Mnist);
        Assert.Equal(1, ds.Count);
    }

    [Fact]
    public void ToDataset_NestedRowsOfOneSample_IsOneSample()
    {
        var ds = DatasetAdapter.ToDataset(new object[] { new object[] { 1, 2 }, new object[] { 3, 4 } }, Mnist);

        Assert.Equal(1, ds.Count);
        Assert.Equal([1f, 2f, 3f, 4f], (float[])ds.GetSamples().Single()[0]);
    }

    [Fact]
    public void ToDataset_OneArrayPerInput_IsOneSampleOfATwoInputModel()
    {
        var ds = DatasetAdapter.ToDataset(new object[] { new float[2], new float[3] }, Two);

        var sample = ds.GetSamples().Single();
        Assert.Equal([2, 3], sample.Select(a => a.Length));
    }

    [Fact]
    public void ToDataset_ListOfSamplesOfATwoInputModel_IsOneSampleEach()
    {
        var samples = new object[]
        {
            new object[] { new float[2], new float[3] },
            new object[] { new float[2], new float[3] },
            new Hashtable { ["b"] = new float[3], ["a"] = new float[2] },
        };

        var ds = DatasetAdapter.ToDataset(samples, Two);

        Assert.Equal(3, ds.Count);
        Assert.All(ds.GetSamples(), s => Assert.Equal([2, 3], s.Select(a => a.Length)));
    }

    [Fact]
    public void ToDataset_Hashtable_IsOneSample()
    {
        var ds = DatasetAdapter.ToDataset(new Hashtable { ["a"] = new[] { 1, 2 }, ["b"] = new[] { 3, 4, 5 } }, Two);
        Assert.Equal(1, ds.Count);
        Assert.Equal([3f, 4f, 5f], (float[])ds.GetSamples().Single()[1]);
    }

    [Fact]
    public void ToDataset_WithoutInputs_KeepsTypedArraysAndMakesFloat32()
    {
        var bytes = new byte[] { 1, 2 };
        var ds = DatasetAdapter.ToDataset(new object[] { new object[] { bytes, new object[] { 1, 2 } } });

        var sample = ds.GetSamples().Single();
        Assert.Same(bytes, sample[0]);
        Assert.Equal([1f, 2f], (float[])sample[1]);
    }

    [Theory]
    [InlineData("text")]
    [InlineData("empty")]
    public void ToDataset_NotData_ThrowsInputDataInvalid(string which)
    {
        object input = which == "text" ? "some/path.npy" : Array.Empty<object>();
        AssertError(ErrorIds.InputDataInvalid, () => DatasetAdapter.ToDataset(input, Mnist));
    }

    [Fact]
    public void RandomDataset_SameSeed_SameSamplesInTheInputTypes()
    {
        (string, int[], TensorType)[] inputs = [("f", [1, 3], TensorType.Float32), ("q", [4], TensorType.Int8), ("i", [2], TensorType.Int32)];

        var a = new RandomDataset(inputs, count: 2, seed: 7).GetSamples().ToList();
        var b = new RandomDataset(inputs, count: 2, seed: 7).GetSamples().ToList();

        Assert.Equal(2, a.Count);
        Assert.Equal((float[])a[1][0], (float[])b[1][0]);
        Assert.All((float[])a[0][0], v => Assert.InRange(v, -0.5f, 0.5f));
        Assert.IsType<sbyte[]>(a[0][1]);
        Assert.All((int[])a[0][2], v => Assert.InRange(v, 0, 99));
    }
}
