using Ref = ModelOptimization.Kernels.Reference;

namespace ModelOptimization.Kernels.Tests;

[Collection(SimdPathCollection.Name)]
public class PoolingTests
{
    /// <summary>batches, h, w, channels, fh, fw, stride, same.</summary>
    public static TheoryData<int, int, int, int, int, int, int, bool> Geometries => new()
    {
        { 1, 6, 6, 16, 2, 2, 2, false },
        { 2, 7, 5, 35, 3, 3, 2, true },
        { 1, 5, 5, 1, 3, 3, 1, true },
        { 1, 9, 9, 257, 3, 3, 2, true },
        { 1, 7, 7, 33, 7, 7, 1, false }, // global
        { 1, 4, 6, 8, 3, 2, 3, true },
    };

    private static Pool2DGeometry Make(int batches, int h, int w, int c, int fh, int fw, int stride, bool same) =>
        Pool2DGeometry.Create(batches, h, w, c, fh, fw, stride, stride, same);

    [Theory]
    [MemberData(nameof(Geometries))]
    public void FloatPools_RandomData_EqualReferenceBitForBit(int batches, int h, int w, int c, int fh, int fw, int stride, bool same)
    {
        Pool2DGeometry g = Make(batches, h, w, c, fh, fw, stride, same);
        float[] input = TestData.Floats(new Random(c + h), (int)g.InputLength, 1, 4f);
        var avg = new float[g.OutputLength];
        var max = new float[g.OutputLength];
        Ref.Pooling.AveragePoolFloat(input.AsSpan(1), avg, g, -1f, 3f);
        Ref.Pooling.MaxPoolFloat(input.AsSpan(1), max, g, -1f, 3f);
        SimdPaths.ForEach(bits =>
        {
            var a = new float[g.OutputLength];
            var m = new float[g.OutputLength];
            Pooling.AveragePoolFloat(input.AsSpan(1), a, g, -1f, 3f);
            Pooling.MaxPoolFloat(input.AsSpan(1), m, g, -1f, 3f);
            TestData.AssertEqual<float>(avg, a, $"average, {bits} bits");
            TestData.AssertEqual<float>(max, m, $"max, {bits} bits");
        });
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void IntegerPools_RandomData_EqualReferenceBitForBit(int batches, int h, int w, int c, int fh, int fw, int stride, bool same)
    {
        Pool2DGeometry g = Make(batches, h, w, c, fh, fw, stride, same);
        var rng = new Random(c * 3 + h);
        sbyte[] in8 = TestData.SBytes(rng, (int)g.InputLength, 3);
        byte[] inU8 = TestData.Bytes(rng, (int)g.InputLength, 1);
        var avg8 = new sbyte[g.OutputLength];
        var max8 = new sbyte[g.OutputLength];
        var avgU8 = new byte[g.OutputLength];
        var maxU8 = new byte[g.OutputLength];
        Ref.Pooling.AveragePoolInt8(in8.AsSpan(3), avg8, g, -100, 127);
        Ref.Pooling.MaxPoolInt8(in8.AsSpan(3), max8, g, -100, 127);
        Ref.Pooling.AveragePoolUInt8(inU8.AsSpan(1), avgU8, g, 10, 250);
        Ref.Pooling.MaxPoolUInt8(inU8.AsSpan(1), maxU8, g, 10, 250);
        SimdPaths.ForEach(bits =>
        {
            var a8 = new sbyte[g.OutputLength];
            var m8 = new sbyte[g.OutputLength];
            var aU8 = new byte[g.OutputLength];
            var mU8 = new byte[g.OutputLength];
            Pooling.AveragePoolInt8(in8.AsSpan(3), a8, g, -100, 127);
            Pooling.MaxPoolInt8(in8.AsSpan(3), m8, g, -100, 127);
            Pooling.AveragePoolUInt8(inU8.AsSpan(1), aU8, g, 10, 250);
            Pooling.MaxPoolUInt8(inU8.AsSpan(1), mU8, g, 10, 250);
            TestData.AssertEqual<sbyte>(avg8, a8, $"int8 average, {bits} bits");
            TestData.AssertEqual<sbyte>(max8, m8, $"int8 max, {bits} bits");
            TestData.AssertEqual<byte>(avgU8, aU8, $"uint8 average, {bits} bits");
            TestData.AssertEqual<byte>(maxU8, mU8, $"uint8 max, {bits} bits");
        });
    }

    [Fact]
    public void AveragePoolInt8_NegativeHalf_RoundsAwayFromZero()
    {
        var g = new Pool2DGeometry(1, 1, 2, 1, 1, 2, 1, 1);
        var output = new sbyte[1];
        Pooling.AveragePoolInt8([-3, -4], output, g, -128, 127); // −3.5 → −4
        Assert.Equal(-4, output[0]);
        Pooling.AveragePoolInt8([3, 4], output, g, -128, 127); // 3.5 → 4
        Assert.Equal(4, output[0]);
    }

    [Fact]
    public void AveragePoolInt16_Window_RoundsHalfAwayFromZeroAndClamps()
    {
        var g = new Pool2DGeometry(1, 1, 2, 1, 1, 2, 1, 1);
        var output = new short[1];
        Ref.Pooling.AveragePool<short>([-30001, -30002], output, g, -32768, 32767); // −30001.5 → −30002
        Assert.Equal(-30002, output[0]);
        Ref.Pooling.AveragePool<short>([30001, 30002], output, g, -32768, 30000); // 30001.5 → 30002, clamped
        Assert.Equal(30000, output[0]);
    }

    [Fact]
    public void MaxPoolInt16_PaddedWindow_TakesTheInsideMaximum()
    {
        var g = Pool2DGeometry.Create(1, 2, 2, 1, 3, 3, 1, 1, samePadding: true);
        var output = new short[4];
        Ref.Pooling.MaxPool<short>([-20000, -30000, -25000, -32768], output, g, -32768, 32767);
        Assert.Equal(new short[] { -20000, -20000, -20000, -20000 }, output);
    }

    [Fact]
    public void L2PoolFloat_Window_IsRootMeanSquare()
    {
        var g = new Pool2DGeometry(1, 1, 2, 1, 1, 2, 1, 1);
        var output = new float[1];
        Ref.Pooling.L2PoolFloat([3f, 4f], output, g, float.MinValue, float.MaxValue);
        Assert.Equal(MathF.Sqrt(12.5f), output[0]);
        Ref.Pooling.L2PoolFloat([3f, 4f], output, g, 0f, 3f);
        Assert.Equal(3f, output[0]);
    }
}
