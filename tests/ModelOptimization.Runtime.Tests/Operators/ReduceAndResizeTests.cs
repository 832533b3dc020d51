using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Tests.Helpers;

namespace ModelOptimization.Runtime.Tests.Operators;

/// <summary>Reductions, quantize/dequantize/cast, resize, batch matmul.</summary>
public sealed class ReduceAndResizeTests
{
    private static TensorValue Reduce(BuiltinOperator op, TensorType type, Array x, int[] shape, int[] axes, bool keep, int[] outShape,
        Core.Quantization.QuantizationParameters? qi = null, Core.Quantization.QuantizationParameters? qo = null)
    {
        var mb = new ModelBuilder();
        int i = mb.Input(type, shape, qi);
        int a = mb.Const(TensorType.Int32, [axes.Length], axes);
        int o = mb.Tensor(type, outShape, qo);
        mb.Op(op, [i, a], [o], x => x["keep_dims"] = keep);
        return ModelBuilder.RunSingle(mb.Build(o), null, x);
    }

    [Fact]
    public void MeanSumMax_Float_OverAxes()
    {
        var x = new[] { 1f, 2f, 3f, 4f, 5f, 6f };
        Assert.Equal(new[] { 2f, 5f }, (float[])Reduce(BuiltinOperator.MEAN, TensorType.Float32, x, [2, 3], [1], false, [2]).Data);
        var sum = Reduce(BuiltinOperator.SUM, TensorType.Float32, x, [2, 3], [0], true, [1, 3]);
        Assert.Equal(new[] { 1, 3 }, sum.Shape);
        Assert.Equal(new[] { 5f, 7f, 9f }, (float[])sum.Data);
        Assert.Equal(new[] { 6f }, (float[])Reduce(BuiltinOperator.REDUCE_MAX, TensorType.Float32, x, [2, 3], [0, -1], false, []).Data);
    }

    [Fact]
    public void Mean_Int8_RescalesLikeTflite()
    {
        var x = new sbyte[] { -10, 20, 30, 41 };
        var r = (sbyte[])Reduce(BuiltinOperator.MEAN, TensorType.Int8, x, [1, 4], [1], false, [1], ModelBuilder.Q(0.1f, 2), ModelBuilder.Q(0.05f, -1)).Data;
        double mean = x.Average(v => 0.1 * (v - 2));
        Assert.InRange(r[0], Math.Round(mean / 0.05) - 1 - 1, Math.Round(mean / 0.05) - 1 + 1);
    }

