using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Tests.Helpers;

namespace ModelOptimization.Runtime.Tests.Operators;

/// <summary>CONV_2D, DEPTHWISE_CONV_2D and TRANSPOSE_CONV on small hand-built models.</summary>
public sealed class ConvolutionTests
{
    private static float[] RandomFloats(int n, int seed) { var r = new Random(seed); return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray(); }

    private static sbyte[] RandomSBytes(int n, int seed, int min = -127, int max = 128) { var r = new Random(seed); return Enumerable.Range(0, n).Select(_ => (sbyte)r.Next(min, max)).ToArray(); }

    /// <summary>A direct NHWC/OHWI convolution written independently of the runtime.</summary>
    private static float[] NaiveConv(float[] x, int h, int w, int c, float[] f, int oc, int kh, int kw, float[] b, int sh, int sw, int dh, int dw, bool same, out int oh, out int ow)
    {
        int effH = (kh - 1) * dh + 1, effW = (kw - 1) * dw + 1;
        oh = same ? (h + sh - 1) / sh : (h - effH + sh) / sh;
        ow = same ? (w + sw - 1) / sw : (w - effW + sw) / sw;
        int padT = same ? Math.Max(0, ((oh - 1) * sh + effH - h) / 2) : 0;
        int padL = same ? Math.Max(0, ((ow - 1) * sw + effW - w) / 2) : 0;
        var y = new float[oh * ow * oc];
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        for (int o = 0; o < oc; o++)
        {
            double acc = b[o];
            for (int ky = 0; ky < kh; ky++)
            for (int kx = 0; kx < kw; kx++)
            {
                int iy = oy * sh - padT + ky * dh, ix = ox * sw - padL + kx * dw;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                for (int i = 0; i < c; i++) acc += x[(iy * w + ix) * c + i] * f[((o * kh + ky) * kw + kx) * c + i];
            }

            y[(oy * ow + ox) * oc + o] = (float)acc;
        }

        return y;
    }

