using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Tests.Helpers;

namespace ModelOptimization.Runtime.Tests.Operators;

/// <summary>FULLY_CONNECTED in every type it supports, including hybrid and sparse weights.</summary>
public sealed class FullyConnectedTests
{
    private static float[] Floats(int n, int seed) { var r = new Random(seed); return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray(); }

    private static sbyte[] SBytes(int n, int seed) { var r = new Random(seed); return Enumerable.Range(0, n).Select(_ => (sbyte)r.Next(-127, 128)).ToArray(); }

    private static float[] Naive(float[] x, int batches, int depth, float[] w, int units, float[]? b)
    {
        var y = new float[batches * units];
        for (int i = 0; i < batches; i++)
        for (int u = 0; u < units; u++)
        {
            double acc = b?[u] ?? 0;
            for (int k = 0; k < depth; k++) acc += x[i * depth + k] * w[u * depth + k];
            y[i * units + u] = (float)acc;
        }

        return y;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FullyConnected_Float_MatchesMatrixProduct(bool keepNumDims)
    {
        int batches = 3, depth = 37, units = 11;
        var x = Floats(batches * depth, 1);
        var w = Floats(units * depth, 2);
        var b = Floats(units, 3);
        var mb = new ModelBuilder();
        int input = mb.Input(TensorType.Float32, [1, batches, depth]);
        int weights = mb.Const(TensorType.Float32, [units, depth], w);
        int bias = mb.Const(TensorType.Float32, [units], b);
        int output = mb.Tensor(TensorType.Float32, keepNumDims ? [1, batches, units] : [batches, units]);
        mb.Op(BuiltinOperator.FULLY_CONNECTED, [input, weights, bias], [output], o => o["keep_num_dims"] = keepNumDims);
        var result = ModelBuilder.RunSingle(mb.Build(output), null, x);
        Assert.Equal(keepNumDims ? new[] { 1, batches, units } : new[] { batches, units }, result.Shape);
        var expected = Naive(x, batches, depth, w, units, b);
        var actual = (float[])result.Data;
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 4);
    }

    [Fact]
    public void FullyConnected_NoBias_OptionalInputIsMinusOne()
    {
        var mb = new ModelBuilder();
        int input = mb.Input(TensorType.Float32, [1, 2]);
        int weights = mb.Const(TensorType.Float32, [2, 2], new[] { 1f, 2f, 3f, 4f });
        int output = mb.Tensor(TensorType.Float32, [1, 2]);
        mb.Op(BuiltinOperator.FULLY_CONNECTED, [input, weights, -1], [output]);
        Assert.Equal(new[] { 5f, 11f }, (float[])ModelBuilder.RunSingle(mb.Build(output), null, new[] { 1f, 2f }).Data);
    }

    private static Model Int8Fc(bool perChannel, int depth, int units)
    {
        var mb = new ModelBuilder();
        int input = mb.Input(TensorType.Int8, [2, depth], ModelBuilder.Q(0.04f, -5));
        var scales = Enumerable.Range(0, units).Select(i => perChannel ? 0.005f + 0.001f * i : 0.007f).ToArray();
        int weights = mb.Const(TensorType.Int8, [units, depth], SBytes(units * depth, 7),
            perChannel ? QuantizationParameters.PerChannel(scales, new long[units], 0) : ModelBuilder.Q(0.007f, 0));
        int bias = mb.Const(TensorType.Int32, [units], Enumerable.Range(0, units).Select(i => i * 37 - 100).ToArray());
        int output = mb.Tensor(TensorType.Int8, [2, units], ModelBuilder.Q(0.09f, 10));
        mb.Op(BuiltinOperator.FULLY_CONNECTED, [input, weights, bias], [output], o => o["fused_activation_function"] = (sbyte)ActivationFunctionType.RELU, version: 5);
        return mb.Build(output);
    }

