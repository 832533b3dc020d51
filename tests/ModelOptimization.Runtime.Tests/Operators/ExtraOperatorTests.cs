using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Tests.Helpers;

namespace ModelOptimization.Runtime.Tests.Operators;

/// <summary>
/// DEPTH_TO_SPACE, SPACE_TO_DEPTH, BROADCAST_TO, REVERSE_V2, RANGE, CUMSUM, ONE_HOT, LOGICAL_*, LOG_SOFTMAX, ELU,
/// GELU on small hand-built models with hand-computed expectations.
/// </summary>
public sealed class ExtraOperatorTests
{
    [Fact]
    public void DepthToSpace_ThenSpaceToDepth_RoundTrips()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [1, 2, 3, 8]);
        int d = mb.Tensor(TensorType.Float32, [1, 4, 6, 2]);
        int o = mb.Tensor(TensorType.Float32, [1, 2, 3, 8]);
        mb.Op(BuiltinOperator.DEPTH_TO_SPACE, [i], [d], x => x["block_size"] = 2);
        mb.Op(BuiltinOperator.SPACE_TO_DEPTH, [d], [o], x => x["block_size"] = 2);
        var x = Enumerable.Range(0, 48).Select(v => (float)v).ToArray();
        using var interpreter = Interpreter.Create(mb.Build(d, o), new InterpreterOptions());
        interpreter.SetInput(0, x);
        interpreter.Invoke();
        var space = (float[])interpreter.GetOutput(0).Data;
        // out[0, 1, 0, 1] = in[0, 0, 0, (1·2 + 0)·2 + 1] = 5.
        Assert.Equal(5f, space[((0 * 4 + 1) * 6 + 0) * 2 + 1]);
        Assert.Equal(x, (float[])interpreter.GetOutput(1).Data);
    }

    [Fact]
    public void BroadcastTo_RepeatsAlongNewAndUnitDimensions()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Int32, [2, 1]);
        int s = mb.Const(TensorType.Int32, [3], new[] { 2, 2, 3 });
        int o = mb.Tensor(TensorType.Int32, [2, 2, 3]);
        mb.Op(BuiltinOperator.BROADCAST_TO, [i, s], [o], version: 2);
        var y = (int[])ModelBuilder.RunSingle(mb.Build(o), null, new[] { 7, 9 }).Data;
        Assert.Equal(new[] { 7, 7, 7, 9, 9, 9, 7, 7, 7, 9, 9, 9 }, y);
    }

    [Fact]
    public void ReverseV2_ReversesTheGivenAxis()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Int32, [2, 3]);
        int a = mb.Const(TensorType.Int32, [1], new[] { -1 });
        int o = mb.Tensor(TensorType.Int32, [2, 3]);
        mb.Op(BuiltinOperator.REVERSE_V2, [i, a], [o]);
        var y = (int[])ModelBuilder.RunSingle(mb.Build(o), null, new[] { 1, 2, 3, 4, 5, 6 }).Data;
        Assert.Equal(new[] { 3, 2, 1, 6, 5, 4 }, y);
    }

    [Fact]
    public void Range_FromInputs_HasDynamicLength()
    {
        var mb = new ModelBuilder();
        int s = mb.Input(TensorType.Int32, []);
        int l = mb.Input(TensorType.Int32, []);
        int d = mb.Input(TensorType.Int32, []);
        int o = mb.Tensor(TensorType.Int32, [-1]);
        mb.Op(BuiltinOperator.RANGE, [s, l, d], [o]);
        var y = ModelBuilder.RunSingle(mb.Build(o), null, new[] { 10 }, new[] { 1 }, new[] { -3 });
        Assert.Equal(new[] { 3 }, y.Shape);
        Assert.Equal(new[] { 10, 7, 4 }, (int[])y.Data);
    }

    [Theory]
    [InlineData(false, false, new[] { 1f, 3f, 6f })]
    [InlineData(true, false, new[] { 0f, 1f, 3f })]
    [InlineData(false, true, new[] { 6f, 5f, 3f })]
    [InlineData(true, true, new[] { 5f, 3f, 0f })]
    public void Cumsum_ExclusiveAndReverse(bool exclusive, bool reverse, float[] expected)
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [3]);
        int a = mb.Const(TensorType.Int32, [], new[] { 0 });
        int o = mb.Tensor(TensorType.Float32, [3]);
        mb.Op(BuiltinOperator.CUMSUM, [i, a], [o], x => { x["exclusive"] = exclusive; x["reverse"] = reverse; });
        Assert.Equal(expected, (float[])ModelBuilder.RunSingle(mb.Build(o), null, new[] { 1f, 2f, 3f }).Data);
    }

    [Fact]
    public void OneHot_LastAxis_OutOfRangeIsAllOff()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Int32, [3]);
        int depth = mb.Const(TensorType.Int32, [], new[] { 3 });
        int on = mb.Const(TensorType.Float32, [], new[] { 5f });
        int off = mb.Const(TensorType.Float32, [], new[] { -1f });
        int o = mb.Tensor(TensorType.Float32, [3, 3]);
        mb.Op(BuiltinOperator.ONE_HOT, [i, depth, on, off], [o], x => x["axis"] = -1);
        var y = (float[])ModelBuilder.RunSingle(mb.Build(o), null, new[] { 2, 0, 7 }).Data;
        Assert.Equal(new[] { -1f, -1f, 5f, 5f, -1f, -1f, -1f, -1f, -1f }, y);
    }

    [Fact]
    public void LogicalOps_Broadcast()
    {
        var mb = new ModelBuilder();
        int a = mb.Input(TensorType.Bool, [4]);
        int b = mb.Input(TensorType.Bool, [1]);
        int and = mb.Tensor(TensorType.Bool, [4]);
        int or = mb.Tensor(TensorType.Bool, [4]);
        int not = mb.Tensor(TensorType.Bool, [4]);
        mb.Op(BuiltinOperator.LOGICAL_AND, [a, b], [and]);
        mb.Op(BuiltinOperator.LOGICAL_OR, [a, b], [or]);
        mb.Op(BuiltinOperator.LOGICAL_NOT, [a], [not]);
        using var interpreter = Interpreter.Create(mb.Build(and, or, not), new InterpreterOptions());
        interpreter.SetInput(0, new[] { true, false, true, false });
        interpreter.SetInput(1, new[] { true });
        interpreter.Invoke();
        Assert.Equal(new[] { true, false, true, false }, (bool[])interpreter.GetOutput(0).Data);
        Assert.Equal(new[] { true, true, true, true }, (bool[])interpreter.GetOutput(1).Data);
        Assert.Equal(new[] { false, true, false, true }, (bool[])interpreter.GetOutput(2).Data);
    }

    [Fact]
    public void FloatActivations_MatchFormulas()
    {
        float[] x = [-3f, -0.5f, 0f, 0.7f, 2.5f];
        float[] Run(BuiltinOperator op, Action<OperatorOptions>? options = null)
        {
            var mb = new ModelBuilder();
            int i = mb.Input(TensorType.Float32, [1, 5]);
            int o = mb.Tensor(TensorType.Float32, [1, 5]);
            mb.Op(op, [i], [o], options);
            return (float[])ModelBuilder.RunSingle(mb.Build(o), null, x).Data;
        }

        var elu = Run(BuiltinOperator.ELU);
        var gelu = Run(BuiltinOperator.GELU);
        var geluApprox = Run(BuiltinOperator.GELU, o => o["approximate"] = true);
        var logSoftmax = Run(BuiltinOperator.LOG_SOFTMAX);
        double logSum = Math.Log(x.Sum(v => Math.Exp(v)));
        // erf values: GELU(x) = x·Φ(x).
        double[] phi = [0.0013498980316301, 0.3085375387259869, 0.5, 0.7580363477769270, 0.9937903346742238];
        for (int k = 0; k < x.Length; k++)
        {
            Assert.Equal(x[k] < 0 ? Math.Exp(x[k]) - 1 : x[k], elu[k], 6);
            Assert.Equal(x[k] * phi[k], gelu[k], 6);
            double t = Math.Tanh(Math.Sqrt(2 / Math.PI) * (x[k] + 0.044715 * Math.Pow(x[k], 3)));
            Assert.Equal(0.5 * x[k] * (1 + t), geluApprox[k], 6);
            Assert.Equal(x[k] - logSum, logSoftmax[k], 5);
        }
    }
}
