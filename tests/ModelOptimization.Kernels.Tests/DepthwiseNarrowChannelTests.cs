using Ref = ModelOptimization.Kernels.Reference;

namespace ModelOptimization.Kernels.Tests;

/// <summary>
/// Float depthwise convolution with fewer channels than the widest vector holds (8 channels on a 512-bit path, as in
/// mobilenet's first depthwise layer): the kernel narrows the vector so channels still go through vectors, and every
/// width and thread count gives the same bits, close to the reference.
/// </summary>
[Collection(SimdPathCollection.Name)]
public class DepthwiseNarrowChannelTests
{
    [Theory]
    [InlineData(8, 1, 1, true)]
    [InlineData(8, 2, 1, true)]
    [InlineData(12, 1, 2, true)]
    [InlineData(4, 2, 1, false)]
    [InlineData(9, 1, 1, false)]
    public void DepthwiseConv2DFloat_FewChannels_SameBitsOnEveryPath(int channels, int stride, int dilation, bool same)
    {
        Conv2DGeometry g = Conv2DGeometry.Create(2, 9, 8, channels, 3, 3, channels, stride, stride, dilation, dilation, same);
        var rng = new Random(channels * 31 + stride);
        float[] input = TestData.Floats(rng, (int)g.InputLength), filter = TestData.Floats(rng, 9 * channels), bias = TestData.Floats(rng, channels);
        var expected = new float[g.OutputLength];
        Ref.Convolution.DepthwiseConv2DFloat(input, filter, bias, expected, g, 1, -6f, 6f);
        float[]? first = null;
        SimdPaths.ForEach(bits =>
        {
            foreach (int threads in new[] { 1, 2 })
            {
                var actual = new float[g.OutputLength];
                Convolution.DepthwiseConv2DFloat(input, filter, bias, actual, g, 1, -6f, 6f, threads);
                TestData.AssertClose(expected, actual, 1e-5f, 1e-5f * 9, $"{bits} bits, {threads} threads");
                first ??= actual;
                TestData.AssertEqual<float>(first, actual, $"{bits} bits, {threads} threads vs first");
            }
        });
    }
}
