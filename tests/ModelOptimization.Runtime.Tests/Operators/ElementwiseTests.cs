using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Tests.Helpers;

namespace ModelOptimization.Runtime.Tests.Operators;

/// <summary>Broadcasting element-wise arithmetic, comparisons and selection.</summary>
public sealed class ElementwiseTests
{
    private static TensorValue Binary(BuiltinOperator op, TensorType type, int[] a, int[] b, int[] o, Array x, Array y,
        Action<OperatorOptions>? options = null, Core.Quantization.QuantizationParameters? qa = null, Core.Quantization.QuantizationParameters? qb = null,
        Core.Quantization.QuantizationParameters? qo = null, TensorType? outType = null)
    {
        var mb = new ModelBuilder();
        int i0 = mb.Input(type, a, qa);
        int i1 = mb.Input(type, b, qb);
        int output = mb.Tensor(outType ?? type, o, qo);
        mb.Op(op, [i0, i1], [output], options);
        return ModelBuilder.RunSingle(mb.Build(output), null, x, y);
    }

    [Fact]
    public void Add_FloatBroadcast_AddsRowVectorToEveryRow()
    {
        var r = Binary(BuiltinOperator.ADD, TensorType.Float32, [2, 3], [3], [2, 3], new[] { 1f, 2f, 3f, 4f, 5f, 6f }, new[] { 10f, 20f, 30f });
        Assert.Equal(new[] { 11f, 22f, 33f, 14f, 25f, 36f }, (float[])r.Data);
    }

    [Fact]
    public void Mul_FloatBroadcastBothSides_OuterProduct()
    {
        var r = Binary(BuiltinOperator.MUL, TensorType.Float32, [2, 1], [1, 3], [2, 3], new[] { 1f, 2f }, new[] { 3f, 4f, 5f });
        Assert.Equal(new[] { 2, 3 }, r.Shape);
        Assert.Equal(new[] { 3f, 4f, 5f, 6f, 8f, 10f }, (float[])r.Data);
    }

    [Fact]
    public void SubAndDiv_FloatScalar_WithReluActivation()
    {
        var sub = Binary(BuiltinOperator.SUB, TensorType.Float32, [4], [], [4], new[] { 1f, 2f, 3f, 4f }, new[] { 2.5f },
            o => o["fused_activation_function"] = (sbyte)ActivationFunctionType.RELU);
        Assert.Equal(new[] { 0f, 0f, 0.5f, 1.5f }, (float[])sub.Data);
        var div = Binary(BuiltinOperator.DIV, TensorType.Float32, [2], [2], [2], new[] { 1f, -9f }, new[] { 4f, 3f });
        Assert.Equal(new[] { 0.25f, -3f }, (float[])div.Data);
    }

    [Fact]
    public void Add_Int32_Wraps_AndDivTruncates()
    {
        Assert.Equal(new[] { 5, -1 }, (int[])Binary(BuiltinOperator.ADD, TensorType.Int32, [2], [2], [2], new[] { 2, -4 }, new[] { 3, 3 }).Data);
        Assert.Equal(new[] { 2, -2 }, (int[])Binary(BuiltinOperator.DIV, TensorType.Int32, [2], [2], [2], new[] { 7, -7 }, new[] { 3, 3 }).Data);
    }

    [Theory]
    [InlineData(BuiltinOperator.ADD)]
    [InlineData(BuiltinOperator.SUB)]
    [InlineData(BuiltinOperator.MUL)]
    public void Quantized_Int8_ApproximatesFloatWithinOneStep(BuiltinOperator op)
    {
        var r = new Random(5);
        var a = Enumerable.Range(0, 64).Select(_ => (sbyte)r.Next(-128, 128)).ToArray();
        var b = Enumerable.Range(0, 8).Select(_ => (sbyte)r.Next(-128, 128)).ToArray();
        float sa = 0.05f, sb = 0.03f, so = op == BuiltinOperator.MUL ? 0.1f : 0.08f;
        int za = 2, zb = -7, zo = 5;
        var result = (sbyte[])Binary(op, TensorType.Int8, [8, 8], [8], [8, 8], a, b, null,
            ModelBuilder.Q(sa, za), ModelBuilder.Q(sb, zb), ModelBuilder.Q(so, zo)).Data;
        for (int i = 0; i < 64; i++)
        {
            double x = sa * (a[i] - za), y = sb * (b[i % 8] - zb);
            double v = op switch { BuiltinOperator.ADD => x + y, BuiltinOperator.SUB => x - y, _ => x * y };
            double expected = Math.Clamp(Math.Round(v / so) + zo, -128, 127);
            Assert.InRange(result[i], expected - 1, expected + 1);
        }
    }

    [Fact]
    public void Add_Int16PowerOfTwoScales_ShiftsOneInput()
    {
        var r = Binary(BuiltinOperator.ADD, TensorType.Int16, [3], [3], [3], new short[] { 100, -200, 32000 }, new short[] { 50, 51, 1000 }, null,
            ModelBuilder.Q(1f / 1024, 0), ModelBuilder.Q(1f / 2048, 0), ModelBuilder.Q(1f / 1024, 0));
        Assert.Equal(new short[] { 125, -174, 32500 }, (short[])r.Data);
    }

