using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Optimized;
using ModelOptimization.Runtime.Tests.Helpers;
using static ModelOptimization.Runtime.Tests.Helpers.QuantizedConvModels;

namespace ModelOptimization.Runtime.Tests.Operators;

/// <summary>
/// The 8-bit CONV_2D over few input channels (and 1×1, through the quantized GEMM) (<see cref="QuantizedShallowConvolution"/>: zero-bordered int16 copy of
/// the input) and the 512-bit depthwise interiors (16-channel blocks, 8-channel pixel pairs) equal the reference
/// kernels bit for bit: odd channel counts, SAME/VALID edges, strides 1 and 2, dilation, both requantizations, 1, 2
/// and 8 threads, and with the narrower paths forced (scalar instead of AVX2, 256 instead of 512 bits).
/// </summary>
public sealed class ShallowConvolutionAndWideDepthwiseTests
{
    private static double[] Run(Model model, Array x, InterpreterOptions options) => RandomInputs.AsDoubles(ModelBuilder.RunSingle(model, options, x).Data);

    [Theory]
    [InlineData(TensorType.UInt8, 3, 3, 3, 2, 1, 1, true, 8, false)]
    [InlineData(TensorType.UInt8, 3, 3, 3, 2, 1, 1, true, 8, true)]
    [InlineData(TensorType.UInt8, 1, 5, 5, 1, 2, 1, true, 19, false)]
    [InlineData(TensorType.UInt8, 5, 3, 2, 1, 1, 1, false, 16, true)]
    [InlineData(TensorType.Int8, 3, 3, 3, 2, 1, 1, true, 24, false)]
    [InlineData(TensorType.Int8, 3, 3, 3, 2, 1, 1, false, 7, true)]
    [InlineData(TensorType.Int8, 4, 2, 3, 1, 3, 1, true, 9, false)]
    [InlineData(TensorType.Int8, 7, 3, 3, 2, 2, 1, false, 33, true)]
    [InlineData(TensorType.UInt8, 8, 1, 1, 1, 1, 1, true, 16, false)]
    [InlineData(TensorType.Int8, 3, 3, 3, 1, 1, 1, true, 8, false)]
    [InlineData(TensorType.UInt8, 2, 3, 3, 1, 2, 1, false, 8, false)]
    [InlineData(TensorType.Int8, 13, 1, 1, 1, 1, 1, false, 21, false)]
    [InlineData(TensorType.Int8, 5, 1, 1, 2, 1, 1, true, 12, false)]
    public void Conv2D_FewInputChannels_EqualsReferenceKernel(TensorType type, int inputDepth, int kh, int kw, int stride, int dilationH, int dilationW,
        bool same, int oc, bool tfliteBuiltin)
    {
        const int h = 13, w = 11;
        bool u8 = type == TensorType.UInt8;
        int oh = OutputSize(h, kh, stride, dilationH, same), ow = OutputSize(w, kw, stride, dilationW, same);
        var mb = new ModelBuilder();
        int input = mb.Input(type, [2, h, w, inputDepth], ModelBuilder.Q(0.02f, u8 ? 141 : -7));
        var f = RandomInts(oc * kh * kw * inputDepth, 3, u8 ? 0 : -127, u8 ? 256 : 128);
        var scales = Enumerable.Range(0, oc).Select(i => 0.003f + 0.0007f * i).ToArray();
        int filter = u8
            ? mb.Const(TensorType.UInt8, [oc, kh, kw, inputDepth], f.Select(v => (byte)v).ToArray(), ModelBuilder.Q(0.01f, 127))
            : mb.Const(TensorType.Int8, [oc, kh, kw, inputDepth], f.Select(v => (sbyte)v).ToArray(), QuantizationParameters.PerChannel(scales, new long[oc], 0));
        int bias = mb.Const(TensorType.Int32, [oc], Enumerable.Range(0, oc).Select(i => (i - 3) * 211).ToArray());
        int output = mb.Tensor(type, [2, oh, ow, oc], ModelBuilder.Q(0.05f, u8 ? 110 : -2));
        mb.Op(BuiltinOperator.CONV_2D, [input, filter, bias], [output], o =>
        {
            o["stride_h"] = stride;
            o["stride_w"] = stride;
            o["dilation_h_factor"] = dilationH;
            o["dilation_w_factor"] = dilationW;
            o["padding"] = (sbyte)(same ? Padding.SAME : Padding.VALID);
            o["fused_activation_function"] = (sbyte)ActivationFunctionType.RELU6;
        }, version: 3);
        var model = mb.Build(output);
        var raw = RandomInts(2 * h * w * inputDepth, 17, 0, 256);
        Array x = u8 ? raw.Select(v => (byte)v).ToArray() : raw.Select(v => (sbyte)(v - 128)).ToArray();
        var arithmetic = tfliteBuiltin ? QuantizedArithmetic.TfLiteBuiltin : QuantizedArithmetic.LiteRt;

        var reference = Run(model, x, new InterpreterOptions { ThreadCount = 1, UseReferenceKernels = true, QuantizedArithmetic = arithmetic });
        Assert.Contains(reference, v => v != reference[0]);
        // AVX2 kernels with and without the AVX-512 narrow, then the scalar kernels.
        foreach (var (avx2, avx512) in new[] { (true, true), (true, false), (false, false) })
        {
            QuantizedShallowConvolution.UseAvx2 = avx2;
            QuantizedGemm.UseAvx512 = avx512;
            try
            {
                foreach (int threads in new[] { 1, 2, 8 })
                {
                    Assert.Equal(reference, Run(model, x, new InterpreterOptions { ThreadCount = threads, QuantizedArithmetic = arithmetic }));
                }
            }
            finally
            {
                QuantizedShallowConvolution.UseAvx2 = true;
                QuantizedGemm.UseAvx512 = true;
            }
        }
    }

    [Theory]
    [InlineData(TensorType.UInt8, 8, 1, 1, true, 9)]
    [InlineData(TensorType.UInt8, 8, 1, 1, true, 10)]
    [InlineData(TensorType.UInt8, 8, 1, 2, true, 11)]
    [InlineData(TensorType.UInt8, 8, 1, 1, false, 12)]
    [InlineData(TensorType.UInt8, 32, 1, 1, true, 9)]
    [InlineData(TensorType.UInt8, 16, 2, 1, true, 12)]
    [InlineData(TensorType.Int8, 8, 1, 1, true, 13)]
    [InlineData(TensorType.Int8, 48, 2, 2, false, 11)]
    [InlineData(TensorType.Int8, 16, 1, 1, false, 10)]
    [InlineData(TensorType.UInt8, 32, 1, 1, true, 67, 33)]
    public void DepthwiseConv2D_512BitInterior_EqualsReferenceKernel(TensorType type, int channels, int stride, int dilation, bool same, int w, int h = 9)
    {
        // The last case is large enough (2·33·67·32 values) that the input is widened in pieces on both threads.
        const int k = 3;
        var (model, x) = Depthwise(type, channels, k, stride, dilation, same, h, w, 0.0005f);

        var reference = Run(model, x, new InterpreterOptions { ThreadCount = 1, UseReferenceKernels = true });
        Assert.Contains(reference, v => v != reference[0]);
        foreach (bool avx512 in new[] { true, false })
        {
            DepthwiseConvQuantized.UseAvx512 = avx512;
            try
            {
                foreach (int threads in new[] { 1, 2 })
                {
                    Assert.Equal(reference, Run(model, x, new InterpreterOptions { ThreadCount = threads }));
                }
            }
            finally
            {
                DepthwiseConvQuantized.UseAvx512 = true;
            }
        }
    }
}
