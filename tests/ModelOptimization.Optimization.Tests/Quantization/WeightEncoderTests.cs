using ModelOptimization.Optimization.Quantization.Codecs;

namespace ModelOptimization.Optimization.Tests.Quantization;

public class WeightEncoderTests
{
    public static TheoryData<int> Lengths()
    {
        var d = new TheoryData<int>();
        foreach (int n in new[] { 0, 1, 3, 7, 8, 15, 16, 31, 32, 33, 63, 64, 65, 127, 128, 129, 255, 256, 257 }) d.Add(n);
        return d;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void QuantizeRow_AnyLengthAndOffset_EqualsScalarRoundHalfAwayFromZero(int n)
    {
        var r = new Random(n);
        for (int offset = 0; offset < 3; offset++)
        {
            var src = new float[n + offset];
            for (int i = 0; i < src.Length; i++) src[i] = (float)((r.NextDouble() * 2 - 1) * 1.2);
            // exact halves are the interesting cases
            for (int i = offset; i < src.Length; i += 5) src[i] = (r.Next(-254, 255) + 0.5f) / 100f;
            var dst = new sbyte[n];
            WeightEncoder.QuantizeRow(src.AsSpan(offset, n), 100f, 127, dst);
            for (int i = 0; i < n; i++)
            {
                sbyte want = (sbyte)Math.Clamp(MathF.Round(src[offset + i] * 100f, MidpointRounding.AwayFromZero), -127, 127);
                Assert.True(want == dst[i], $"n={n} offset={offset} i={i}: {src[offset + i]} → {dst[i]}, want {want}");
            }
        }
    }

    [Fact]
    public void QuantizeSymmetric_LastAxisChannels_UsesEachChannelsScale()
    {
        float[] data = [1f, -2f, 0.5f, -1f, 2f, -0.5f];
        var dst = new sbyte[6];
        WeightEncoder.QuantizeSymmetric(data, 2, 3, 1, [127f, 63.5f, 254f], 127, dst);
        Assert.Equal(new sbyte[] { 127, -127, 127, -127, 127, -127 }, dst);
    }

    [Fact]
    public void AbsMaxPerChannel_InnerAndOuterLayouts()
    {
        float[] data = [1, -5, 2, 3, -4, 0.5f];
        var a = new float[3];
        WeightEncoder.AbsMaxPerChannel(data, 2, 3, 1, a);
        Assert.Equal(new[] { 3f, 5f, 2f }, a);
        var b = new float[2];
        WeightEncoder.AbsMaxPerChannel(data, 1, 2, 3, b);
        Assert.Equal(new[] { 5f, 4f }, b);
    }

    [Theory]
    [InlineData(1.0f, (ushort)0x3F80)]
    [InlineData(-2.0f, (ushort)0xC000)]
    [InlineData(1.00390625f, (ushort)0x3F80)] // exactly halfway between 0x3F80 and 0x3F81: to even
    [InlineData(1.01171875f, (ushort)0x3F82)] // halfway between 0x3F81 and 0x3F82: to even
    [InlineData(float.PositiveInfinity, (ushort)0x7F80)]
    [InlineData(float.NaN, (ushort)0x7FC0)]
    public void ToBFloat16_RoundsToNearestEven(float value, ushort bits)
        => Assert.Equal(bits, WeightEncoder.ToBFloat16(value));

    [Theory]
    [MemberData(nameof(Lengths))]
    public void ToBFloat16_VectorPathEqualsScalar(int n)
    {
        var src = GraphBuilderValues(n);
        var dst = new byte[n * 2];
        WeightEncoder.ToBFloat16(src, dst);
        for (int i = 0; i < n; i++) Assert.Equal(WeightEncoder.ToBFloat16(src[i]), BitConverter.ToUInt16(dst, 2 * i));
    }

    [Fact]
    public void ToFloat16_MatchesHalfConversion()
    {
        var src = GraphBuilderValues(100);
        var dst = new byte[200];
        WeightEncoder.ToFloat16(src, dst);
        for (int i = 0; i < 100; i++) Assert.Equal(BitConverter.HalfToUInt16Bits((Half)src[i]), BitConverter.ToUInt16(dst, 2 * i));
    }

    [Fact]
    public void PackInt4_LowNibbleFirst_AndRoundTrips()
    {
        sbyte[] values = [1, -1, 7, -8, 3];
        var packed = new byte[3];
        WeightEncoder.PackInt4(values, packed);
        Assert.Equal(new byte[] { 0xF1, 0x87, 0x03 }, packed);
        var back = new sbyte[5];
        WeightEncoder.UnpackInt4(packed, back);
        Assert.Equal(values, back);
    }

    private static float[] GraphBuilderValues(int n) => Helpers.GraphBuilder.Values(n, n + 11, 100f);
}

public class WeightEncoderInt4Tests
{
    [Theory]
    [MemberData(nameof(WeightEncoderTests.Lengths), MemberType = typeof(WeightEncoderTests))]
    public void QuantizeRowEven_VectorPathEqualsScalarRint(int n)
    {
        var src = Helpers.GraphBuilder.Values(n, n, 9f);
        for (int i = 0; i < n; i += 7) src[i] = MathF.Round(src[i]) + 0.5f; // ties go to even
        var dst = new sbyte[n];
        WeightEncoder.QuantizeRowEven(src, 1f, -8, 7, dst);
        for (int i = 0; i < n; i++) Assert.Equal((sbyte)Math.Clamp(MathF.Round(src[i], MidpointRounding.ToEven), -8, 7), dst[i]);
    }

    [Theory]
    [MemberData(nameof(WeightEncoderTests.Lengths), MemberType = typeof(WeightEncoderTests))]
    public void PackInt4_VectorPathRoundTrips(int n)
    {
        var r = new Random(n);
        var values = Enumerable.Range(0, n).Select(_ => (sbyte)r.Next(-8, 8)).ToArray();
        var packed = new byte[(n + 1) / 2];
        WeightEncoder.PackInt4(values, packed);
        var back = new sbyte[n];
        WeightEncoder.UnpackInt4(packed, back);
        Assert.Equal(values, back);
    }
}
