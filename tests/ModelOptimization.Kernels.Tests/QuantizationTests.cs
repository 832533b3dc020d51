using Ref = ModelOptimization.Kernels.Reference;

namespace ModelOptimization.Kernels.Tests;

[Collection(SimdPathCollection.Name)]
public class QuantizationTests
{
    public static IEnumerable<object[]> Lengths => Enumerable.Range(0, 258).Select(n => new object[] { n });

    private static float[] Values(Random rng, int length, int offset)
    {
        float[] v = TestData.Floats(rng, length, offset, 3f);
        // Exact ties (x.5 after division by the scale), zeros and out-of-range values.
        for (int i = offset; i < v.Length; i += 5) v[i] = (rng.Next(-600, 600) + 0.5f) * 0.01f;
        if (v.Length > offset + 2) { v[offset] = 0f; v[offset + 1] = 1e9f; v[offset + 2] = float.NegativeInfinity; }
        if (v.Length > offset + 200) v[offset + 200] = float.NaN; // gives the zero point
        return v;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void QuantizeAndDequantize_AllLengthsAndOffsets_EqualReferenceBitForBit(int length)
    {
        var rng = new Random(length);
        foreach (int offset in TestData.Offsets)
        {
            float[] x = Values(rng, length, offset);
            float[] input = x.AsSpan(offset).ToArray();
            var e8 = new sbyte[length]; var a8 = new sbyte[length + offset];
            var eU8 = new byte[length]; var aU8 = new byte[length + offset];
            var e16 = new short[length]; var a16 = new short[length + offset];
            Ref.Quantization.QuantizeFloatToInt8(input, e8, 0.01f, -3);
            Ref.Quantization.QuantizeFloatToUInt8(input, eU8, 0.01f, 128);
            Ref.Quantization.QuantizeFloatToInt16(input, e16, 0.0001f, 0);
            var f = new float[length]; var g = new float[length + offset];
            SimdPaths.ForEach(bits =>
            {
                Quantization.QuantizeFloatToInt8(input, a8.AsSpan(offset), 0.01f, -3);
                Quantization.QuantizeFloatToUInt8(input, aU8.AsSpan(offset), 0.01f, 128);
                Quantization.QuantizeFloatToInt16(input, a16.AsSpan(offset), 0.0001f, 0);
                TestData.AssertEqual<sbyte>(e8, a8.AsSpan(offset), $"int8 {bits}");
                TestData.AssertEqual<byte>(eU8, aU8.AsSpan(offset), $"uint8 {bits}");
                TestData.AssertEqual<short>(e16, a16.AsSpan(offset), $"int16 {bits}");

                Ref.Quantization.DequantizeInt8(e8, f, 0.0137f, -3);
                Quantization.DequantizeInt8(a8.AsSpan(offset), g.AsSpan(offset), 0.0137f, -3);
                TestData.AssertEqual<float>(f, g.AsSpan(offset), "dequantize int8");
                Ref.Quantization.DequantizeUInt8(eU8, f, 0.0137f, 128);
                Quantization.DequantizeUInt8(aU8.AsSpan(offset), g.AsSpan(offset), 0.0137f, 128);
                TestData.AssertEqual<float>(f, g.AsSpan(offset), "dequantize uint8");
                Ref.Quantization.DequantizeInt16(e16, f, 3.1e-5f, 0);
                Quantization.DequantizeInt16(a16.AsSpan(offset), g.AsSpan(offset), 3.1e-5f, 0);
                TestData.AssertEqual<float>(f, g.AsSpan(offset), "dequantize int16");
            });
        }
    }

    [Fact]
    public void QuantizeFloatToInt8_TiesAndSaturation_RoundHalfAwayFromZero()
    {
        var output = new sbyte[6];
        Quantization.QuantizeFloatToInt8([0.5f, -0.5f, 1.5f, -2.5f, 1000f, float.NaN], output, 1f, 0);
        Assert.Equal([1, -1, 2, -3, 127, 0], output.Select(v => (int)v));
    }

    [Fact]
    public void DequantizeInt32_LargeValues_UsesDoubleProduct()
    {
        int[] input = [int.MaxValue, -123456789, 16777217];
        var expected = new float[3];
        var actual = new float[3];
        Ref.Quantization.DequantizeInt32(input, expected, 0.1f, 0);
        Quantization.DequantizeInt32(input, actual, 0.1f, 0);
        TestData.AssertEqual<float>(expected, actual, "int32");
        Assert.Equal((float)(0.1f * (double)16777217), actual[2]);
    }

    [Fact]
    public void Requantize_AllTypePairs_EqualReference()
    {
        var rng = new Random(3);
        sbyte[] s = TestData.SBytes(rng, 300);
        byte[] u = TestData.Bytes(rng, 300);
        foreach ((int mult, int shift, int inZp, int outZp) in new[] { (1 << 30, 1, -128, 0), (1 << 30, 1, 0, 128), (1 << 30, 1, 128, 0), (1395864371, -1, 5, -7), (1 << 30, 2, 0, 0) })
        {
            var e1 = new byte[300]; var a1 = new byte[300];
            Ref.Quantization.Requantize(s, mult, shift, inZp, outZp, e1);
            Quantization.Requantize(s, mult, shift, inZp, outZp, a1);
            TestData.AssertEqual<byte>(e1, a1, "int8→uint8");
            var e2 = new sbyte[300]; var a2 = new sbyte[300];
            Ref.Quantization.Requantize(u, mult, shift, inZp, outZp, e2);
            Quantization.Requantize(u, mult, shift, inZp, outZp, a2);
            TestData.AssertEqual<sbyte>(e2, a2, "uint8→int8");
            Ref.Quantization.Requantize(s, mult, shift, inZp, outZp, e2);
            Quantization.Requantize(s, mult, shift, inZp, outZp, a2);
            TestData.AssertEqual<sbyte>(e2, a2, "int8→int8");
            Ref.Quantization.Requantize(u, mult, shift, inZp, outZp, e1);
            Quantization.Requantize(u, mult, shift, inZp, outZp, a1);
            TestData.AssertEqual<byte>(e1, a1, "uint8→uint8");
        }
    }

    [Fact]
    public void Requantize_Int8ToUInt8ShiftBy128_FlipsTheSignBit()
    {
        var output = new byte[3];
        Quantization.Requantize([-128, 0, 127], 1 << 30, 1, -5, 123, output);
        Assert.Equal([0, 128, 255], output.Select(v => (int)v));
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void QuantizeRow_SymmetricAndAsymmetric_EqualReferenceBitForBit(int length)
    {
        var rng = new Random(length + 1000);
        foreach (float shift in new[] { 0f, 2f, -5f })
        {
            float[] x = TestData.Floats(rng, length, 0, 4f).Select(v => v + shift).ToArray();
            var e = new sbyte[length]; var a = new sbyte[length];
            Ref.Quantization.QuantizeRowSymmetric(x, e, out float es);
            Quantization.QuantizeRowSymmetric(x, a, out float @as);
            Assert.Equal(es, @as);
            TestData.AssertEqual<sbyte>(e, a, "symmetric");
            Ref.Quantization.QuantizeRowAsymmetric(x, e, out es, out int eo);
            Quantization.QuantizeRowAsymmetric(x, a, out @as, out int ao);
            Assert.Equal(es, @as);
            Assert.Equal(eo, ao);
            TestData.AssertEqual<sbyte>(e, a, "asymmetric");
        }
    }

    [Fact]
    public void QuantizeRowAsymmetric_AllZero_GivesScaleOneOffsetZero()
    {
        var q = new sbyte[4];
        Quantization.QuantizeRowAsymmetric(new float[4], q, out float scale, out int offset);
        Assert.Equal(1f, scale);
        Assert.Equal(0, offset);
    }

    [Fact]
    public void SymmetricPerChannelInt8_ChannelsFirstAndLast_ScaleIsMaxAbsOver127()
    {
        // [2 channels, 3] with the channel first (inner 3), and [3, 2 channels] with the channel last (inner 1).
        float[] first = [1f, -2f, 0.5f, 0f, 0f, 0f];
        var q = new sbyte[6];
        var scales = new float[2];
        Quantization.SymmetricPerChannelInt8(first, 2, 3, q, scales);
        Assert.Equal([2f / 127, 1f], scales);
        Assert.Equal([64, -127, 32, 0, 0, 0], q.Select(v => (int)v)); // 63.5 → 64
        float[] last = [1f, 0.1f, -2f, 0.2f, 0.5f, -0.4f];
        Quantization.SymmetricPerChannelInt8(last, 2, 1, q, scales);
        Assert.Equal(2f / 127, scales[0]);
        Assert.Equal(0.4f / 127, scales[1]);
        Assert.Equal(-127, q[2]);
        Assert.Equal(-127, q[5]);
        Quantization.SymmetricPerChannelInt4(first, 2, 3, q, scales);
        Assert.Equal([3, -7, 2, 0, 0, 0], q.Select(v => (int)v)); // 1 / (2/7f) is 3.4999998 in float: 1 → 3, 0.5 → 2
    }

    [Fact]
    public void PackInt4_OddCount_LowNibbleFirstAndRoundTrips()
    {
        sbyte[] values = [-8, 7, -1, 0, 3];
        var packed = new byte[3];
        Quantization.PackInt4(values, packed);
        Assert.Equal([0x78, 0x0F, 0x03], packed.Select(b => (int)b));
        var unpacked = new sbyte[5];
        Quantization.UnpackInt4(packed, unpacked);
        Assert.Equal(values, unpacked);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void HalfAndBFloat16_AllLengths_EqualReference(int length)
    {
        var rng = new Random(length * 7);
        float[] x = TestData.Floats(rng, length, 1, 70000f);
        if (length > 3) { x[1] = float.NaN; x[2] = 1e-40f; x[3] = -0f; }
        var h1 = new Half[length]; var h2 = new Half[length];
        Ref.Quantization.FloatToFloat16(x.AsSpan(1), h1);
        Quantization.FloatToFloat16(x.AsSpan(1), h2);
        Assert.Equal(h1.Select(BitConverter.HalfToUInt16Bits), h2.Select(BitConverter.HalfToUInt16Bits));
        var f1 = new float[length]; var f2 = new float[length];
        Ref.Quantization.Float16ToFloat(h1, f1);
        Quantization.Float16ToFloat(h1, f2);
        Assert.Equal(f1.Select(BitConverter.SingleToUInt32Bits), f2.Select(BitConverter.SingleToUInt32Bits));
        var b1 = new ushort[length]; var b2 = new ushort[length];
        Ref.Quantization.FloatToBFloat16(x.AsSpan(1), b1);
        Quantization.FloatToBFloat16(x.AsSpan(1), b2);
        Assert.Equal(b1, b2);
        Ref.Quantization.BFloat16ToFloat(b1, f1);
        Quantization.BFloat16ToFloat(b1, f2);
        Assert.Equal(f1.Select(BitConverter.SingleToUInt32Bits), f2.Select(BitConverter.SingleToUInt32Bits));
    }

    [Theory]
    [InlineData(1f, 0x3F80)]
    [InlineData(1.00390625f, 0x3F80)] // exactly halfway between 0x3F80 and 0x3F81: to even
    [InlineData(1.01171875f, 0x3F82)] // halfway between 0x3F81 and 0x3F82: to even
    [InlineData(-2.5f, 0xC020)]
    [InlineData(float.PositiveInfinity, 0x7F80)]
    public void FloatToBFloat16_Ties_RoundToNearestEven(float value, int expected)
    {
        var output = new ushort[1];
        Quantization.FloatToBFloat16([value], output);
        Assert.Equal(expected, output[0]);
    }
}
