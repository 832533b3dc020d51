using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Tests.Helpers;

namespace ModelOptimization.Runtime.Tests.Operators;

/// <summary>
/// The quantized variants of the extra operators (HARD_SWISH, PRELU, SQUARED_DIFFERENCE, EXP/LOG/SQRT/RSQRT/ABS,
/// int16 LOGISTIC/TANH/SOFTMAX, L2_NORMALIZATION, BATCH_MATMUL, TRANSPOSE_CONV) against float math: each output must
/// be within a few quantization steps of the exact value. Bit-exactness with LiteRT.js is in SyntheticInteropTests.
/// </summary>
public sealed class QuantizedExtrasTests
{
    private static QuantizationParameters Q(float s, long z) => ModelBuilder.Q(s, z);

    private static double[] Dequantize(TensorValue v) => RandomInputs.AsDoubles(v.Data)
        .Select(q => (q - (v.Quantization?.ZeroPoint?[0] ?? 0)) * (v.Quantization?.Scale?[0] ?? 1)).ToArray();

    private static TensorValue Unary(BuiltinOperator op, TensorType type, Array x, QuantizationParameters qi, QuantizationParameters qo, int version = 2,
        Action<OperatorOptions>? options = null)
    {
        var mb = new ModelBuilder();
        int i = mb.Input(type, [x.Length], qi);
        int o = mb.Tensor(type, [x.Length], qo);
        mb.Op(op, [i], [o], options, version);
        return ModelBuilder.RunSingle(mb.Build(o), null, x);
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]:G5}, got {actual[i]:G5} (tolerance {tolerance:G3})");
        }
    }

    [Theory]
    [InlineData(TensorType.Int8)]
    [InlineData(TensorType.UInt8)]
    public void HardSwish_Quantized_WithinOneStep(TensorType type)
    {
        var qi = type == TensorType.Int8 ? Q(0.05f, -3) : Q(0.05f, 120);
        var qo = type == TensorType.Int8 ? Q(0.03f, -40) : Q(0.03f, 60);
        Array x = type == TensorType.Int8 ? Enumerable.Range(-128, 256).Select(v => (sbyte)v).ToArray() : Enumerable.Range(0, 256).Select(v => (byte)v).ToArray();
        var y = Unary(BuiltinOperator.HARD_SWISH, type, x, qi, qo, version: 1);
        var expected = RandomInputs.AsDoubles(x).Select(q => 0.05 * (q - qi.ZeroPoint![0])).Select(v => v * Math.Clamp(v + 3, 0, 6) / 6)
            .Select(v => Math.Clamp(v, 0.03 * ((type == TensorType.Int8 ? -128 : 0) - qo.ZeroPoint![0]), 0.03 * ((type == TensorType.Int8 ? 127 : 255) - qo.ZeroPoint![0]))).ToArray();
        AssertClose(expected, Dequantize(y), 0.03 * 1.01);
    }

    [Fact]
    public void Prelu_Int8_BroadcastAlpha_WithinOneStep()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Int8, [2, 3], Q(0.05f, 2));
        int a = mb.Const(TensorType.Int8, [3], new sbyte[] { 25, -60, 90 }, Q(0.01f, 5));
        int o = mb.Tensor(TensorType.Int8, [2, 3], Q(0.04f, -5));
        mb.Op(BuiltinOperator.PRELU, [i, a], [o]);
        var x = new sbyte[] { -100, -50, 0, 20, 60, 127 };
        var y = Dequantize(ModelBuilder.RunSingle(mb.Build(o), null, x));
        var alpha = new[] { 0.01 * 20, 0.01 * -65, 0.01 * 85 };
        var expected = x.Select((q, k) => 0.05 * (q - 2)).Select((v, k) => Math.Clamp(v >= 0 ? v : v * alpha[k % 3], 0.04 * -123, 0.04 * 132)).ToArray();
        AssertClose(expected, y, 0.04 * 1.01);
    }

    [Fact]
    public void SquaredDifference_Int8_WithinOneStep()
    {
        var mb = new ModelBuilder();
        int a = mb.Input(TensorType.Int8, [4], Q(0.05f, 3));
        int b = mb.Input(TensorType.Int8, [4], Q(0.07f, -2));
        int o = mb.Tensor(TensorType.Int8, [4], Q(0.2f, -100));
        mb.Op(BuiltinOperator.SQUARED_DIFFERENCE, [a, b], [o], version: 2);
        var xa = new sbyte[] { -100, 0, 50, 120 };
        var xb = new sbyte[] { 30, -60, 50, -128 };
        var y = Dequantize(ModelBuilder.RunSingle(mb.Build(o), null, xa, xb));
        var expected = xa.Zip(xb, (p, q) => Math.Pow(0.05 * (p - 3) - 0.07 * (q + 2), 2)).Select(v => Math.Min(v, 0.2 * 227)).ToArray();
        AssertClose(expected, y, 0.2 * 1.01);
    }

    [Theory]
    [InlineData(BuiltinOperator.EXP)]
    [InlineData(BuiltinOperator.LOG)]
    [InlineData(BuiltinOperator.SQRT)]
    [InlineData(BuiltinOperator.RSQRT)]
    [InlineData(BuiltinOperator.ABS)]
    public void UnaryMath_Int8_WithinTwoSteps(BuiltinOperator op)
    {
        var (qi, qo, f) = op switch
        {
            BuiltinOperator.EXP => (Q(0.02f, 0), Q(0.03f, -128), (Func<double, double>)Math.Exp),
            BuiltinOperator.LOG => (Q(0.1f, -128), Q(0.05f, 20), v => v <= 0 ? double.NegativeInfinity : Math.Log(v)),
            BuiltinOperator.SQRT => (Q(0.05f, -128), Q(0.02f, -128), Math.Sqrt),
            BuiltinOperator.RSQRT => (Q(0.05f, -128), Q(0.05f, -128), v => v == 0 ? double.PositiveInfinity : 1 / Math.Sqrt(v)),
            _ => (Q(0.05f, 3), Q(0.04f, -128), Math.Abs),
        };
        var x = Enumerable.Range(-128, 256).Select(v => (sbyte)v).ToArray();
        var y = Dequantize(Unary(op, TensorType.Int8, x, qi, qo));
        double lo = qo.Scale![0] * (-128 - qo.ZeroPoint![0]), hi = qo.Scale[0] * (127 - qo.ZeroPoint[0]);
        var expected = x.Select(q => Math.Clamp(f(qi.Scale![0] * (q - qi.ZeroPoint![0])), lo, hi)).ToArray();
        AssertClose(expected, y, qo.Scale[0] * 2.01);
    }

    [Fact]
    public void Rsqrt_Int8_BelowZeroPoint_IsInputDataInvalid()
    {
        var e = Assert.Throws<ModelOptimizationException>(() => Unary(BuiltinOperator.RSQRT, TensorType.Int8, new sbyte[] { 5, -3 }, Q(0.05f, 0), Q(0.05f, -128)));
        Assert.Equal(ErrorIds.InputDataInvalid, e.ErrorId);
    }

    [Theory]
    [InlineData(BuiltinOperator.LOGISTIC, 0.0005f)]
    [InlineData(BuiltinOperator.LOGISTIC, 1f / 4096)]
    [InlineData(BuiltinOperator.TANH, 0.0004f)]
    [InlineData(BuiltinOperator.TANH, 1f / 2048)]
    public void LogisticTanh_Int16_WithinFewSteps(BuiltinOperator op, float inputScale)
    {
        var x = Enumerable.Range(0, 513).Select(i => (short)Math.Clamp(i * 128 - 32768, short.MinValue, short.MaxValue)).ToArray();
        var y = Dequantize(Unary(op, TensorType.Int16, x, Q(inputScale, 0), Q(1f / 32768, 0), version: 3));
        var expected = x.Select(q => (double)inputScale * q).Select(v => op == BuiltinOperator.LOGISTIC ? 1 / (1 + Math.Exp(-v)) : Math.Tanh(v))
            .Select(v => Math.Min(v, 32767.0 / 32768)).ToArray();
        AssertClose(expected, y, 16.0 / 32768); // gemmlowp's 16-bit tanh is good to about 10 steps near ±1
    }

    [Fact]
    public void Softmax_Int16_WithinFewSteps()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Int16, [2, 5], Q(0.001f, 0));
        int o = mb.Tensor(TensorType.Int16, [2, 5], Q(1f / 32768, 0));
        mb.Op(BuiltinOperator.SOFTMAX, [i], [o], x => x["beta"] = 1f, version: 3);
        var x = new short[] { 0, 1000, 2000, -1500, 300, 5000, 5000, -5000, 0, 100 };
        var y = Dequantize(ModelBuilder.RunSingle(mb.Build(o), null, x));
        for (int r = 0; r < 2; r++)
        {
            var row = x.Skip(r * 5).Take(5).Select(q => Math.Exp(0.001 * q)).ToArray();
            double sum = row.Sum();
            AssertClose(row.Select(v => v / sum).ToArray(), y.Skip(r * 5).Take(5).ToArray(), 0.002);
        }
    }

    [Theory]
    [InlineData(TensorType.Int8)]
    [InlineData(TensorType.UInt8)]
    public void L2Normalization_Quantized_WithinOneStep(TensorType type)
    {
        int zp = type == TensorType.Int8 ? 3 : 120;
        var qi = Q(0.05f, zp);
        var raw = new[] { 10, -40, 70, 0, 5, -5, 90, -100 };
        Array x = type == TensorType.Int8 ? raw.Select(v => (sbyte)(v + zp)).ToArray() : raw.Select(v => (byte)(v + zp)).ToArray();
        var mb = new ModelBuilder();
        int i = mb.Input(type, [2, 4], qi);
        int o = mb.Tensor(type, [2, 4], Q(1f / 128, type == TensorType.Int8 ? 0 : 128));
        mb.Op(BuiltinOperator.L2_NORMALIZATION, [i], [o], version: 2);
        var y = Dequantize(ModelBuilder.RunSingle(mb.Build(o), null, x));
        for (int r = 0; r < 2; r++)
        {
            var row = raw.Skip(r * 4).Take(4).Select(v => (double)v).ToArray();
            double norm = Math.Sqrt(row.Sum(v => v * v));
            AssertClose(row.Select(v => Math.Min(v / norm, 127.0 / 128)).ToArray(), y.Skip(r * 4).Take(4).ToArray(), 1.01 / 128);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BatchMatMul_Int8_MatchesFloatWithinOneStep(bool liteRt)
    {
        var mb = new ModelBuilder();
        int a = mb.Input(TensorType.Int8, [2, 3, 4], Q(0.05f, 3));
        int b = mb.Input(TensorType.Int8, [4, 2], Q(0.04f, 0));
        int o = mb.Tensor(TensorType.Int8, [2, 3, 2], Q(0.02f, -4));
        mb.Op(BuiltinOperator.BATCH_MATMUL, [a, b], [o], version: 2);
        var rng = new Random(3);
        var xa = Enumerable.Range(0, 24).Select(_ => (sbyte)rng.Next(-60, 60)).ToArray();
        var xb = Enumerable.Range(0, 8).Select(_ => (sbyte)rng.Next(-60, 60)).ToArray();
        var options = new InterpreterOptions { QuantizedArithmetic = liteRt ? QuantizedArithmetic.LiteRt : QuantizedArithmetic.TfLiteBuiltin };
        var y = Dequantize(ModelBuilder.RunSingle(mb.Build(o), options, xa, xb));
        var expected = new double[12];
        for (int bt = 0; bt < 2; bt++)
        {
            for (int i = 0; i < 3; i++)
            {
                for (int j = 0; j < 2; j++)
                {
                    double s = 0;
                    for (int k = 0; k < 4; k++) s += 0.05 * (xa[(bt * 3 + i) * 4 + k] - 3) * 0.04 * xb[k * 2 + j];
                    expected[(bt * 3 + i) * 2 + j] = Math.Clamp(s, 0.02 * -124, 0.02 * 131);
                }
            }
        }

        AssertClose(expected, y, 0.02 * 0.51);
    }

    [Theory]
    [InlineData(TensorType.Int8)]
    [InlineData(TensorType.Int16)]
    public void TransposeConv_Quantized_MatchesFloatWithinOneStep(TensorType type)
    {
        // 1 input channel, 2x2 input, 2x2 kernel, stride 2, VALID: each input pixel paints its own 2x2 block.
        var mb = new ModelBuilder();
        var scales = new[] { 0.01f, 0.02f };
        int shape = mb.Const(TensorType.Int32, [4], new[] { 1, 4, 4, 2 });
        int w = mb.Const(TensorType.Int8, [2, 2, 2, 1], new sbyte[] { 10, 20, 30, 40, -50, 60, -70, 80 }, QuantizationParameters.PerChannel(scales, new long[2], 0));
        var qi = type == TensorType.Int8 ? Q(0.1f, 1) : Q(0.001f, 0);
        var qo = type == TensorType.Int8 ? Q(0.05f, 0) : Q(0.0005f, 0);
        int i = mb.Input(type, [1, 2, 2, 1], qi);
        int o = mb.Tensor(type, [1, 4, 4, 2], qo);
        mb.Op(BuiltinOperator.TRANSPOSE_CONV, [shape, w, i, -1], [o], x => { x["stride_h"] = 2; x["stride_w"] = 2; x["padding"] = (sbyte)Padding.VALID; }, version: 3);
        Array x = type == TensorType.Int8 ? new sbyte[] { 11, -9, 31, 1 } : new short[] { 1000, -1000, 3000, 0 };
        var y = Dequantize(ModelBuilder.RunSingle(mb.Build(o), null, x));
        var inputs = RandomInputs.AsDoubles(x).Select(q => qi.Scale![0] * (q - qi.ZeroPoint![0])).ToArray();
        var wf = new[] { 10, 20, 30, 40, -50, 60, -70, 80 };
        for (int iy = 0; iy < 2; iy++)
        {
            for (int ix = 0; ix < 2; ix++)
            {
                for (int fy = 0; fy < 2; fy++)
                {
                    for (int fx = 0; fx < 2; fx++)
                    {
                        for (int oc = 0; oc < 2; oc++)
                        {
                            double expected = inputs[iy * 2 + ix] * wf[(oc * 2 + fy) * 2 + fx] * scales[oc];
                            double actual = y[((iy * 2 + fy) * 4 + ix * 2 + fx) * 2 + oc];
                            Assert.True(Math.Abs(expected - actual) <= qo.Scale![0] * 0.51, $"expected {expected}, got {actual}");
                        }
                    }
                }
            }
        }
    }
}
