using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Reference;
using ModelOptimization.Runtime.Tests.Helpers;
using static ModelOptimization.Runtime.Tests.Helpers.QuantizedConvModels;

namespace ModelOptimization.Runtime.Tests.Operators;

/// <summary>
/// The optimized 8-bit depthwise and im2col convolution paths (LiteRT arithmetic) equal the reference kernels bit for
/// bit: odd and multiple-of-8 channel counts, SAME padding edges, strides 1 and 2, dilation, 1 and 2 threads.
/// </summary>
public sealed class QuantizedConvolutionFastPathTests
{
    [Theory]
    [InlineData(TensorType.UInt8, 8, 3, 1, 1, true)]
    [InlineData(TensorType.UInt8, 8, 3, 2, 1, true)]
    [InlineData(TensorType.UInt8, 13, 3, 1, 2, true)]
    [InlineData(TensorType.UInt8, 3, 5, 2, 1, false)]
    [InlineData(TensorType.Int8, 16, 3, 2, 1, true)]
    [InlineData(TensorType.Int8, 21, 3, 1, 1, false)]
    [InlineData(TensorType.Int8, 7, 3, 1, 2, true)]
    [InlineData(TensorType.Int8, 24, 5, 2, 2, true)]
    public void DepthwiseConv2D_8Bit_FastPathEqualsReferenceKernel(TensorType type, int channels, int k, int stride, int dilation, bool same)
    {
        const int h = 11, w = 9;
        var (model, x) = Depthwise(type, channels, k, stride, dilation, same, h, w, 0.001f);

        var reference = RandomInputs.AsDoubles(ModelBuilder.RunSingle(model, new InterpreterOptions { ThreadCount = 1, UseReferenceKernels = true }, x).Data);
        foreach (int threads in new[] { 1, 2 })
        {
            var fast = RandomInputs.AsDoubles(ModelBuilder.RunSingle(model, new InterpreterOptions { ThreadCount = threads }, x).Data);
            Assert.Equal(reference, fast);
        }

        Assert.Contains(reference, v => v != reference[0]);
    }

    [Theory]
    [InlineData(TensorType.UInt8, 3, 2, 1, true, 8)]
    [InlineData(TensorType.UInt8, 3, 1, 1, false, 8)]
    [InlineData(TensorType.UInt8, 4, 1, 2, true, 19)]
    [InlineData(TensorType.Int8, 3, 2, 1, true, 8)]
    [InlineData(TensorType.Int8, 5, 1, 1, true, 16)]
    [InlineData(TensorType.Int8, 3, 2, 2, false, 11)]
    public void Conv2D_8Bit_SpatialWindows_EqualReferenceKernel(TensorType type, int inputDepth, int stride, int dilation, bool same, int oc)
    {
        // Like the first layer of image models: few input channels, 3×3 window, one or more 8-channel GEMM blocks; the
        // quantized GEMM reads the windows straight from the input (enough pixels) or through im2col (few pixels).
        const int h = 13, w = 10, k = 3;
        bool u8 = type == TensorType.UInt8;
        int oh = OutputSize(h, k, stride, dilation, same), ow = OutputSize(w, k, stride, dilation, same);
        var mb = new ModelBuilder();
        int input = mb.Input(type, [2, h, w, inputDepth], ModelBuilder.Q(0.02f, u8 ? 128 : 0));
        var f = RandomInts(oc * k * k * inputDepth, 3, u8 ? 0 : -127, u8 ? 256 : 128);
        var scales = Enumerable.Range(0, oc).Select(i => 0.003f + 0.0007f * i).ToArray();
        int filter = u8
            ? mb.Const(TensorType.UInt8, [oc, k, k, inputDepth], f.Select(v => (byte)v).ToArray(), ModelBuilder.Q(0.01f, 130))
            : mb.Const(TensorType.Int8, [oc, k, k, inputDepth], f.Select(v => (sbyte)v).ToArray(), QuantizationParameters.PerChannel(scales, new long[oc], 0));
        int bias = mb.Const(TensorType.Int32, [oc], Enumerable.Range(0, oc).Select(i => (i - 3) * 211).ToArray());
        int output = mb.Tensor(type, [2, oh, ow, oc], ModelBuilder.Q(0.05f, u8 ? 110 : -2));
        mb.Op(BuiltinOperator.CONV_2D, [input, filter, bias], [output], o =>
        {
            o["stride_h"] = stride;
            o["stride_w"] = stride;
            o["dilation_h_factor"] = dilation;
            o["dilation_w_factor"] = dilation;
            o["padding"] = (sbyte)(same ? Padding.SAME : Padding.VALID);
        }, version: 3);
        var model = mb.Build(output);
        var raw = RandomInts(2 * h * w * inputDepth, 17, 0, 256);
        Array x = u8 ? raw.Select(v => (byte)v).ToArray() : raw.Select(v => (sbyte)(v - 128)).ToArray();

        var reference = RandomInputs.AsDoubles(ModelBuilder.RunSingle(model, new InterpreterOptions { ThreadCount = 1, UseReferenceKernels = true }, x).Data);
        foreach (int threads in new[] { 1, 2, 8 })
        {
            var fast = RandomInputs.AsDoubles(ModelBuilder.RunSingle(model, new InterpreterOptions { ThreadCount = threads }, x).Data);
            Assert.Equal(reference, fast);
        }
    }