    [Theory]
    [InlineData(true, QuantizedArithmetic.TfLiteBuiltin)]
    [InlineData(true, QuantizedArithmetic.LiteRt)]
    [InlineData(false, QuantizedArithmetic.TfLiteBuiltin)]
    [InlineData(false, QuantizedArithmetic.LiteRt)]
    public void FullyConnected_Int8_FastEqualsReferenceAndApproximatesFloat(bool perChannel, QuantizedArithmetic arithmetic)
    {
        int depth = 45, units = 13;
        var model = Int8Fc(perChannel, depth, units);
        var x = SBytes(2 * depth, 8);
        var fast = (sbyte[])ModelBuilder.RunSingle(model, new InterpreterOptions { QuantizedArithmetic = arithmetic }, x).Data;
        var reference = (sbyte[])ModelBuilder.RunSingle(model, new InterpreterOptions { QuantizedArithmetic = arithmetic, UseReferenceKernels = true }, x).Data;
        Assert.Equal(reference, fast);
        var w = SBytes(units * depth, 7);
        for (int i = 0; i < 2; i++)
        for (int u = 0; u < units; u++)
        {
            double scale = perChannel ? 0.005 + 0.001 * u : 0.007;
            double acc = (u * 37 - 100) * 0.04 * scale;
            for (int k = 0; k < depth; k++) acc += 0.04 * (x[i * depth + k] + 5) * scale * w[u * depth + k];
            double expected = Math.Clamp(Math.Round(Math.Max(acc, 0) / 0.09) + 10, -128, 127);
            Assert.InRange(fast[i * units + u], expected - 1, expected + 1);
        }
    }

    [Theory]
    [InlineData(QuantizedArithmetic.TfLiteBuiltin)]
    [InlineData(QuantizedArithmetic.LiteRt)]
    public void FullyConnected_UInt8_FastEqualsReference(QuantizedArithmetic arithmetic)
    {
        int depth = 20, units = 7;
        var r = new Random(4);
        var mb = new ModelBuilder();
        int input = mb.Input(TensorType.UInt8, [1, depth], ModelBuilder.Q(0.03f, 128));
        int weights = mb.Const(TensorType.UInt8, [units, depth], Enumerable.Range(0, units * depth).Select(_ => (byte)r.Next(256)).ToArray(), ModelBuilder.Q(0.02f, 130));
        int bias = mb.Const(TensorType.Int32, [units], Enumerable.Range(0, units).Select(i => i * 10).ToArray());
        int output = mb.Tensor(TensorType.UInt8, [1, units], ModelBuilder.Q(0.1f, 120));
        mb.Op(BuiltinOperator.FULLY_CONNECTED, [input, weights, bias], [output]);
        var model = mb.Build(output);
        var x = Enumerable.Range(0, depth).Select(_ => (byte)r.Next(256)).ToArray();
        var fast = (byte[])ModelBuilder.RunSingle(model, new InterpreterOptions { QuantizedArithmetic = arithmetic }, x).Data;
        var reference = (byte[])ModelBuilder.RunSingle(model, new InterpreterOptions { QuantizedArithmetic = arithmetic, UseReferenceKernels = true }, x).Data;
        Assert.Equal(reference, fast);
    }