    [Theory]
    [InlineData(BuiltinOperator.MAXIMUM, new[] { 3f, 5f, -1f })]
    [InlineData(BuiltinOperator.MINIMUM, new[] { 1f, 2f, -4f })]
    [InlineData(BuiltinOperator.SQUARED_DIFFERENCE, new[] { 4f, 9f, 9f })]
    [InlineData(BuiltinOperator.POW, new[] { 1f, 25f, 1f / -4f })]
    public void BinaryMath_Float_ElementWise(BuiltinOperator op, float[] expected)
    {
        var r = Binary(op, TensorType.Float32, [3], [3], [3], new[] { 1f, 5f, -4f }, new[] { 3f, 2f, -1f });
        var actual = (float[])r.Data;
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], actual[i], 5);
    }

    [Fact]
    public void FloorModAndFloorDiv_NegativeOperands_FollowFloorSemantics()
    {
        Assert.Equal(new[] { 1, -1, 2 }, (int[])Binary(BuiltinOperator.FLOOR_MOD, TensorType.Int32, [3], [3], [3], new[] { 7, 7, -7 }, new[] { 3, -4, 3 }).Data);
        Assert.Equal(new[] { 2, -2, -3 }, (int[])Binary(BuiltinOperator.FLOOR_DIV, TensorType.Int32, [3], [3], [3], new[] { 7, 7, -7 }, new[] { 3, -4, 3 }).Data);
        Assert.Equal(new[] { 1f, -1f }, (float[])Binary(BuiltinOperator.FLOOR_MOD, TensorType.Float32, [2], [2], [2], new[] { 7f, 7f }, new[] { 3f, -4f }).Data);
    }

    [Fact]
    public void Less_IntBroadcast_ProducesBool()
    {
        var r = Binary(BuiltinOperator.LESS, TensorType.Int32, [4], [], [4], new[] { 1, 5, 3, 2 }, new[] { 3 }, outType: TensorType.Bool);
        Assert.Equal(new[] { true, false, false, true }, (bool[])r.Data);
    }

    [Fact]
    public void SelectV2_BroadcastsConditionAndBranches()
    {
        var mb = new ModelBuilder();
        int c = mb.Input(TensorType.Bool, [2, 1]);
        int x = mb.Input(TensorType.Float32, [2, 3]);
        int y = mb.Input(TensorType.Float32, []);
        int o = mb.Tensor(TensorType.Float32, [2, 3]);
        mb.Op(BuiltinOperator.SELECT_V2, [c, x, y], [o]);
        var r = ModelBuilder.RunSingle(mb.Build(o), null, new[] { true, false }, new[] { 1f, 2f, 3f, 4f, 5f, 6f }, new[] { -1f });
        Assert.Equal(new[] { 1f, 2f, 3f, -1f, -1f, -1f }, (float[])r.Data);
    }

    [Fact]
    public void Select_RankOneCondition_PicksRows()
    {
        var mb = new ModelBuilder();
        int c = mb.Input(TensorType.Bool, [2]);
        int x = mb.Input(TensorType.Int32, [2, 2]);
        int y = mb.Input(TensorType.Int32, [2, 2]);
        int o = mb.Tensor(TensorType.Int32, [2, 2]);
        mb.Op(BuiltinOperator.SELECT, [c, x, y], [o]);
        var r = ModelBuilder.RunSingle(mb.Build(o), null, new[] { false, true }, new[] { 1, 2, 3, 4 }, new[] { 5, 6, 7, 8 });
        Assert.Equal(new[] { 5, 6, 3, 4 }, (int[])r.Data);
    }

    [Theory]
    [InlineData(BuiltinOperator.RSQRT, 4f, 0.5f)]
    [InlineData(BuiltinOperator.SQRT, 9f, 3f)]
    [InlineData(BuiltinOperator.EXP, 0f, 1f)]
    [InlineData(BuiltinOperator.LOG, 1f, 0f)]
    [InlineData(BuiltinOperator.SIN, 0f, 0f)]
    [InlineData(BuiltinOperator.COS, 0f, 1f)]
    [InlineData(BuiltinOperator.ABS, -2f, 2f)]
    [InlineData(BuiltinOperator.NEG, 2f, -2f)]
    [InlineData(BuiltinOperator.SQUARE, -3f, 9f)]
    [InlineData(BuiltinOperator.HARD_SWISH, 1f, 2f / 3f)]
    [InlineData(BuiltinOperator.ROUND, 2.5f, 2f)]
    public void UnaryMath_Float_KnownValues(BuiltinOperator op, float x, float expected)
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [1]);
        int o = mb.Tensor(TensorType.Float32, [1]);
        mb.Op(op, [i], [o]);
        Assert.Equal(expected, ((float[])ModelBuilder.RunSingle(mb.Build(o), null, new[] { x }).Data)[0], 5);
    }
}
