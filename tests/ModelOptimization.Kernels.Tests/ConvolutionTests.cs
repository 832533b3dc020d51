using Ref = ModelOptimization.Kernels.Reference;

namespace ModelOptimization.Kernels.Tests;

[Collection(SimdPathCollection.Name)]
public class ConvolutionTests
{
    /// <summary>batches, h, w, inC, fh, fw, outC, stride, dilation, same.</summary>
    public static TheoryData<int, int, int, int, int, int, int, int, int, bool> Geometries => new()
    {
        { 1, 5, 5, 3, 3, 3, 4, 1, 1, true },
        { 2, 7, 6, 5, 3, 2, 17, 2, 1, true },
        { 1, 9, 9, 4, 3, 3, 33, 1, 2, false },
        { 1, 6, 6, 8, 1, 1, 7, 1, 1, false },   // pointwise: no im2col for float
        { 1, 4, 8, 3, 5, 5, 6, 3, 1, true },
        { 3, 3, 3, 1, 1, 1, 1, 1, 1, true },
        { 1, 11, 7, 16, 3, 3, 40, 2, 2, true },
        { 1, 20, 21, 8, 3, 3, 9, 1, 1, true },   // 420 pixels: several im2col chunks on one thread
    };

    private static Conv2DGeometry Make(int batches, int h, int w, int inC, int fh, int fw, int outC, int stride, int dilation, bool same) =>
        Conv2DGeometry.Create(batches, h, w, inC, fh, fw, outC, stride, stride, dilation, dilation, same);

