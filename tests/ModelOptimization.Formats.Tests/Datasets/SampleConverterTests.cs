using System.Collections;
using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Datasets;
using static ModelOptimization.Formats.Tests.Datasets.DatasetTestFiles;

namespace ModelOptimization.Formats.Tests.Datasets;

public sealed class SampleConverterTests
{
    private static readonly (string Name, int[] Shape, TensorType Type)[] OneFloat = [("serving_default_x:0", [1, 2, 2], TensorType.Float32)];

    private static readonly (string Name, int[] Shape, TensorType Type)[] Two =
    [
        ("image", [1, 3], TensorType.Int8),
        ("mask", [2], TensorType.Int32),
    ];

    [Fact]
    public void Convert_TypedArrayOfTheInputType_IsUsedAsIs()
    {
        var data = new float[] { 1, 2, 3, 4 };

        var result = SampleConverter.Convert(new Array[] { data }, OneFloat);

        Assert.Same(data, Assert.Single(result));
    }

    [Fact]
    public void Convert_FlatListOfNumbersForOneInput_BecomesTheInputType()
    {
        var result = SampleConverter.Convert(new object[] { 1, 2.5, 3L, "4" }, OneFloat);

        Assert.Equal([1f, 2.5f, 3f, 4f], Assert.IsType<float[]>(Assert.Single(result)));
    }

    [Fact]
    public void Convert_NestedListsForOneInput_AreFlattenedRowMajor()
    {
        var rows = new object[] { new object[] { new object[] { 1, 2 }, new object[] { 3, 4 } } };

        var result = SampleConverter.Convert(rows, OneFloat);

        Assert.Equal([1f, 2f, 3f, 4f], (float[])result[0]);
    }

    [Fact]
    public void Convert_ListPerInput_ConvertsEachInItsType()
    {
        var result = SampleConverter.Convert(new object[] { new double[] { -1, 0, 127 }, new object[] { 5, 6 } }, Two);

        Assert.Equal(new sbyte[] { -1, 0, 127 }, Assert.IsType<sbyte[]>(result[0]));
        Assert.Equal([5, 6], Assert.IsType<int[]>(result[1]));
    }

    [Fact]
    public void Convert_Hashtable_MatchesNamesIndicesCaseAndTensorSuffix()
    {
        var byName = SampleConverter.Convert(new Hashtable { ["MASK"] = new[] { 1, 2 }, [0] = new[] { 3, 4, 5 } }, Two);
        var bySuffix = SampleConverter.Convert(new Hashtable { ["serving_default_x"] = new[] { 1, 2, 3, 4 } }, OneFloat);

        Assert.Equal(new sbyte[] { 3, 4, 5 }, (sbyte[])byName[0]);
        Assert.Equal([1, 2], (int[])byName[1]);
        Assert.Equal([1f, 2f, 3f, 4f], (float[])bySuffix[0]);
    }

    [Fact]
    public void Convert_HashtableWithUnknownName_ThrowsInputNotFound()
    {
        var ex = AssertError(ErrorIds.InputNotFound, () => SampleConverter.Convert(new Hashtable { ["image"] = new[] { 1, 2, 3 }, ["nope"] = 1 }, Two));
        Assert.Contains("'mask'", ex.Message);
    }

    [Fact]
    public void Convert_HashtableMissingAnInput_ThrowsInputDataInvalid()
    {
        var ex = AssertError(ErrorIds.InputDataInvalid, () => SampleConverter.Convert(new Hashtable { ["image"] = new[] { 1, 2, 3 } }, Two));
        Assert.Contains("'mask'", ex.Message);
    }

    [Fact]
    public void Convert_WrongLength_ThrowsInputDataInvalidWithBothCounts()
    {
        var ex = AssertError(ErrorIds.InputDataInvalid, () => SampleConverter.Convert(new float[5], OneFloat));
        Assert.Contains("needs 4 values", ex.Message);
        Assert.Contains("gives 5", ex.Message);
    }

    [Fact]
    public void Convert_WrongArrayCount_ThrowsInputDataInvalid()
    {
        var ex = AssertError(ErrorIds.InputDataInvalid, () => SampleConverter.Convert(new object[] { new sbyte[3] }, Two));
        Assert.Contains("2 inputs", ex.Message);
    }

    [Theory]
    [InlineData(0.5, "whole number")]
    [InlineData(128, "range")]
    [InlineData("abc", "not a number")]
    public void Convert_ValueThatIsNotAnInt8_ThrowsInputDataInvalid(object bad, string expected)
    {
        var ex = AssertError(ErrorIds.InputDataInvalid, () => SampleConverter.Convert(new object[] { new[] { 1, bad, 3 }, new[] { 1, 2 } }, Two));
        Assert.Contains(expected, ex.Message);
        Assert.Contains("element 1", ex.Message);
    }

    [Fact]
    public void Convert_FloatArrayForIntegerInput_AcceptsWholeValuesOnly()
    {
        var ok = SampleConverter.Convert(new Array[] { new float[] { 1, 2, 3 }, new double[] { 4, 5 } }, Two);
        Assert.Equal(new sbyte[] { 1, 2, 3 }, (sbyte[])ok[0]);

        AssertError(ErrorIds.InputDataInvalid, () => SampleConverter.Convert(new Array[] { new float[] { 1, 2.5f, 3 }, new double[] { 4, 5 } }, Two));
    }

    [Fact]
    public void Convert_DynamicShape_AcceptsMultiplesOfTheKnownDimensions()
    {
        (string, int[], TensorType)[] dynamic = [("x", [-1, 3], TensorType.Float32)];

        Assert.Equal(6, SampleConverter.Convert(new float[6], dynamic)[0].Length);
        AssertError(ErrorIds.InputDataInvalid, () => SampleConverter.Convert(new float[4], dynamic));
    }

    [Fact]
    public void Convert_BoolAndInt64Inputs_Convert()
    {
        (string, int[], TensorType)[] inputs = [("flag", [2], TensorType.Bool), ("id", [1], TensorType.Int64)];

        var result = SampleConverter.Convert(new object[] { new object[] { true, 0 }, new object[] { 9007199254740993L } }, inputs);

        Assert.Equal([true, false], (bool[])result[0]);
        Assert.Equal([9007199254740993L], (long[])result[1]);
    }

    [Fact]
    public void Convert_StringInput_ThrowsInputDataInvalid()
    {
        (string, int[], TensorType)[] inputs = [("text", [1], TensorType.String)];
        AssertError(ErrorIds.InputDataInvalid, () => SampleConverter.Convert(new object[] { 1 }, inputs));
    }
}
