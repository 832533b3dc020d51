using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Tests.Helpers;

namespace ModelOptimization.Runtime.Tests.Operators;

/// <summary>
/// Weights with TFLite <c>BlockwiseQuantization</c> (scales in a [rows, columns / block] tensor): DEQUANTIZE, and
/// FULLY_CONNECTED reading int4/int8 blockwise weights directly, checked against float arithmetic written out here.
/// </summary>
public sealed class BlockwiseWeightTests
{
    private const int Units = 5, Depth = 128, Batches = 3;

    private static float[] Floats(int n, int seed) { var r = new Random(seed); return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray(); }

    /// <summary>Random int4 values in [-8, 7], packed two per byte with the low nibble first.</summary>
    private static (sbyte[] Values, byte[] Packed) Int4Values(int n, int seed)
    {
        var r = new Random(seed);
        var v = Enumerable.Range(0, n).Select(_ => (sbyte)r.Next(-8, 8)).ToArray();
        var packed = new byte[(n + 1) / 2];
        for (int i = 0; i < n; i++) packed[i / 2] |= (byte)((v[i] & 0xF) << (i % 2 * 4));
        return (v, packed);
    }

    /// <summary>Block scales that differ per block (and are exact in float16).</summary>
    private static float[] BlockScales(int rows, int blocks) =>
        Enumerable.Range(0, rows * blocks).Select(i => (float)(Half)(0.01f + 0.0037f * (i % 7) + 0.002f * (i / blocks))).ToArray();

    private static float[] Dequantized(sbyte[] q, float[] scales, int[] zeroPoints, int cols, int blockSize)
        => q.Select((v, i) => (v - zeroPoints[i / blockSize]) * scales[i / blockSize]).ToArray();

    private static double[] FloatFc(float[] x, float[] w, float[] bias, int batches, int units, int depth)
    {
        var y = new double[batches * units];
        for (int b = 0; b < batches; b++)
        for (int u = 0; u < units; u++)
        {
            double acc = bias[u];
            for (int k = 0; k < depth; k++) acc += (double)x[b * depth + k] * w[u * depth + k];
            y[b * units + u] = acc;
        }

        return y;
    }

    /// <summary>An int4 blockwise FULLY_CONNECTED: float input [Batches, Depth], float16 scales, float bias.</summary>
    private static (Model Model, float[] Weights, float[] Bias) Int4Fc(int blockSize)
    {
        int blocks = Depth / blockSize;
        var (q, packed) = Int4Values(Units * Depth, 11);
        var scales = BlockScales(Units, blocks);
        var bias = Floats(Units, 12);
        var mb = new ModelBuilder();
        int input = mb.Input(TensorType.Float32, [Batches, Depth]);
        int scaleTensor = mb.Const(TensorType.Float16, [Units, blocks], scales.Select(s => (Half)s).ToArray());
        int weights = mb.Const(TensorType.Int4, [Units, Depth], packed,
            new QuantizationParameters { Details = new BlockwiseQuantization(scaleTensor, -1, blockSize) });
        int b = mb.Const(TensorType.Float32, [Units], bias);
        int output = mb.Tensor(TensorType.Float32, [Batches, Units]);
        mb.Op(BuiltinOperator.FULLY_CONNECTED, [input, weights, b], [output], version: 13);
        return (mb.Build(output), Dequantized(q, scales, new int[Units * blocks], Depth, blockSize), bias);
    }

    [Theory]
    [InlineData(32, false)]
    [InlineData(64, false)]
    [InlineData(128, true)]
    public void FullyConnected_Int4BlockwiseTfLiteBuiltin_EqualsFloatWithDequantizedWeights(int blockSize, bool reference)
    {
        var (model, w, bias) = Int4Fc(blockSize);
        var x = Floats(Batches * Depth, 13);
        var options = new InterpreterOptions { QuantizedArithmetic = QuantizedArithmetic.TfLiteBuiltin, UseReferenceKernels = reference };
        var y = (float[])ModelBuilder.RunSingle(model, options, x).Data;
        var expected = FloatFc(x, w, bias, Batches, Units, Depth);
        for (int i = 0; i < y.Length; i++) Assert.Equal(expected[i], y[i], 4);
    }

