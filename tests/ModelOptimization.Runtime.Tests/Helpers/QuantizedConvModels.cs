using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Runtime.Tests.Helpers;

/// <summary>Seeded one-op 8-bit models the convolution fast-path tests compare against the reference kernels.</summary>
internal static class QuantizedConvModels
{
    public static int[] RandomInts(int n, int seed, int min, int max) { var r = new Random(seed); return Enumerable.Range(0, n).Select(_ => r.Next(min, max)).ToArray(); }

    public static int OutputSize(int size, int k, int stride, int dilation, bool same) =>
        same ? (size + stride - 1) / stride : (size - ((k - 1) * dilation + 1) + stride) / stride;

    /// <summary>
    /// A DEPTHWISE_CONV_2D (k×k, depth multiplier 1, RELU6) over a [2, h, w, channels] uint8 (per-tensor) or int8
    /// (per-channel scales 0.004 + scaleStep·c) input, and a seeded input for it.
    /// </summary>
    public static (Model Model, Array Input) Depthwise(TensorType type, int channels, int k, int stride, int dilation, bool same, int h, int w, float scaleStep)
    {
        bool u8 = type == TensorType.UInt8;
        int oh = OutputSize(h, k, stride, dilation, same), ow = OutputSize(w, k, stride, dilation, same);
        var mb = new ModelBuilder();
        int input = mb.Input(type, [2, h, w, channels], ModelBuilder.Q(0.05f, u8 ? 131 : -3));
        var f = RandomInts(k * k * channels, 5, u8 ? 0 : -127, u8 ? 256 : 128);
        var scales = Enumerable.Range(0, channels).Select(i => 0.004f + scaleStep * i).ToArray();
        int filter = u8
            ? mb.Const(TensorType.UInt8, [1, k, k, channels], f.Select(v => (byte)v).ToArray(), ModelBuilder.Q(0.01f, 119))
            : mb.Const(TensorType.Int8, [1, k, k, channels], f.Select(v => (sbyte)v).ToArray(), QuantizationParameters.PerChannel(scales, new long[channels], 3));
        int bias = mb.Const(TensorType.Int32, [channels], Enumerable.Range(0, channels).Select(i => (i - 5) * 301).ToArray());
        int output = mb.Tensor(type, [2, oh, ow, channels], ModelBuilder.Q(0.07f, u8 ? 120 : 5));
        mb.Op(BuiltinOperator.DEPTHWISE_CONV_2D, [input, filter, bias], [output], o =>
        {
            o["stride_h"] = stride;
            o["stride_w"] = stride;
            o["depth_multiplier"] = 1;
            o["dilation_h_factor"] = dilation;
            o["dilation_w_factor"] = dilation;
            o["padding"] = (sbyte)(same ? Padding.SAME : Padding.VALID);
            o["fused_activation_function"] = (sbyte)ActivationFunctionType.RELU6;
        });
        var raw = RandomInts(2 * h * w * channels, 11, 0, 256);
        Array x = u8 ? raw.Select(v => (byte)v).ToArray() : raw.Select(v => (sbyte)(v - 128)).ToArray();
        return (mb.Build(output), x);
    }
}
