using ModelOptimization.Kernels.Gemm;
using Ref = ModelOptimization.Kernels.Reference;

namespace ModelOptimization.Kernels.Tests;

/// <summary>
/// Few output channels pick a narrower float GEMM panel (8 channels: 8 columns instead of 32 on the 512-bit path);
/// prepacked and unpacked products stay equal bit for bit on every SIMD width and close to the reference.
/// </summary>
[Collection(SimdPathCollection.Name)]
public class FloatGemmPanelWidthTests
{
    [Theory]
    [InlineData(512, 8, 8)]
    [InlineData(512, 16, 16)]
    [InlineData(512, 17, 32)]
    [InlineData(512, 3, 8)]
    [InlineData(256, 8, 8)]
    [InlineData(256, 9, 16)]
    [InlineData(128, 64, 8)]
    public void PanelWidthFor_FewColumns_HalvesWhileHalfEmpty(int bits, int n, int expected) =>
        Assert.Equal(expected, FloatGemm.PanelWidthFor(bits, n));

    [Theory]
    [InlineData(13, 8, 27)]
    [InlineData(7, 3, 5)]
    [InlineData(20, 16, 8)]
    [InlineData(9, 12, 31)]
    public void Float_FewOutputChannels_SameBitsPackedAndUnpackedOnEveryPath(int m, int n, int k)
    {
        var rng = new Random(m * 100 + n);
        float[] input = TestData.Floats(rng, m * k), weights = TestData.Floats(rng, n * k), bias = TestData.Floats(rng, n);
        var expected = new float[m * n];
        Ref.FullyConnected.Float(input, weights, bias, expected, m, n, k, -2f, 2f);
        float[]? first = null;
        SimdPaths.ForEach(bits =>
        {
            var packed = PackedWeights.PackFloat(weights, n, k);
            foreach (int threads in new[] { 1, 2 })
            {
                var a = new float[m * n];
                var b = new float[m * n];
                FullyConnected.Float(input, weights, bias, a, m, n, k, -2f, 2f, threads);
                FullyConnected.Float(input, packed, bias, b, m, -2f, 2f, threads);
                TestData.AssertClose(expected, a, 1e-5f, 1e-5f * k, $"{bits} bits, {threads} threads");
                TestData.AssertEqual<float>(a, b, $"{bits} bits, {threads} threads, packed");
                first ??= a;
                TestData.AssertEqual<float>(first, a, $"{bits} bits, {threads} threads vs first");
            }
        });
    }
}