    [Fact]
    public void FullyConnected_Int16x8_Int64Bias_FastEqualsReference()
    {
        int depth = 24, units = 5;
        var r = new Random(6);
        var mb = new ModelBuilder();
        int input = mb.Input(TensorType.Int16, [1, depth], ModelBuilder.Q(0.001f, 0));
        int weights = mb.Const(TensorType.Int8, [units, depth], SBytes(units * depth, 9), QuantizationParameters.PerChannel([0.01f, 0.02f, 0.015f, 0.011f, 0.03f], new long[units], 0));
        int bias = mb.Const(TensorType.Int64, [units], new long[] { 1000, -2000, 0, 5, 123456 });
        int output = mb.Tensor(TensorType.Int16, [1, units], ModelBuilder.Q(0.002f, 0));
        mb.Op(BuiltinOperator.FULLY_CONNECTED, [input, weights, bias], [output], version: 11);
        var model = mb.Build(output);
        var x = Enumerable.Range(0, depth).Select(_ => (short)r.Next(-3000, 3000)).ToArray();
        var fast = (short[])ModelBuilder.RunSingle(model, null, x).Data;
        var reference = (short[])ModelBuilder.RunSingle(model, new InterpreterOptions { UseReferenceKernels = true }, x).Data;
        Assert.Equal(reference, fast);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void FullyConnected_Hybrid_ApproximatesFloatWeights(bool perChannel, bool asymmetric)
    {
        int depth = 32, units = 6;
        var x = Floats(2 * depth, 21).Select(v => v + 0.3f).ToArray();
        var wq = SBytes(units * depth, 22);
        var scales = Enumerable.Range(0, units).Select(i => perChannel ? 0.01f * (i + 1) : 0.02f).ToArray();
        var wf = wq.Select((v, i) => v * scales[i / depth]).ToArray();
        var mb = new ModelBuilder();
        int input = mb.Input(TensorType.Float32, [2, depth]);
        int weights = mb.Const(TensorType.Int8, [units, depth], wq, perChannel ? QuantizationParameters.PerChannel(scales, new long[units], 0) : ModelBuilder.Q(0.02f, 0));
        int bias = mb.Const(TensorType.Float32, [units], Floats(units, 23));
        int output = mb.Tensor(TensorType.Float32, [2, units]);
        mb.Op(BuiltinOperator.FULLY_CONNECTED, [input, weights, bias], [output], o => o["asymmetric_quantize_inputs"] = asymmetric, version: asymmetric ? 9 : 3);
        var model = mb.Build(output);
        var expected = Naive(x, 2, depth, wf, units, Floats(units, 23));
        var fast = (float[])ModelBuilder.RunSingle(model, null, x).Data;
        var reference = (float[])ModelBuilder.RunSingle(model, new InterpreterOptions { UseReferenceKernels = true }, x).Data;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(reference[i], fast[i], 4);
            Assert.True(Math.Abs(expected[i] - fast[i]) < 0.05 * (1 + Math.Abs(expected[i])), $"{i}: {fast[i]} vs {expected[i]}");
        }
    }

    [Fact]
    public void FullyConnected_SparseWeights_EqualDenseWeights()
    {
        // Dense 4x4: [[1,0,2,3],[0,4,0,0],[0,0,5,0],[0,0,0,6]] stored as 2x2 blocks, CSR over block rows.
        float[] dense = [1, 0, 2, 3, 0, 4, 0, 0, 0, 0, 5, 0, 0, 0, 0, 6];
        float[] stored = [1, 0, 0, 4, 2, 3, 0, 0, 5, 0, 0, 6];
        var sparsity = new SparsityParameters
        {
            TraversalOrder = [0, 1, 2, 3],
            BlockMap = [0, 1],
            DimMetadata =
            [
                new DimensionMetadata { Format = DimensionType.Dense, DenseSize = 2 },
                new DimensionMetadata { Format = DimensionType.SparseCsr, ArraySegments = new SparseIndexVector(SparseIndexType.UInt8, [0, 2, 3]), ArrayIndices = new SparseIndexVector(SparseIndexType.UInt8, [0, 1, 1]) },
                new DimensionMetadata { Format = DimensionType.Dense, DenseSize = 2 },
                new DimensionMetadata { Format = DimensionType.Dense, DenseSize = 2 },
            ],
        };
        var x = new[] { 1f, 2f, 3f, 4f };
        float[] Run(float[] weights, SparsityParameters? sp)
        {
            var mb = new ModelBuilder();
            int input = mb.Input(TensorType.Float32, [1, 4]);
            int w = mb.Const(TensorType.Float32, [4, 4], weights);
            if (sp is not null) mb.Build().Subgraphs[0].Tensors[w].Sparsity = sp;
            int output = mb.Tensor(TensorType.Float32, [1, 4]);
            mb.Op(BuiltinOperator.FULLY_CONNECTED, [input, w, -1], [output], version: 8);
            return (float[])ModelBuilder.RunSingle(mb.Build(output), null, x).Data;
        }

        Assert.Equal(Run(dense, null), Run(stored, sparsity));
        Assert.Equal(new[] { 19f, 8f, 15f, 24f }, Run(stored, sparsity));
    }
}