    [Theory]
    [InlineData(1, 1, 1, true)]
    [InlineData(2, 2, 1, true)]
    [InlineData(1, 1, 2, true)]
    [InlineData(2, 1, 1, false)]
    public void Conv2D_Float_MatchesDirectConvolution(int stride, int strideW, int dilation, bool same)
    {
        int h = 7, w = 6, c = 3, oc = 5, k = 3;
        var x = RandomFloats(h * w * c, 1);
        var f = RandomFloats(oc * k * k * c, 2);
        var b = RandomFloats(oc, 3);
        var expected = NaiveConv(x, h, w, c, f, oc, k, k, b, stride, strideW, dilation, dilation, same, out int oh, out int ow);
        foreach (bool reference in new[] { false, true })
        {
            var mb = new ModelBuilder();
            int input = mb.Input(TensorType.Float32, [1, h, w, c]);
            int filter = mb.Const(TensorType.Float32, [oc, k, k, c], f);
            int bias = mb.Const(TensorType.Float32, [oc], b);
            int output = mb.Tensor(TensorType.Float32, [1, oh, ow, oc]);
            mb.Op(BuiltinOperator.CONV_2D, [input, filter, bias], [output], o =>
            {
                o["padding"] = (sbyte)(same ? Padding.SAME : Padding.VALID);
                o["stride_h"] = stride;
                o["stride_w"] = strideW;
                o["dilation_h_factor"] = dilation;
                o["dilation_w_factor"] = dilation;
            });
            var result = ModelBuilder.RunSingle(mb.Build(output), new InterpreterOptions { UseReferenceKernels = reference }, x);
            Assert.Equal(new[] { 1, oh, ow, oc }, result.Shape);
            var actual = (float[])result.Data;
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 4);
        }
    }

    [Fact]
    public void Conv2D_FusedRelu6_ClampsOutput()
    {
        var mb = new ModelBuilder();
        int input = mb.Input(TensorType.Float32, [1, 1, 1, 1]);
        int filter = mb.Const(TensorType.Float32, [1, 1, 1, 1], new[] { 10f });
        int bias = mb.Const(TensorType.Float32, [1], new[] { 0f });
        int output = mb.Tensor(TensorType.Float32, [1, 1, 1, 1]);
        mb.Op(BuiltinOperator.CONV_2D, [input, filter, bias], [output], o => { o["stride_h"] = 1; o["stride_w"] = 1; o["fused_activation_function"] = (sbyte)ActivationFunctionType.RELU6; });
        var model = mb.Build(output);
        Assert.Equal(6f, ((float[])ModelBuilder.RunSingle(model, null, new[] { 1f }).Data)[0]);
        Assert.Equal(0f, ((float[])ModelBuilder.RunSingle(model, null, new[] { -1f }).Data)[0]);
    }

    private static Model Int8Conv(bool perChannel, int groupsDepth = 4)
    {
        int h = 6, w = 5, c = 4, oc = 6, k = 3;
        var mb = new ModelBuilder();
        int input = mb.Input(TensorType.Int8, [1, h, w, c], ModelBuilder.Q(0.05f, 3));
        var scales = Enumerable.Range(0, oc).Select(i => perChannel ? 0.01f + 0.003f * i : 0.02f).ToArray();
        var fq = perChannel ? QuantizationParameters.PerChannel(scales, new long[oc], 0) : ModelBuilder.Q(0.02f, 0);
        int filter = mb.Const(TensorType.Int8, [oc, k, k, groupsDepth], RandomSBytes(oc * k * k * groupsDepth, 5), fq);
        var bq = QuantizationParameters.PerChannel(scales.Select(s => s * 0.05f).ToArray(), new long[oc], 0);
        int bias = mb.Const(TensorType.Int32, [oc], Enumerable.Range(0, oc).Select(i => (i - 3) * 150).ToArray(), bq);
        int output = mb.Tensor(TensorType.Int8, [1, h, w, oc], ModelBuilder.Q(0.07f, -4));
        mb.Op(BuiltinOperator.CONV_2D, [input, filter, bias], [output], o => { o["stride_h"] = 1; o["stride_w"] = 1; o["padding"] = (sbyte)Padding.SAME; }, version: 3);
        return mb.Build(output);
    }

    [Theory]
    [InlineData(true, QuantizedArithmetic.TfLiteBuiltin)]
    [InlineData(true, QuantizedArithmetic.LiteRt)]
    [InlineData(false, QuantizedArithmetic.TfLiteBuiltin)]
    [InlineData(false, QuantizedArithmetic.LiteRt)]
    public void Conv2D_Int8_FastPathEqualsReferenceKernel(bool perChannel, QuantizedArithmetic arithmetic)
    {
        var model = Int8Conv(perChannel);
        var x = RandomSBytes(6 * 5 * 4, 9, -128, 128);
        var fast = (sbyte[])ModelBuilder.RunSingle(model, new InterpreterOptions { QuantizedArithmetic = arithmetic }, x).Data;
        var reference = (sbyte[])ModelBuilder.RunSingle(model, new InterpreterOptions { QuantizedArithmetic = arithmetic, UseReferenceKernels = true }, x).Data;
        Assert.Equal(reference, fast);
    }

    [Theory]
    [InlineData(TensorType.Int8, 1)]
    [InlineData(TensorType.Int8, 2)]
    [InlineData(TensorType.UInt8, 1)]
    [InlineData(TensorType.UInt8, 2)]
    public void Conv2D_8Bit_GemmBlockEdges_EqualReferenceKernel(TensorType type, int threads)
    {
        // 20 output channels (two full 8-channel blocks and a partial one), odd depth 5·1·1 and 3·3·5, 7x3 = 21 rows.
        foreach (int k in new[] { 1, 3 })
        {
            var mb = new ModelBuilder();
            bool u8 = type == TensorType.UInt8;
            int input = mb.Input(type, [1, 7, 3, 5], ModelBuilder.Q(0.05f, u8 ? 130 : 3));
            int oc = 20;
            var scales = Enumerable.Range(0, oc).Select(i => 0.01f + 0.002f * i).ToArray();
            int filter = u8
                ? mb.Const(TensorType.UInt8, [oc, k, k, 5], RandomSBytes(oc * k * k * 5, 4).Select(v => (byte)(v + 128)).ToArray(), ModelBuilder.Q(0.02f, 120))
                : mb.Const(TensorType.Int8, [oc, k, k, 5], RandomSBytes(oc * k * k * 5, 4), QuantizationParameters.PerChannel(scales, new long[oc], 0));
            int bias = mb.Const(TensorType.Int32, [oc], Enumerable.Range(0, oc).Select(i => (i - 7) * 90).ToArray());
            int output = mb.Tensor(type, [1, 7, 3, oc], ModelBuilder.Q(0.09f, u8 ? 125 : -4));
            mb.Op(BuiltinOperator.CONV_2D, [input, filter, bias], [output], o => { o["stride_h"] = 1; o["stride_w"] = 1; o["padding"] = (sbyte)Padding.SAME; }, version: 3);
            var model = mb.Build(output);
            var raw = RandomSBytes(7 * 3 * 5, 12, -128, 128);
            Array x = u8 ? raw.Select(v => (byte)(v + 128)).ToArray() : raw;
            var fast = RandomInputs.AsDoubles(ModelBuilder.RunSingle(model, new InterpreterOptions { ThreadCount = threads }, x).Data);
            var reference = RandomInputs.AsDoubles(ModelBuilder.RunSingle(model, new InterpreterOptions { ThreadCount = 1, UseReferenceKernels = true }, x).Data);
            Assert.Equal(reference, fast);
        }
    }

    [Fact]
    public void Conv2D_Int8_ApproximatesFloatConvolution()
    {
        var model = Int8Conv(perChannel: true);
        var x = RandomSBytes(6 * 5 * 4, 9, -128, 128);
        var q = (sbyte[])ModelBuilder.RunSingle(model, null, x).Data;
        var sg = model.Subgraphs[0];
        var xf = x.Select(v => 0.05f * (v - 3)).ToArray();
        var filterT = sg.Tensors[1];
        var fRaw = model.DataOf(filterT).ToArray().Select(b => (sbyte)b).ToArray();
        var scales = filterT.Quantization!.Scale!;
        var ff = fRaw.Select((v, i) => v * scales[i / (3 * 3 * 4)]).ToArray();
        var biasRaw = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(model.DataOf(sg.Tensors[2]).Span).ToArray();
        var bf = biasRaw.Select((v, i) => v * scales[i] * 0.05f).ToArray();
        var expected = NaiveConv(xf, 6, 5, 4, ff, 6, 3, 3, bf, 1, 1, 1, 1, true, out _, out _);
        for (int i = 0; i < expected.Length; i++)
        {
            float deq = 0.07f * (q[i] + 4);
            float clamped = Math.Clamp(expected[i], 0.07f * (-128 + 4), 0.07f * (127 + 4));
            Assert.True(Math.Abs(deq - clamped) <= 0.07f, $"element {i}: {deq} vs {clamped}");
        }
    }

    [Fact]
    public void Conv2D_Grouped_UsesFilterDepthGroups()
    {
        // Input depth 4, filter depth 2 -> 2 groups; output channel o reads input channels of group o / 3.
        var mb = new ModelBuilder();
        int input = mb.Input(TensorType.Float32, [1, 1, 1, 4]);
        int filter = mb.Const(TensorType.Float32, [6, 1, 1, 2], Enumerable.Range(0, 12).Select(i => (float)(i % 2 == 0 ? 1 : 10)).ToArray());
        int bias = mb.Const(TensorType.Float32, [6], new float[6]);
        int output = mb.Tensor(TensorType.Float32, [1, 1, 1, 6]);
        mb.Op(BuiltinOperator.CONV_2D, [input, filter, bias], [output], o => { o["stride_h"] = 1; o["stride_w"] = 1; });
        var y = (float[])ModelBuilder.RunSingle(mb.Build(output), null, new[] { 1f, 2f, 3f, 4f }).Data;
        Assert.Equal(new[] { 21f, 21f, 21f, 43f, 43f, 43f }, y);
    }

    [Fact]
    public void DepthwiseConv2D_FloatMultiplier2_MatchesDirectComputation()
    {
        int h = 5, w = 5, c = 2, m = 2, k = 3;
        var x = RandomFloats(h * w * c, 11);
        var f = RandomFloats(k * k * c * m, 12);
        var b = RandomFloats(c * m, 13);
        var mb = new ModelBuilder();
        int input = mb.Input(TensorType.Float32, [1, h, w, c]);
        int filter = mb.Const(TensorType.Float32, [1, k, k, c * m], f);
        int bias = mb.Const(TensorType.Float32, [c * m], b);
        int output = mb.Tensor(TensorType.Float32, [1, h, w, c * m]);
        mb.Op(BuiltinOperator.DEPTHWISE_CONV_2D, [input, filter, bias], [output], o => { o["stride_h"] = 1; o["stride_w"] = 1; o["depth_multiplier"] = m; o["padding"] = (sbyte)Padding.SAME; });
        var y = (float[])ModelBuilder.RunSingle(mb.Build(output), null, x).Data;
        for (int oy = 0; oy < h; oy++)
        for (int ox = 0; ox < w; ox++)
        for (int oc = 0; oc < c * m; oc++)
        {
            double acc = b[oc];
            for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
            {
                int iy = oy - 1 + ky, ix = ox - 1 + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                acc += x[(iy * w + ix) * c + oc / m] * f[(ky * k + kx) * c * m + oc];
            }

            Assert.Equal((float)acc, y[(oy * w + ox) * c * m + oc], 4);
        }
    }

    [Theory]
    [InlineData(QuantizedArithmetic.TfLiteBuiltin)]
    [InlineData(QuantizedArithmetic.LiteRt)]
    public void DepthwiseConv2D_UInt8_ApproximatesFloat(QuantizedArithmetic arithmetic)
    {
        int h = 4, w = 4, c = 3, k = 3;
        var rng = new Random(3);
        var xq = Enumerable.Range(0, h * w * c).Select(_ => (byte)rng.Next(256)).ToArray();
        var fq = Enumerable.Range(0, k * k * c).Select(_ => (byte)rng.Next(256)).ToArray();
        var mb = new ModelBuilder();
        int input = mb.Input(TensorType.UInt8, [1, h, w, c], ModelBuilder.Q(0.02f, 128));
        int filter = mb.Const(TensorType.UInt8, [1, k, k, c], fq, ModelBuilder.Q(0.01f, 120));
        int bias = mb.Const(TensorType.Int32, [c], new[] { 100, -200, 300 }, ModelBuilder.Q(0.0002f, 0));
        int output = mb.Tensor(TensorType.UInt8, [1, h, w, c], ModelBuilder.Q(0.03f, 100));
        mb.Op(BuiltinOperator.DEPTHWISE_CONV_2D, [input, filter, bias], [output], o => { o["stride_h"] = 1; o["stride_w"] = 1; o["depth_multiplier"] = 1; o["padding"] = (sbyte)Padding.SAME; });
        var y = (byte[])ModelBuilder.RunSingle(mb.Build(output), new InterpreterOptions { QuantizedArithmetic = arithmetic }, xq).Data;
        int[] biasValues = [100, -200, 300];
        for (int oy = 0; oy < h; oy++)
        for (int ox = 0; ox < w; ox++)
        for (int ch = 0; ch < c; ch++)
        {
            double acc = biasValues[ch] * 0.0002;
            for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
            {
                int iy = oy - 1 + ky, ix = ox - 1 + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                acc += 0.02 * (xq[(iy * w + ix) * c + ch] - 128) * 0.01 * (fq[(ky * k + kx) * c + ch] - 120);
            }

            double expected = Math.Clamp(Math.Round(acc / 0.03) + 100, 0, 255);
            Assert.InRange(y[(oy * w + ox) * c + ch], expected - 1, expected + 1);
        }
    }

    [Fact]
    public void TransposeConv_Float_ScattersInputThroughFilter()
    {
        // 2x2 input, 3x3 filter of ones, stride 2, VALID -> 5x5 output where overlaps add up.
        var mb = new ModelBuilder();
        int shape = mb.Const(TensorType.Int32, [4], new[] { 1, 5, 5, 1 });
        int filter = mb.Const(TensorType.Float32, [1, 3, 3, 1], Enumerable.Repeat(1f, 9).ToArray());
        int input = mb.Input(TensorType.Float32, [1, 2, 2, 1]);
        int output = mb.Tensor(TensorType.Float32, [1, 5, 5, 1]);
        mb.Op(BuiltinOperator.TRANSPOSE_CONV, [shape, filter, input], [output], o => { o["padding"] = (sbyte)Padding.VALID; o["stride_h"] = 2; o["stride_w"] = 2; });
        var y = (float[])ModelBuilder.RunSingle(mb.Build(output), null, new[] { 1f, 2f, 3f, 4f }).Data;
        Assert.Equal(new float[] { 1, 1, 3, 2, 2, 1, 1, 3, 2, 2, 4, 4, 10, 6, 6, 3, 3, 7, 4, 4, 3, 3, 7, 4, 4 }, y);
    }
}