    [Fact]
    public void QuantizeDequantize_Int8_RoundTrip()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [4]);
        int q = mb.Tensor(TensorType.Int8, [4], ModelBuilder.Q(0.5f, 1));
        int o = mb.Tensor(TensorType.Float32, [4]);
        mb.Op(BuiltinOperator.QUANTIZE, [i], [q]);
        mb.Op(BuiltinOperator.DEQUANTIZE, [q], [o]);
        using var interpreter = Interpreter.Create(mb.Build(q, o));
        interpreter.SetInput(0, new[] { 0.74f, -1.26f, 100f, 0.25f });
        interpreter.Invoke();
        Assert.Equal(new sbyte[] { 2, -2, 127, 2 }, (sbyte[])interpreter.GetOutput(0).Data);
        Assert.Equal(new[] { 0.5f, -1.5f, 63f, 0.5f }, (float[])interpreter.GetOutput(1).Data);
    }

    [Fact]
    public void Dequantize_Float16AndPerChannelWeights_AreFoldedConstants()
    {
        var mb = new ModelBuilder();
        int h = mb.Const(TensorType.Float16, [2], new[] { (Half)1.5f, (Half)(-2f) });
        int w = mb.Const(TensorType.Int8, [2, 2], new sbyte[] { 10, -10, 10, -10 }, Core.Quantization.QuantizationParameters.PerChannel([0.1f, 0.5f], [0, 0], 0));
        int hf = mb.Tensor(TensorType.Float32, [2]);
        int wf = mb.Tensor(TensorType.Float32, [2, 2]);
        int i = mb.Input(TensorType.Float32, [2]);
        int o = mb.Tensor(TensorType.Float32, [2]);
        mb.Op(BuiltinOperator.DEQUANTIZE, [h], [hf]);
        mb.Op(BuiltinOperator.DEQUANTIZE, [w], [wf]);
        mb.Op(BuiltinOperator.ADD, [i, hf], [o]);
        using var interpreter = Interpreter.Create(mb.Build(o, wf));
        interpreter.SetInput(0, new[] { 1f, 1f });
        interpreter.Invoke();
        Assert.Equal(new[] { 2.5f, -1f }, (float[])interpreter.GetOutput(0).Data);
        Assert.Equal(new[] { 1f, -1f, 5f, -5f }, (float[])interpreter.GetOutput(1).Data);
    }

    [Fact]
    public void Cast_FloatToInt32AndBool()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [3]);
        int a = mb.Tensor(TensorType.Int32, [3]);
        int b = mb.Tensor(TensorType.Bool, [3]);
        mb.Op(BuiltinOperator.CAST, [i], [a]);
        mb.Op(BuiltinOperator.CAST, [i], [b]);
        using var interpreter = Interpreter.Create(mb.Build(a, b));
        interpreter.SetInput(0, new[] { 2.7f, -2.7f, 0f });
        interpreter.Invoke();
        Assert.Equal(new[] { 2, -2, 0 }, (int[])interpreter.GetOutput(0).Data);
        Assert.Equal(new[] { true, true, false }, (bool[])interpreter.GetOutput(1).Data);
    }

    [Fact]
    public void Cast_Float32ToBFloat16AndBack_RoundsToNearestEven()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [6]);
        int h = mb.Tensor(TensorType.BFloat16, [6]);
        int o = mb.Tensor(TensorType.Float32, [6]);
        mb.Op(BuiltinOperator.CAST, [i], [h]);
        mb.Op(BuiltinOperator.CAST, [h], [o]);
        using var interpreter = Interpreter.Create(mb.Build(h, o));
        // 1 + 2^-8 is halfway between bf16 neighbours 1 and 1 + 2^-7: ties go to the even one (1); 1 + 3·2^-8 goes up.
        float[] x = [1f, 1f + 1f / 256, 1f + 3f / 256, -2.5f, float.NaN, 3.0e38f];
        interpreter.SetInput(0, x);
        interpreter.Invoke();
        Assert.Equal(new ushort[] { 0x3F80, 0x3F80, 0x3F82, 0xC020 }, ((ushort[])interpreter.GetOutput(0).Data)[..4]);
        var back = (float[])interpreter.GetOutput(1).Data;
        Assert.Equal(new[] { 1f, 1f, 1f + 1f / 64, -2.5f }, back[..4]);
        Assert.True(float.IsNaN(back[4]));
        Assert.Equal(BitConverter.Int32BitsToSingle(unchecked((int)0x7F62_0000)), back[5]);
    }

    [Theory]
    [InlineData(false, false, new[] { 1f, 1.5f, 2f, 2f })]
    [InlineData(true, false, new[] { 1f, 1f + 1f / 3, 1f + 2f / 3, 2f })]
    [InlineData(false, true, new[] { 1f, 1.25f, 1.75f, 2f })]
    public void ResizeBilinear_1DRow_Modes(bool alignCorners, bool halfPixel, float[] expected)
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [1, 1, 2, 1]);
        int size = mb.Const(TensorType.Int32, [2], new[] { 1, 4 });
        int o = mb.Tensor(TensorType.Float32, [1, 1, 4, 1]);
        mb.Op(BuiltinOperator.RESIZE_BILINEAR, [i, size], [o], x => { x["align_corners"] = alignCorners; x["half_pixel_centers"] = halfPixel; });
        var y = (float[])ModelBuilder.RunSingle(mb.Build(o), null, new[] { 1f, 2f }).Data;
        for (int k = 0; k < 4; k++) Assert.Equal(expected[k], y[k], 5);
    }

    [Fact]
    public void ResizeNearestNeighbor_Doubles()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Int8, [1, 1, 2, 1]);
        int size = mb.Const(TensorType.Int32, [2], new[] { 1, 4 });
        int o = mb.Tensor(TensorType.Int8, [1, 1, 4, 1]);
        mb.Op(BuiltinOperator.RESIZE_NEAREST_NEIGHBOR, [i, size], [o]);
        Assert.Equal(new sbyte[] { 3, 3, 9, 9 }, (sbyte[])ModelBuilder.RunSingle(mb.Build(o), null, new sbyte[] { 3, 9 }).Data);
    }

    [Fact]
    public void BatchMatMul_AdjYAndBroadcastBatch()
    {
        var mb = new ModelBuilder();
        int x = mb.Input(TensorType.Float32, [2, 1, 2]);
        int y = mb.Input(TensorType.Float32, [1, 3, 2]);
        int o = mb.Tensor(TensorType.Float32, [2, 1, 3]);
        mb.Op(BuiltinOperator.BATCH_MATMUL, [x, y], [o], v => v["adj_y"] = true);
        var r = ModelBuilder.RunSingle(mb.Build(o), null, new[] { 1f, 2f, 3f, 4f }, new[] { 1f, 0f, 0f, 1f, 1f, 1f });
        Assert.Equal(new[] { 2, 1, 3 }, r.Shape);
        Assert.Equal(new[] { 1f, 2f, 3f, 3f, 4f, 7f }, (float[])r.Data);
    }

    [Fact]
    public void ArgMax_LastAxis_FirstMaximumWins()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [2, 3]);
        int axis = mb.Const(TensorType.Int32, [], new[] { 1 });
        int o = mb.Tensor(TensorType.Int32, [2]);
        mb.Op(BuiltinOperator.ARG_MAX, [i, axis], [o], x => x["output_type"] = (sbyte)TensorType.Int32);
        Assert.Equal(new[] { 1, 0 }, (int[])ModelBuilder.RunSingle(mb.Build(o), null, new[] { 1f, 5f, 5f, 9f, 2f, 9f }).Data);
    }
}