    [Theory]
    [InlineData(true, 224, 3, 2, 1, 112, 0)]
    [InlineData(true, 5, 3, 1, 1, 5, 1)]
    [InlineData(false, 5, 3, 1, 1, 3, 0)]
    [InlineData(true, 9, 3, 1, 2, 9, 2)]
    [InlineData(false, 9, 3, 1, 2, 5, 0)]
    [InlineData(true, 6, 4, 2, 1, 3, 1)]
    [InlineData(true, 7, 2, 2, 1, 4, 0)]
    public void ComputePadding_KnownSizes_MatchTfLite(bool same, int inSize, int filter, int stride, int dilation, int expectedOut, int expectedPad)
    {
        Convolution.ComputePadding(same, inSize, filter, stride, dilation, out int outSize, out int pad);
        Assert.Equal(expectedOut, outSize);
        Assert.Equal(expectedPad, pad);
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Conv2DFloat_RandomData_MatchesReferenceOnEveryPath(int batches, int h, int w, int inC, int fh, int fw, int outC, int stride, int dilation, bool same)
    {
        Conv2DGeometry g = Make(batches, h, w, inC, fh, fw, outC, stride, dilation, same);
        var rng = new Random(h * 31 + outC);
        float[] input = TestData.Floats(rng, (int)g.InputLength, 1), filter = TestData.Floats(rng, outC * g.Depth, 3), bias = TestData.Floats(rng, outC);
        var expected = new float[g.OutputLength];
        Ref.Convolution.Conv2DFloat(input.AsSpan(1), filter.AsSpan(3), bias, expected, g, -2f, 2.5f);
        float[]? first = null;
        SimdPaths.ForEach(bits =>
        {
            foreach (int threads in new[] { 1, 2, 3 })
            {
                var actual = new float[g.OutputLength];
                var scratch = new float[Convolution.Conv2DFloatScratchLength(g, threads)];
                Convolution.Conv2DFloat(input.AsSpan(1), filter.AsSpan(3), bias, actual, g, -2f, 2.5f, scratch, threads);
                TestData.AssertClose(expected, actual, 1e-5f, 1e-5f * g.Depth, $"{bits} bits, {threads} threads");
                first ??= actual;
                TestData.AssertEqual<float>(first, actual, $"{bits} bits, {threads} threads vs first");
            }
        });
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Conv2DInt8PerChannel_RandomData_BitExactOnEveryPath(int batches, int h, int w, int inC, int fh, int fw, int outC, int stride, int dilation, bool same)
    {
        Conv2DGeometry g = Make(batches, h, w, inC, fh, fw, outC, stride, dilation, same);
        var rng = new Random(h * 37 + outC);
        sbyte[] input = TestData.SBytes(rng, (int)g.InputLength, 1), filter = TestData.SBytes(rng, outC * g.Depth, 3, -127, 127);
        int[] bias = TestData.Ints(rng, outC, -5000, 5000);
        (int[] mult, int[] shift) = TestData.Requantization(rng, outC, -12, -5);
        var expected = new sbyte[g.OutputLength];
        Ref.Convolution.Conv2DInt8PerChannel(input.AsSpan(1), 12, filter.AsSpan(3), bias, mult, shift, -3, expected, g, -128, 100);
        SimdPaths.ForEach(bits =>
        {
            foreach (int threads in new[] { 1, 2 })
            {
                var actual = new sbyte[g.OutputLength];
                var scratch = new short[Convolution.Conv2DIntegerScratchLength(g, threads)];
                Convolution.Conv2DInt8PerChannel(input.AsSpan(1), 12, filter.AsSpan(3), bias, mult, shift, -3, actual, g, -128, 100, scratch, threads);
                TestData.AssertEqual<sbyte>(expected, actual, $"{bits} bits, {threads} threads");
            }

            var packed = new sbyte[g.OutputLength];
            Convolution.Conv2DInt8PerChannel(input.AsSpan(1), 12, PackedWeights.PackInt8(filter.AsSpan(3), outC, g.Depth), bias, mult, shift, -3,
                packed, g, -128, 100, new short[Convolution.Conv2DIntegerScratchLength(g, 1)], 1);
            TestData.AssertEqual<sbyte>(expected, packed, $"{bits} bits, packed");
        });
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Conv2DUInt8_RandomData_BitExactOnEveryPath(int batches, int h, int w, int inC, int fh, int fw, int outC, int stride, int dilation, bool same)
    {
        Conv2DGeometry g = Make(batches, h, w, inC, fh, fw, outC, stride, dilation, same);
        var rng = new Random(h * 41 + outC);
        byte[] input = TestData.Bytes(rng, (int)g.InputLength), filter = TestData.Bytes(rng, outC * g.Depth);
        int[] bias = TestData.Ints(rng, outC, -5000, 5000);
        var expected = new byte[g.OutputLength];
        Ref.Convolution.Conv2DUInt8(input, 128, filter, 140, bias, 1200000000, -14, 120, expected, g, 0, 255);
        SimdPaths.ForEach(bits =>
        {
            var actual = new byte[g.OutputLength];
            Convolution.Conv2DUInt8(input, 128, filter, 140, bias, 1200000000, -14, 120, actual, g, 0, 255, new short[Convolution.Conv2DIntegerScratchLength(g, 2)], 2);
            TestData.AssertEqual<byte>(expected, actual, $"{bits} bits");
        });
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Conv2DInt16x8_RandomData_BitExactOnEveryPath(int batches, int h, int w, int inC, int fh, int fw, int outC, int stride, int dilation, bool same)
    {
        Conv2DGeometry g = Make(batches, h, w, inC, fh, fw, outC, stride, dilation, same);
        var rng = new Random(h * 43 + outC);
        short[] input = TestData.Shorts(rng, (int)g.InputLength);
        sbyte[] filter = TestData.SBytes(rng, outC * g.Depth);
        long[] bias = Enumerable.Range(0, outC).Select(_ => rng.NextInt64(-1000000, 1000000)).ToArray();
        (int[] mult, int[] shift) = TestData.Requantization(rng, outC, -20, -12);
        var expected = new short[g.OutputLength];
        Ref.Convolution.Conv2DInt16x8(input, filter, bias, mult, shift, expected, g, -32768, 32767);
        SimdPaths.ForEach(bits =>
        {
            var actual = new short[g.OutputLength];
            Convolution.Conv2DInt16x8(input, filter, bias, mult, shift, actual, g, -32768, 32767, new short[Convolution.Conv2DIntegerScratchLength(g, 2)], 2);
            TestData.AssertEqual<short>(expected, actual, $"{bits} bits");
        });
    }

    /// <summary>batches, h, w, inC, multiplier, fh, fw, stride, dilation, same.</summary>
    public static TheoryData<int, int, int, int, int, int, int, int, int, bool> DepthwiseGeometries => new()
    {
        { 1, 6, 6, 16, 1, 3, 3, 1, 1, true },
        { 2, 7, 5, 35, 1, 3, 3, 2, 1, true },
        { 1, 8, 8, 3, 2, 3, 3, 1, 1, false },
        { 1, 9, 9, 24, 1, 5, 5, 1, 2, true },
        { 1, 5, 5, 5, 3, 2, 2, 2, 1, true },
        { 1, 4, 4, 1, 1, 1, 1, 1, 1, true },
        { 1, 10, 9, 20, 1, 3, 3, 2, 2, true },  // 3×3 interior path with stride and dilation
        { 1, 12, 12, 48, 1, 3, 3, 1, 1, false },
    };

    private static Conv2DGeometry MakeDepthwise(int batches, int h, int w, int inC, int multiplier, int fh, int fw, int stride, int dilation, bool same) =>
        Conv2DGeometry.Create(batches, h, w, inC, fh, fw, inC * multiplier, stride, stride, dilation, dilation, same);

    [Theory]
    [MemberData(nameof(DepthwiseGeometries))]
    public void DepthwiseConv2DFloat_RandomData_MatchesReferenceOnEveryPath(int batches, int h, int w, int inC, int multiplier, int fh, int fw, int stride, int dilation, bool same)
    {
        Conv2DGeometry g = MakeDepthwise(batches, h, w, inC, multiplier, fh, fw, stride, dilation, same);
        var rng = new Random(h + inC * 7 + multiplier);
        float[] input = TestData.Floats(rng, (int)g.InputLength), filter = TestData.Floats(rng, fh * fw * g.OutputChannels), bias = TestData.Floats(rng, g.OutputChannels);
        var expected = new float[g.OutputLength];
        Ref.Convolution.DepthwiseConv2DFloat(input, filter, bias, expected, g, multiplier, -1.5f, 1.5f);
        float[]? first = null;
        SimdPaths.ForEach(bits =>
        {
            foreach (int threads in new[] { 1, 2 })
            {
                var actual = new float[g.OutputLength];
                Convolution.DepthwiseConv2DFloat(input, filter, bias, actual, g, multiplier, -1.5f, 1.5f, threads);
                TestData.AssertClose(expected, actual, 1e-5f, 1e-5f * fh * fw, $"{bits} bits, {threads} threads");
                first ??= actual;
                TestData.AssertEqual<float>(first, actual, $"{bits} bits, {threads} threads vs first");
            }
        });
    }

    [Theory]
    [MemberData(nameof(DepthwiseGeometries))]
    public void DepthwiseConv2DInt8PerChannel_RandomData_BitExactOnEveryPath(int batches, int h, int w, int inC, int multiplier, int fh, int fw, int stride, int dilation, bool same)
    {
        Conv2DGeometry g = MakeDepthwise(batches, h, w, inC, multiplier, fh, fw, stride, dilation, same);
        var rng = new Random(h + inC * 5 + multiplier);
        sbyte[] input = TestData.SBytes(rng, (int)g.InputLength, 3), filter = TestData.SBytes(rng, fh * fw * g.OutputChannels, 1);
        int[] bias = TestData.Ints(rng, g.OutputChannels, -3000, 3000);
        (int[] mult, int[] shift) = TestData.Requantization(rng, g.OutputChannels, -10, -3);
        var expected = new sbyte[g.OutputLength];
        Ref.Convolution.DepthwiseConv2DInt8PerChannel(input.AsSpan(3), -128, filter.AsSpan(1), bias, mult, shift, 2, expected, g, multiplier, -128, 127);
        var perTensor = new sbyte[g.OutputLength];
        Ref.Convolution.DepthwiseConv2DInt8PerChannel(input.AsSpan(3), 5, filter.AsSpan(1), [], [mult[0]], [shift[0]], -1, perTensor, g, multiplier, -100, 100);
        SimdPaths.ForEach(bits =>
        {
            var actual = new sbyte[g.OutputLength];
            Convolution.DepthwiseConv2DInt8PerChannel(input.AsSpan(3), -128, filter.AsSpan(1), bias, mult, shift, 2, actual, g, multiplier, -128, 127, 2);
            TestData.AssertEqual<sbyte>(expected, actual, $"{bits} bits");
            Convolution.DepthwiseConv2DInt8PerChannel(input.AsSpan(3), 5, filter.AsSpan(1), [], [mult[0]], [shift[0]], -1, actual, g, multiplier, -100, 100, 1);
            TestData.AssertEqual<sbyte>(perTensor, actual, $"{bits} bits, per tensor, no bias");
        });
    }

    [Theory]
    [MemberData(nameof(DepthwiseGeometries))]
    public void DepthwiseConv2DUInt8_RandomData_BitExactOnEveryPath(int batches, int h, int w, int inC, int multiplier, int fh, int fw, int stride, int dilation, bool same)
    {
        Conv2DGeometry g = MakeDepthwise(batches, h, w, inC, multiplier, fh, fw, stride, dilation, same);
        var rng = new Random(h + inC * 3 + multiplier);
        byte[] input = TestData.Bytes(rng, (int)g.InputLength), filter = TestData.Bytes(rng, fh * fw * g.OutputChannels);
        int[] bias = TestData.Ints(rng, g.OutputChannels, -3000, 3000);
        var expected = new byte[g.OutputLength];
        Ref.Convolution.DepthwiseConv2DUInt8(input, 0, filter, 255, bias, 1900000000, -9, 128, expected, g, multiplier, 0, 255);
        SimdPaths.ForEach(bits =>
        {
            var actual = new byte[g.OutputLength];
            Convolution.DepthwiseConv2DUInt8(input, 0, filter, 255, bias, 1900000000, -9, 128, actual, g, multiplier, 0, 255, 1);
            TestData.AssertEqual<byte>(expected, actual, $"{bits} bits");
        });
    }

    [Theory]
    [InlineData(1, 3, 3, 4, 5, 3, 3, 2, true)]
    [InlineData(2, 4, 5, 3, 7, 2, 2, 2, false)]
    [InlineData(1, 5, 5, 8, 33, 3, 3, 1, true)]
    [InlineData(1, 2, 3, 1, 1, 1, 1, 3, false)]
    public void TransposeConv2DFloat_RandomData_MatchesReference(int batches, int h, int w, int inC, int outC, int fh, int fw, int stride, bool same)
    {
        // TFLite derives the padding from the output size as for a forward convolution from output to input.
        int outH = same ? h * stride : (h - 1) * stride + fh, outW = same ? w * stride : (w - 1) * stride + fw;
        Convolution.ComputePadding(same, outH, fh, stride, 1, out _, out int padTop);
        Convolution.ComputePadding(same, outW, fw, stride, 1, out _, out int padLeft);
        var g = new Conv2DGeometry(batches, h, w, inC, fh, fw, outC, outH, outW, stride, stride, 1, 1, padTop, padLeft);
        var rng = new Random(h * 13 + outC);
        float[] input = TestData.Floats(rng, (int)g.InputLength), filter = TestData.Floats(rng, outC * fh * fw * inC), bias = TestData.Floats(rng, outC);
        var expected = new float[g.OutputLength];
        Ref.Convolution.TransposeConv2DFloat(input, filter, bias, expected, g, float.MinValue, float.MaxValue);
        SimdPaths.ForEach(bits =>
        {
            var actual = new float[g.OutputLength];
            Convolution.TransposeConv2DFloat(input, filter, bias, actual, g, float.MinValue, float.MaxValue,
                new float[Convolution.TransposeConv2DFloatScratchLength(g)], 2);
            TestData.AssertClose(expected, actual, 1e-5f, 1e-5f * inC * fh * fw, $"{bits} bits");
        });
    }

    [Fact]
    public void DepthwiseConv2DInt16x8_DepthMultiplierTwo_AccumulatesInt64AndRoundsHalfUp()
    {
        // One input channel, two output channels (depth multiplier 2), a 1×2 window; multiplier 0.5 (Q31 2^30, shift 0).
        var g = new Conv2DGeometry(1, 1, 2, 1, 1, 2, 2, 1, 1);
        var output = new short[2];
        Ref.Convolution.DepthwiseConv2DInt16x8([1000, -2000], [3, -5, 7, 11], [100, -100], [1 << 30, 1 << 30], [0, 0], output, g, 2,
            short.MinValue, short.MaxValue);
        // oc 0: 1000·3 − 2000·7 + 100 = −10900 → −5450; oc 1: 1000·(−5) − 2000·11 − 100 = −27100 → −13550.
        Assert.Equal(new short[] { -5450, -13550 }, output);
        Ref.Convolution.DepthwiseConv2DInt16x8([1000, -2000], [3, -5, 7, 11], [100, -100], [1 << 30, 1 << 30], [0, 0], output, g, 2, -6000, 6000);
        Assert.Equal(new short[] { -5450, -6000 }, output);
    }

    [Fact]
    public void Conv2DInt8PerChannelReference_GroupedFilter_EqualsOneConvolutionPerGroup()
    {
        // 4 input channels, filter depth 2: two groups of 3 output channels, each reading its own 2 input channels.
        const int inC = 4, depth = 2, outC = 6, perGroup = 3;
        var rng = new Random(7);
        var g = Conv2DGeometry.Create(2, 5, 4, inC, 3, 3, outC, 2, 1, 1, 1, samePadding: true);
        var input = TestData.SBytes(rng, (int)g.InputLength);
        var filter = TestData.SBytes(rng, outC * 3 * 3 * depth);
        var bias = TestData.Ints(rng, outC, -500, 500);
        var (mult, shift) = TestData.Requantization(rng, outC, -9, -6);
        var grouped = new sbyte[g.OutputLength];
        Ref.Convolution.Conv2DInt8PerChannel(input, 3, filter, bias, mult, shift, -2, grouped, g, -128, 127);

        var one = g with { InputChannels = depth, OutputChannels = perGroup };
        for (int group = 0; group < 2; group++)
        {
            var groupInput = new sbyte[one.InputLength];
            for (int p = 0; p < groupInput.Length / depth; p++)
                for (int c = 0; c < depth; c++) groupInput[p * depth + c] = input[p * inC + group * depth + c];
            var groupOutput = new sbyte[one.OutputLength];
            Ref.Convolution.Conv2DInt8PerChannel(groupInput, 3, filter.AsSpan(group * perGroup * 9 * depth, perGroup * 9 * depth), bias.AsSpan(group * perGroup, perGroup),
                mult.AsSpan(group * perGroup, perGroup), shift.AsSpan(group * perGroup, perGroup), -2, groupOutput, one, -128, 127);
            for (int p = 0; p < groupOutput.Length / perGroup; p++)
                for (int c = 0; c < perGroup; c++) Assert.Equal(groupOutput[p * perGroup + c], grouped[p * outC + group * perGroup + c]);
        }
    }
}
