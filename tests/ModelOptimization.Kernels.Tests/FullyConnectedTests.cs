using Ref = ModelOptimization.Kernels.Reference;

namespace ModelOptimization.Kernels.Tests;

[Collection(SimdPathCollection.Name)]
public class FullyConnectedTests
{
    /// <summary>(m, n, k): edges of the 6-row and 8/16/32-column blocks, odd depths, empty shapes.</summary>
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 0, 5, 7 }, { 3, 0, 7 }, { 2, 3, 0 }, { 1, 1, 1 }, { 1, 33, 17 }, { 2, 7, 3 }, { 5, 31, 64 }, { 6, 32, 5 },
        { 7, 17, 129 }, { 13, 65, 33 }, { 3, 257, 9 }, { 19, 40, 257 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Float_RandomData_MatchesReferenceOnEveryPath(int m, int n, int k)
    {
        var rng = new Random(m * 1000 + n * 10 + k);
        foreach (int offset in TestData.Offsets)
        {
            float[] input = TestData.Floats(rng, m * k, offset), weights = TestData.Floats(rng, n * k, offset), bias = TestData.Floats(rng, n, offset);
            var expected = new float[m * n];
            Ref.FullyConnected.Float(input.AsSpan(offset), weights.AsSpan(offset), bias.AsSpan(offset), expected, m, n, k, -0.8f, 0.9f);
            float[]? first = null;
            SimdPaths.ForEach(bits =>
            {
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    var actual = new float[m * n + offset];
                    FullyConnected.Float(input.AsSpan(offset), weights.AsSpan(offset), bias.AsSpan(offset), actual.AsSpan(offset), m, n, k, -0.8f, 0.9f, threads);
                    TestData.AssertClose(expected, actual.AsSpan(offset), 1e-5f, 1e-5f * k, $"{bits} bits, {threads} threads, offset {offset}");
                    // All paths and thread counts give the same bits (one fused multiply-add chain per output).
                    first ??= actual.AsSpan(offset).ToArray();
                    TestData.AssertEqual<float>(first, actual.AsSpan(offset), $"{bits} bits, {threads} threads vs first");
                }
            });
        }
    }

    [Fact]
    public void Float_PackedWeights_EqualsSpanWeights()
    {
        var rng = new Random(2);
        const int m = 9, n = 45, k = 70;
        float[] input = TestData.Floats(rng, m * k), weights = TestData.Floats(rng, n * k);
        var a = new float[m * n];
        var b = new float[m * n];
        FullyConnected.Float(input, weights, [], a, m, n, k, float.MinValue, float.MaxValue, 1);
        FullyConnected.Float(input, PackedWeights.PackFloat(weights, n, k), [], b, m, float.MinValue, float.MaxValue, 2);
        TestData.AssertEqual<float>(a, b, "packed");
    }

    [Fact]
    public void Float_NoBias_ClampsToActivationRange()
    {
        var output = new float[2];
        FullyConnected.Float([1f, 2f], [3f, 4f, -5f, -6f], [], output, 1, 2, 2, 0f, 6f, 1);
        Assert.Equal([6f, 0f], output);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Int8PerChannel_RandomData_BitExactOnEveryPath(int m, int n, int k)
    {
        var rng = new Random(m * 7919 + n * 31 + k);
        foreach (int offset in TestData.Offsets)
        {
            sbyte[] input = TestData.SBytes(rng, m * k, offset), weights = TestData.SBytes(rng, n * k, offset, -127, 127);
            int[] bias = TestData.Ints(rng, n, -20000, 20000);
            (int[] mult, int[] shift) = TestData.Requantization(rng, n, -14, -6);
            foreach (bool perTensor in new[] { false, true })
            {
                if (perTensor && n == 0) continue;
                int[] mu = perTensor ? [mult[0]] : mult, sh = perTensor ? [shift[0]] : shift;
                var expected = new sbyte[m * n];
                Ref.FullyConnected.Int8PerChannel(input.AsSpan(offset), -7, weights.AsSpan(offset), bias, mu, sh, 5, expected, m, n, k, -100, 120);
                SimdPaths.ForEach(bits =>
                {
                    foreach (int threads in new[] { 1, 2 })
                    {
                        var actual = new sbyte[m * n];
                        FullyConnected.Int8PerChannel(input.AsSpan(offset), -7, weights.AsSpan(offset), bias, mu, sh, 5, actual, m, n, k, -100, 120, threads);
                        TestData.AssertEqual<sbyte>(expected, actual, $"{bits} bits, {threads} threads, offset {offset}, per-tensor {perTensor}");
                    }
                });
            }
        }
    }

    [Fact]
    public void Int8PerChannel_ExtremeValuesAndPackedWeights_BitExact()
    {
        const int m = 8, n = 40, k = 300;
        var input = Enumerable.Repeat((sbyte)-128, m * k).ToArray();
        var weights = Enumerable.Range(0, n * k).Select(i => (sbyte)(i % 2 == 0 ? -128 : 127)).ToArray();
        (int[] mult, int[] shift) = TestData.Requantization(new Random(1), n, -20, 2);
        var expected = new sbyte[m * n];
        Ref.FullyConnected.Int8PerChannel(input, 127, weights, [], mult, shift, 0, expected, m, n, k, -128, 127);
        SimdPaths.ForEach(bits =>
        {
            var actual = new sbyte[m * n];
            FullyConnected.Int8PerChannel(input, 127, PackedWeights.PackInt8(weights, n, k), [], mult, shift, 0, actual, m, -128, 127, 2);
            TestData.AssertEqual<sbyte>(expected, actual, $"{bits} bits");
        });
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void UInt8_RandomData_BitExactOnEveryPath(int m, int n, int k)
    {
        var rng = new Random(m + n * 3 + k * 5);
        foreach (int offset in TestData.Offsets)
        {
            byte[] input = TestData.Bytes(rng, m * k, offset), weights = TestData.Bytes(rng, n * k, offset);
            int[] bias = TestData.Ints(rng, n, -30000, 30000);
            var expected = new byte[m * n];
            Ref.FullyConnected.UInt8(input.AsSpan(offset), 131, weights.AsSpan(offset), 120, bias, 1518500250, -13, 100, expected, m, n, k, 3, 250);
            SimdPaths.ForEach(bits =>
            {
                var actual = new byte[m * n];
                FullyConnected.UInt8(input.AsSpan(offset), 131, weights.AsSpan(offset), 120, bias, 1518500250, -13, 100, actual, m, n, k, 3, 250, 2);
                TestData.AssertEqual<byte>(expected, actual, $"{bits} bits, offset {offset}");
            });
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    [InlineData(5, 9, 700)] // more than one int32 depth block (256 values) of extreme products
    public void Int16x8_RandomData_BitExactOnEveryPath(int m, int n, int k)
    {
        var rng = new Random(m * 3 + n * 11 + k * 17);
        short[] input = TestData.Shorts(rng, m * k);
        if (k >= 700) Array.Fill(input, short.MinValue);
        sbyte[] weights = TestData.SBytes(rng, n * k);
        if (k >= 700) Array.Fill(weights, sbyte.MinValue);
        long[] bias = Enumerable.Range(0, n).Select(_ => rng.NextInt64(-(1L << 33), 1L << 33)).ToArray();
        (int[] mult, int[] shift) = TestData.Requantization(rng, n, -24, -16);
        var expected = new short[m * n];
        Ref.FullyConnected.Int16x8(input, weights, bias, mult, shift, expected, m, n, k, -32000, 32767);
        SimdPaths.ForEach(bits =>
        {
            var actual = new short[m * n];
            FullyConnected.Int16x8(input, weights, bias, mult, shift, actual, m, n, k, -32000, 32767, 2);
            TestData.AssertEqual<short>(expected, actual, $"{bits} bits");
        });
    }

    [Theory]
    [InlineData(1, 7, 33, false, false)]
    [InlineData(4, 40, 100, true, false)]
    [InlineData(7, 33, 257, false, true)]
    [InlineData(6, 64, 64, true, true)]
    [InlineData(3, 5, 1, true, true)]
    public void Hybrid_RandomData_EqualsReferenceBitForBit(int m, int n, int k, bool asymmetric, bool perChannel)
    {
        var rng = new Random(m * 17 + n + k);
        float[] input = TestData.Floats(rng, m * k, 0, 3f);
        for (int i = 0; i < k && m > 1; i++) input[k + i] = Math.Abs(input[k + i]) + 0.5f; // a row with no negative values
        sbyte[] weights = TestData.SBytes(rng, n * k, 0, -127, 127);
        float[] scales = perChannel ? TestData.Floats(rng, n).Select(x => Math.Abs(x) * 0.01f + 1e-4f).ToArray() : [0.02f];
        float[] bias = TestData.Floats(rng, n);
        var expected = new float[m * n];
        var q = new sbyte[m * k];
        var rowScales = new float[m];
        var offsets = new int[m];
        Ref.FullyConnected.Hybrid(input, weights, scales, bias, expected, m, n, k, asymmetric, -50f, 50f, q, rowScales, offsets);
        SimdPaths.ForEach(bits =>
        {
            var actual = new float[m * n];
            var q2 = new sbyte[m * k];
            var s2 = new float[m];
            var o2 = new int[m];
            FullyConnected.Hybrid(input, weights, scales, bias, actual, m, n, k, asymmetric, -50f, 50f, q2, s2, o2, 2);
            TestData.AssertEqual<float>(expected, actual, $"{bits} bits");
            TestData.AssertEqual<sbyte>(q, q2, "quantized input");
            TestData.AssertEqual<float>(rowScales, s2, "row scales");
            var packed = new float[m * n];
            FullyConnected.Hybrid(input, PackedWeights.PackInt8(weights, n, k), scales, bias, packed, m, asymmetric, -50f, 50f, q2, s2, o2, 1);
            TestData.AssertEqual<float>(expected, packed, $"{bits} bits, packed");
        });
    }

    [Fact]
    public void PackedWeights_WrongKind_Throws()
    {
        PackedWeights packed = PackedWeights.PackFloat(new float[6], 2, 3);
        Assert.Throws<ArgumentException>(() =>
            FullyConnected.Int8PerChannel(new sbyte[3], 0, packed, [], [1 << 30], [0], 0, new sbyte[2], 1, -128, 127, 1));
    }
}