    [Theory]
    [InlineData(1, 1, true)]
    [InlineData(2, 1, true)]
    [InlineData(1, 2, true)]
    [InlineData(2, 2, false)]
    public void Im2ColFill_AnyPixelRange_MatchesDirectWindowCopy(int stride, int dilation, bool same)
    {
        const int batches = 2, h = 7, w = 6, c = 3, k = 3;
        int oh = OutputSize(h, k, stride, dilation, same), ow = OutputSize(w, k, stride, dilation, same);
        int eff = (k - 1) * dilation + 1;
        int padT = same ? Math.Max(0, ((oh - 1) * stride + eff - h) / 2) : 0, padL = same ? Math.Max(0, ((ow - 1) * stride + eff - w) / 2) : 0;
        var g = new ConvGeometry
        {
            Batches = batches, InputHeight = h, InputWidth = w, InputDepth = c, OutputHeight = oh, OutputWidth = ow, OutputDepth = 4,
            FilterHeight = k, FilterWidth = k, StrideHeight = stride, StrideWidth = stride, DilationHeight = dilation, DilationWidth = dilation,
            PadTop = padT, PadLeft = padL,
        };
        var x = RandomInts(batches * h * w * c, 2, 0, 256).Select(v => (byte)v).ToArray();
        int depth = k * k * c, pixels = batches * oh * ow;
        var expected = new byte[pixels * depth];
        for (int p = 0; p < pixels; p++)
        {
            int b = p / (oh * ow), oy = p / ow % oh, ox = p % ow;
            for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
            for (int i = 0; i < c; i++)
            {
                int iy = oy * stride - padT + ky * dilation, ix = ox * stride - padL + kx * dilation;
                bool inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                expected[p * depth + (ky * k + kx) * c + i] = inside ? x[((b * h + iy) * w + ix) * c + i] : (byte)77;
            }
        }

        // Arbitrary splits (mid-row, across the batch boundary) give the same rows as one fill.
        foreach (int split in new[] { 1, ow + 1, oh * ow - 1, pixels - 2 })
        {
            var columns = new byte[pixels * depth];
            Im2Col.Fill<byte>(g, x, columns.AsSpan(0, split * depth), 77, 0, split);
            Im2Col.Fill<byte>(g, x, columns.AsSpan(split * depth), 77, split, pixels - split);
            Assert.Equal(expected, columns);
        }
    }
}
