using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Tests.Helpers;

namespace ModelOptimization.Runtime.Tests.Operators;

/// <summary>SOFTMAX, LOGISTIC, TANH, RELU family, LEAKY_RELU, PRELU.</summary>
public sealed class ActivationTests
{
    private static TensorValue Unary(BuiltinOperator op, TensorType type, int[] shape, Array x, Action<OperatorOptions>? options = null,
        Core.Quantization.QuantizationParameters? qi = null, Core.Quantization.QuantizationParameters? qo = null, TensorType? outType = null)
    {
        var mb = new ModelBuilder();
        int i = mb.Input(type, shape, qi);
        int o = mb.Tensor(outType ?? type, shape, qo);
        mb.Op(op, [i], [o], options);
        return ModelBuilder.RunSingle(mb.Build(o), null, x);
    }

    [Fact]
    public void Softmax_Float_RowsSumToOneWithBeta()
    {
        var x = new[] { 1f, 2f, 3f, -1f, 0f, 1f };
        var y = (float[])Unary(BuiltinOperator.SOFTMAX, TensorType.Float32, [2, 3], x, o => o["beta"] = 2f).Data;
        for (int r = 0; r < 2; r++)
        {
            double sum = Enumerable.Range(0, 3).Sum(i => Math.Exp(2 * x[r * 3 + i]));
            for (int i = 0; i < 3; i++) Assert.Equal((float)(Math.Exp(2 * x[r * 3 + i]) / sum), y[r * 3 + i], 6);
        }
    }

    [Fact]
    public void Softmax_Int8_ApproximatesFloatWithinOneStep()
    {
        var x = Enumerable.Range(0, 10).Select(i => (sbyte)(i * 20 - 100)).ToArray();
        var y = (sbyte[])Unary(BuiltinOperator.SOFTMAX, TensorType.Int8, [1, 10], x, o => o["beta"] = 1f, ModelBuilder.Q(0.05f, 0), ModelBuilder.Q(1f / 256, -128)).Data;
        double sum = x.Sum(v => Math.Exp(0.05 * v));
        for (int i = 0; i < 10; i++)
        {
            double expected = Math.Round(Math.Exp(0.05 * x[i]) / sum * 256) - 128;
            Assert.InRange(y[i], expected - 1, expected + 1);
        }
    }

    [Theory]
    [InlineData(BuiltinOperator.LOGISTIC)]
    [InlineData(BuiltinOperator.TANH)]
    public void LogisticAndTanh_Int8Table_MatchesFunctionWithinOneStep(BuiltinOperator op)
    {
        var x = Enumerable.Range(-128, 256).Select(v => (sbyte)v).ToArray();
        bool logistic = op == BuiltinOperator.LOGISTIC;
        var qo = logistic ? ModelBuilder.Q(1f / 256, -128) : ModelBuilder.Q(1f / 128, 0);
        var y = (sbyte[])Unary(op, TensorType.Int8, [256], x, null, ModelBuilder.Q(0.04f, 3), qo).Data;
        for (int i = 0; i < 256; i++)
        {
            double v = 0.04 * (x[i] - 3);
            double f = logistic ? 1 / (1 + Math.Exp(-v)) : Math.Tanh(v);
            double expected = Math.Clamp(Math.Round(f / (logistic ? 1.0 / 256 : 1.0 / 128)) + (logistic ? -128 : 0), -128, 127);
            Assert.InRange(y[i], expected - 1, expected + 1);
        }
    }

    [Fact]
    public void LogisticAndTanh_Float_Exact()
    {
        Assert.Equal(0.5f, ((float[])Unary(BuiltinOperator.LOGISTIC, TensorType.Float32, [1], new[] { 0f }).Data)[0]);
        Assert.Equal(MathF.Tanh(0.7f), ((float[])Unary(BuiltinOperator.TANH, TensorType.Float32, [1], new[] { 0.7f }).Data)[0]);
    }

    [Theory]
    [InlineData(BuiltinOperator.RELU, new[] { 0f, 0f, 3f, 8f })]
    [InlineData(BuiltinOperator.RELU6, new[] { 0f, 0f, 3f, 6f })]
    [InlineData(BuiltinOperator.RELU_N1_TO_1, new[] { -1f, -0.5f, 1f, 1f })]
    public void ReluFamily_Float_Clamps(BuiltinOperator op, float[] expected)
        => Assert.Equal(expected, (float[])Unary(op, TensorType.Float32, [4], new[] { -2f, -0.5f, 3f, 8f }).Data);

    [Fact]
    public void Relu6_UInt8_RescalesAndClamps()
    {
        var x = new byte[] { 0, 100, 128, 200, 255 };
        var y = (byte[])Unary(BuiltinOperator.RELU6, TensorType.UInt8, [5], x, null, ModelBuilder.Q(0.1f, 128), ModelBuilder.Q(0.05f, 0)).Data;
        for (int i = 0; i < 5; i++)
        {
            double v = Math.Clamp(0.1 * (x[i] - 128), 0, 6);
            Assert.InRange(y[i], Math.Round(v / 0.05) - 1, Math.Round(v / 0.05) + 1);
        }
    }

    [Fact]
    public void LeakyRelu_FloatAndInt8()
    {
        Assert.Equal(new[] { -0.2f, 3f }, (float[])Unary(BuiltinOperator.LEAKY_RELU, TensorType.Float32, [2], new[] { -1f, 3f }, o => o["alpha"] = 0.2f).Data);
        var y = (sbyte[])Unary(BuiltinOperator.LEAKY_RELU, TensorType.Int8, [2], new sbyte[] { -100, 100 }, o => o["alpha"] = 0.2f, ModelBuilder.Q(0.1f, 0), ModelBuilder.Q(0.1f, 0)).Data;
        Assert.Equal(new sbyte[] { -20, 100 }, y);
    }

    [Fact]
    public void Prelu_Float_BroadcastsAlphaPerChannel()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [1, 2, 2]);
        int alpha = mb.Const(TensorType.Float32, [2], new[] { 0.5f, 0.1f });
        int o = mb.Tensor(TensorType.Float32, [1, 2, 2]);
        mb.Op(BuiltinOperator.PRELU, [i, alpha], [o]);
        var y = (float[])ModelBuilder.RunSingle(mb.Build(o), null, new[] { -2f, -10f, 3f, 4f }).Data;
        Assert.Equal(new[] { -1f, -1f, 3f, 4f }, y);
    }
}
