using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Tests.Helpers;

namespace ModelOptimization.Runtime.Tests.Operators;

/// <summary>Data movement: reshape, squeeze, expand, concat, split, slice, strided slice, transpose, pad, gather, tile, pack.</summary>
public sealed class ShapeOperatorTests
{
    private static readonly float[] Six = [1, 2, 3, 4, 5, 6];

    [Fact]
    public void Reshape_ShapeTensorWithMinusOne_InfersDimension()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [2, 3]);
        int s = mb.Const(TensorType.Int32, [2], new[] { -1, 2 });
        int o = mb.Tensor(TensorType.Float32, [3, 2]);
        mb.Op(BuiltinOperator.RESHAPE, [i, s], [o]);
        var r = ModelBuilder.RunSingle(mb.Build(o), null, Six);
        Assert.Equal(new[] { 3, 2 }, r.Shape);
        Assert.Equal(Six, (float[])r.Data);
    }

    [Fact]
    public void SqueezeAndExpandDims_ChangeRankOnly()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [1, 6, 1]);
        int sq = mb.Tensor(TensorType.Float32, [6]);
        int axis = mb.Const(TensorType.Int32, [], new[] { -1 });
        int o = mb.Tensor(TensorType.Float32, [6, 1]);
        mb.Op(BuiltinOperator.SQUEEZE, [i], [sq]);
        mb.Op(BuiltinOperator.EXPAND_DIMS, [sq, axis], [o]);
        var r = ModelBuilder.RunSingle(mb.Build(o), null, Six);
        Assert.Equal(new[] { 6, 1 }, r.Shape);
        Assert.Equal(Six, (float[])r.Data);
    }

    [Fact]
    public void Concatenation_Axis1_InterleavesRows()
    {
        var mb = new ModelBuilder();
        int a = mb.Input(TensorType.Float32, [2, 1]);
        int b = mb.Input(TensorType.Float32, [2, 2]);
        int o = mb.Tensor(TensorType.Float32, [2, 3]);
        mb.Op(BuiltinOperator.CONCATENATION, [a, b], [o], x => x["axis"] = -1);
        var r = ModelBuilder.RunSingle(mb.Build(o), null, new[] { 1f, 2f }, new[] { 3f, 4f, 5f, 6f });
        Assert.Equal(new[] { 1f, 3f, 4f, 2f, 5f, 6f }, (float[])r.Data);
    }

    [Fact]
    public void Concatenation_UInt8DifferentScales_Rescales()
    {
        var mb = new ModelBuilder();
        int a = mb.Input(TensorType.UInt8, [2], ModelBuilder.Q(0.5f, 0));
        int b = mb.Input(TensorType.UInt8, [2], ModelBuilder.Q(1f, 10));
        int o = mb.Tensor(TensorType.UInt8, [4], ModelBuilder.Q(1f, 0));
        mb.Op(BuiltinOperator.CONCATENATION, [a, b], [o], x => x["axis"] = 0);
        var r = ModelBuilder.RunSingle(mb.Build(o), null, new byte[] { 10, 21 }, new byte[] { 15, 5 });
        Assert.Equal(new byte[] { 5, 11, 5, 0 }, (byte[])r.Data);
    }

    [Fact]
    public void SplitAndSplitV_ProduceParts()
    {
        var mb = new ModelBuilder();
        int axis = mb.Const(TensorType.Int32, [], new[] { 1 });
        int i = mb.Input(TensorType.Float32, [2, 3]);
        int o1 = mb.Tensor(TensorType.Float32, [2, 1]);
        int o2 = mb.Tensor(TensorType.Float32, [2, 2]);
        int sizes = mb.Const(TensorType.Int32, [2], new[] { 1, -1 });
        mb.Op(BuiltinOperator.SPLIT_V, [i, sizes, axis], [o1, o2], x => x["num_splits"] = 2);
        using var interpreter = Interpreter.Create(mb.Build(o1, o2));
        interpreter.SetInput(0, Six);
        interpreter.Invoke();
        Assert.Equal(new[] { 1f, 4f }, (float[])interpreter.GetOutput(0).Data);
        Assert.Equal(new[] { 2f, 3f, 5f, 6f }, (float[])interpreter.GetOutput(1).Data);

        var mb2 = new ModelBuilder();
        int axis0 = mb2.Const(TensorType.Int32, [], new[] { 0 });
        int j = mb2.Input(TensorType.Float32, [2, 3]);
        int p1 = mb2.Tensor(TensorType.Float32, [1, 3]);
        int p2 = mb2.Tensor(TensorType.Float32, [1, 3]);
        mb2.Op(BuiltinOperator.SPLIT, [axis0, j], [p1, p2], x => x["num_splits"] = 2);
        using var second = Interpreter.Create(mb2.Build(p1, p2));
        second.SetInput(0, Six);
        second.Invoke();
        Assert.Equal(new[] { 4f, 5f, 6f }, (float[])second.GetOutput(1).Data);
    }

    [Fact]
    public void Slice_SizeMinusOne_TakesTheRest()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [2, 3]);
        int begin = mb.Const(TensorType.Int32, [2], new[] { 1, 1 });
        int size = mb.Const(TensorType.Int32, [2], new[] { 1, -1 });
        int o = mb.Tensor(TensorType.Float32, [1, 2]);
        mb.Op(BuiltinOperator.SLICE, [i, begin, size], [o]);
        Assert.Equal(new[] { 5f, 6f }, (float[])ModelBuilder.RunSingle(mb.Build(o), null, Six).Data);
    }

    [Fact]
    public void StridedSlice_NegativeStrideAndShrink()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [2, 3]);
        int begin = mb.Const(TensorType.Int32, [2], new[] { 1, -1 });
        int end = mb.Const(TensorType.Int32, [2], new[] { 2, 0 });
        int strides = mb.Const(TensorType.Int32, [2], new[] { 1, -1 });
        int o = mb.Tensor(TensorType.Float32, [3]);
        mb.Op(BuiltinOperator.STRIDED_SLICE, [i, begin, end, strides], [o], x => { x["shrink_axis_mask"] = 1; x["end_mask"] = 2; });
        var r = ModelBuilder.RunSingle(mb.Build(o), null, Six);
        Assert.Equal(new[] { 3 }, r.Shape);
        Assert.Equal(new[] { 6f, 5f, 4f }, (float[])r.Data);
    }

    [Fact]
    public void StridedSlice_EllipsisAndNewAxis()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [2, 3]);
        int begin = mb.Const(TensorType.Int32, [2], new[] { 0, 0 });
        int end = mb.Const(TensorType.Int32, [2], new[] { 0, 2 });
        int strides = mb.Const(TensorType.Int32, [2], new[] { 1, 1 });
        int o = mb.Tensor(TensorType.Float32, [2, 2]);
        mb.Op(BuiltinOperator.STRIDED_SLICE, [i, begin, end, strides], [o], x => x["ellipsis_mask"] = 1);
        var r = ModelBuilder.RunSingle(mb.Build(o), null, Six);
        Assert.Equal(new[] { 2, 2 }, r.Shape);
        Assert.Equal(new[] { 1f, 2f, 4f, 5f }, (float[])r.Data);
    }

    [Fact]
    public void Transpose_Permutes3D()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Int32, [1, 2, 3]);
        int perm = mb.Const(TensorType.Int32, [3], new[] { 2, 0, 1 });
        int o = mb.Tensor(TensorType.Int32, [3, 1, 2]);
        mb.Op(BuiltinOperator.TRANSPOSE, [i, perm], [o]);
        var r = ModelBuilder.RunSingle(mb.Build(o), null, new[] { 1, 2, 3, 4, 5, 6 });
        Assert.Equal(new[] { 3, 1, 2 }, r.Shape);
        Assert.Equal(new[] { 1, 4, 2, 5, 3, 6 }, (int[])r.Data);
    }

    [Fact]
    public void Pad_Int8_PadsWithZeroPoint()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Int8, [2], ModelBuilder.Q(0.1f, -3));
        int p = mb.Const(TensorType.Int32, [1, 2], new[] { 1, 2 });
        int o = mb.Tensor(TensorType.Int8, [5], ModelBuilder.Q(0.1f, -3));
        mb.Op(BuiltinOperator.PAD, [i, p], [o]);
        Assert.Equal(new sbyte[] { -3, 7, 8, -3, -3 }, (sbyte[])ModelBuilder.RunSingle(mb.Build(o), null, new sbyte[] { 7, 8 }).Data);
    }

    [Fact]
    public void MirrorPad_Reflect()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [3]);
        int p = mb.Const(TensorType.Int32, [1, 2], new[] { 2, 1 });
        int o = mb.Tensor(TensorType.Float32, [6]);
        mb.Op(BuiltinOperator.MIRROR_PAD, [i, p], [o], x => x["mode"] = (sbyte)MirrorPadMode.REFLECT);
        Assert.Equal(new[] { 3f, 2f, 1f, 2f, 3f, 2f }, (float[])ModelBuilder.RunSingle(mb.Build(o), null, new[] { 1f, 2f, 3f }).Data);
    }

    [Fact]
    public void Gather_Axis1AndGatherNd()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [2, 3]);
        int idx = mb.Const(TensorType.Int32, [2], new[] { 2, 0 });
        int o = mb.Tensor(TensorType.Float32, [2, 2]);
        mb.Op(BuiltinOperator.GATHER, [i, idx], [o], x => x["axis"] = 1);
        Assert.Equal(new[] { 3f, 1f, 6f, 4f }, (float[])ModelBuilder.RunSingle(mb.Build(o), null, Six).Data);

        var mb2 = new ModelBuilder();
        int j = mb2.Input(TensorType.Float32, [2, 3]);
        int nd = mb2.Const(TensorType.Int32, [2, 2], new[] { 1, 2, 0, 1 });
        int o2 = mb2.Tensor(TensorType.Float32, [2]);
        mb2.Op(BuiltinOperator.GATHER_ND, [j, nd], [o2]);
        Assert.Equal(new[] { 6f, 2f }, (float[])ModelBuilder.RunSingle(mb2.Build(o2), null, Six).Data);
    }

    [Fact]
    public void Gather_IndexOutOfRange_FailsInsteadOfReadingGarbage()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [3]);
        int idx = mb.Input(TensorType.Int32, [1]);
        int o = mb.Tensor(TensorType.Float32, [1]);
        mb.Op(BuiltinOperator.GATHER, [i, idx], [o]);
        using var interpreter = Interpreter.Create(mb.Build(o));
        interpreter.SetInput(0, new[] { 1f, 2f, 3f });
        interpreter.SetInput(1, new[] { 3 });
        Assert.Throws<Core.Errors.ModelOptimizationException>(() => interpreter.Invoke());
    }

    [Fact]
    public void TilePackUnpack_RoundTrip()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [1, 2]);
        int m = mb.Const(TensorType.Int32, [2], new[] { 2, 1 });
        int t = mb.Tensor(TensorType.Float32, [2, 2]);
        int u0 = mb.Tensor(TensorType.Float32, [2]);
        int u1 = mb.Tensor(TensorType.Float32, [2]);
        int p = mb.Tensor(TensorType.Float32, [2, 2]);
        mb.Op(BuiltinOperator.TILE, [i, m], [t]);
        mb.Op(BuiltinOperator.UNPACK, [t], [u0, u1], x => { x["num"] = 2; x["axis"] = 1; });
        mb.Op(BuiltinOperator.PACK, [u0, u1], [p], x => { x["values_count"] = 2; x["axis"] = 0; });
        var r = ModelBuilder.RunSingle(mb.Build(p), null, new[] { 7f, 8f });
        Assert.Equal(new[] { 7f, 7f, 8f, 8f }, (float[])r.Data);
    }

    [Fact]
    public void SpaceToBatchThenBatchToSpace_IsIdentity()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [1, 4, 4, 1]);
        int block = mb.Const(TensorType.Int32, [2], new[] { 2, 2 });
        int pads = mb.Const(TensorType.Int32, [2, 2], new[] { 0, 0, 0, 0 });
        int s = mb.Tensor(TensorType.Float32, [4, 2, 2, 1]);
        int o = mb.Tensor(TensorType.Float32, [1, 4, 4, 1]);
        mb.Op(BuiltinOperator.SPACE_TO_BATCH_ND, [i, block, pads], [s]);
        mb.Op(BuiltinOperator.BATCH_TO_SPACE_ND, [s, block, pads], [o]);
        var x = Enumerable.Range(0, 16).Select(v => (float)v).ToArray();
        Assert.Equal(x, (float[])ModelBuilder.RunSingle(mb.Build(o), null, x).Data);
    }

    [Fact]
    public void Shape_IsFoldedAndFeedsReshape()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [2, 3]);
        int shape = mb.Tensor(TensorType.Int32, [2]);
        int other = mb.Input(TensorType.Float32, [6]);
        int o = mb.Tensor(TensorType.Float32, [2, 3]);
        mb.Op(BuiltinOperator.SHAPE, [i], [shape], x => x["out_type"] = (sbyte)TensorType.Int32);
        mb.Op(BuiltinOperator.RESHAPE, [other, shape], [o]);
        var r = ModelBuilder.RunSingle(mb.Build(o), null, Six, Six);
        Assert.Equal(new[] { 2, 3 }, r.Shape);
    }

    [Fact]
    public void Reshape_ShapeComputedAtRunTime_IsDynamic()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [6]);
        int s = mb.Input(TensorType.Int32, [2]);
        int o = mb.Tensor(TensorType.Float32, [6]);
        mb.Op(BuiltinOperator.RESHAPE, [i, s], [o]);
        using var interpreter = Interpreter.Create(mb.Build(o));
        interpreter.SetInput(0, Six);
        interpreter.SetInput(1, new[] { 3, 2 });
        interpreter.Invoke();
        Assert.Equal(new[] { 3, 2 }, interpreter.GetOutput(0).Shape);
        interpreter.SetInput(1, new[] { 1, 6 });
        interpreter.Invoke();
        Assert.Equal(new[] { 1, 6 }, interpreter.GetOutput(0).Shape);
    }
}