    [Theory]
    [InlineData(32)]
    [InlineData(128)]
    public void FullyConnected_Int4BlockwiseLiteRt_WithinInputQuantizationErrorOfFloat(int blockSize)
    {
        // LiteRT (XNNPACK qd8 × qb4w) quantizes each input row to int8 first: each input is off by at most half a
        // step (range / 255 / 2), so each output by at most Σ|w|·step/2.
        var (model, w, bias) = Int4Fc(blockSize);
        var x = Floats(Batches * Depth, 14);
        var y = (float[])ModelBuilder.RunSingle(model, new InterpreterOptions { QuantizedArithmetic = QuantizedArithmetic.LiteRt }, x).Data;
        var expected = FloatFc(x, w, bias, Batches, Units, Depth);
        bool anyDifferent = false;
        for (int b = 0; b < Batches; b++)
        {
            var row = x.AsSpan(b * Depth, Depth).ToArray();
            double step = (Math.Max(0, row.Max()) - Math.Min(0, row.Min())) / 255.0;
            for (int u = 0; u < Units; u++)
            {
                double bound = w.Skip(u * Depth).Take(Depth).Sum(v => Math.Abs((double)v)) * step / 2 * 1.01 + 1e-5;
                double err = Math.Abs(y[b * Units + u] - expected[b * Units + u]);
                Assert.True(err <= bound, $"row {b} unit {u}: |{y[b * Units + u]} - {expected[b * Units + u]}| > {bound}");
                anyDifferent |= err > 1e-6;
            }
        }

        Assert.True(anyDifferent, "the dynamic input quantization should be visible");
    }

    [Fact]
    public void Dequantize_Int8BlockwiseWithZeroPoints_GivesScaleTimesDifference()
    {
        int rows = 3, cols = 8, blockSize = 4, blocks = cols / blockSize;
        var r = new Random(5);
        var q = Enumerable.Range(0, rows * cols).Select(_ => (sbyte)r.Next(-128, 128)).ToArray();
        var scales = new[] { 0.5f, 0.25f, 1f, 2f, 0.125f, 3f };
        var zeroPoints = new[] { 0, -3, 7, 1, -128, 5 };
        var mb = new ModelBuilder();
        int s = mb.Const(TensorType.Float32, [rows, blocks], scales);
        int z = mb.Const(TensorType.Int32, [rows, blocks], zeroPoints);
        int w = mb.Const(TensorType.Int8, [rows, cols], q, new QuantizationParameters { Details = new BlockwiseQuantization(s, z, blockSize) });
        int output = mb.Tensor(TensorType.Float32, [rows, cols]);
        mb.Op(BuiltinOperator.DEQUANTIZE, [w], [output]);
        var y = (float[])ModelBuilder.RunSingle(mb.Build(output), null).Data;
        Assert.Equal(Dequantized(q, scales, zeroPoints, cols, blockSize), y);
        Assert.Equal((q[5] + 3) * 0.25f, y[5]); // row 0, second block
    }

    [Fact]
    public void Dequantize_Int4BlockwiseFloat16Scales_FeedsFloatFullyConnected()
    {
        // The layout of a DEQUANTIZE → FULLY_CONNECTED pair: same result as the direct blockwise FULLY_CONNECTED.
        int blockSize = 32, blocks = Depth / blockSize;
        var (q, packed) = Int4Values(Units * Depth, 21);
        var scales = BlockScales(Units, blocks);
        var mb = new ModelBuilder();
        int input = mb.Input(TensorType.Float32, [1, Depth]);
        int s = mb.Const(TensorType.Float16, [Units, blocks], scales.Select(v => (Half)v).ToArray());
        int wq = mb.Const(TensorType.Int4, [Units, Depth], packed, new QuantizationParameters { Details = new BlockwiseQuantization(s, -1, blockSize) });
        int wf = mb.Tensor(TensorType.Float32, [Units, Depth]);
        int output = mb.Tensor(TensorType.Float32, [1, Units]);
        mb.Op(BuiltinOperator.DEQUANTIZE, [wq], [wf], version: 6);
        mb.Op(BuiltinOperator.FULLY_CONNECTED, [input, wf, -1], [output]);
        var x = Floats(Depth, 22);
        var y = (float[])ModelBuilder.RunSingle(mb.Build(output), null, x).Data;
        var expected = FloatFc(x, Dequantized(q, scales, new int[Units * blocks], Depth, blockSize), new float[Units], 1, Units, Depth);
        for (int i = 0; i < Units; i++) Assert.Equal(expected[i], y[i], 4);
    }

    [Theory]
    [InlineData(3, "scales must be a constant of 20 values")]
    [InlineData(0, "not a multiple of the block size")]
    public void FullyConnected_MalformedBlockwiseScales_ModelValidationFailed(int wrong, string message)
    {
        int blockSize = wrong == 0 ? 48 : 32;
        var mb = new ModelBuilder();
        int input = mb.Input(TensorType.Float32, [1, Depth]);
        int s = mb.Const(TensorType.Float16, [Math.Max(wrong, 1)], new Half[Math.Max(wrong, 1)]);
        int w = mb.Const(TensorType.Int4, [Units, Depth], new byte[Units * Depth / 2], new QuantizationParameters { Details = new BlockwiseQuantization(s, -1, blockSize) });
        int output = mb.Tensor(TensorType.Float32, [1, Units]);
        mb.Op(BuiltinOperator.FULLY_CONNECTED, [input, w, -1], [output], version: 13);
        var e = Assert.Throws<ModelOptimizationException>(() => Interpreter.Create(mb.Build(output)).Dispose());
        Assert.Equal(ErrorIds.ModelValidationFailed, e.ErrorId);
        Assert.Contains(message, e.Message);
    }
}
