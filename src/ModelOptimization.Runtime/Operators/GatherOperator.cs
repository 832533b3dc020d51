using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>GATHER along an axis with batch_dims; indices int32/int64; an index out of range is an error, as in TFLite.</summary>
internal sealed class GatherOperator : OperatorKernel
{
    private int _axis, _batchDims;

    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var indices = ctx.Input(1);
        ctx.Require(indices.Type is TensorType.Int32 or TensorType.Int64 or TensorType.Int16, "indices must be int32 or int64");
        ctx.Require(TensorTypeInfo.BitWidth(input.Type) >= 8, $"GATHER of {TensorTypeInfo.ShortName(input.Type)}");
        int rank = input.Rank;
        _axis = ctx.GetInt("axis");
        if (_axis < 0) _axis += rank;
        _batchDims = ctx.GetInt("batch_dims");
        if (_batchDims < 0) _batchDims += indices.Rank;
        ctx.Require(_axis >= 0 && _axis < rank, "axis out of range");
        ctx.Require(_batchDims >= 0 && _batchDims <= _axis && _batchDims <= indices.Rank, "batch_dims out of range");
        for (int i = 0; i < _batchDims; i++) ctx.Require(input.Shape[i] == indices.Shape[i], "batch dimensions differ");
        var shape = new List<int>();
        shape.AddRange(input.Shape[.._axis]);
        shape.AddRange(indices.Shape[_batchDims..]);
        shape.AddRange(input.Shape[(_axis + 1)..]);
        ctx.SetOutputShape(0, shape.ToArray());
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var indicesT = ctx.Input(1);
        var output = ctx.Output(0);
        int elem = input.ElementSize;
        var coords = TensorValues.ReadInts(indicesT);
        int batch = ShapeUtil.Product(input.Shape, 0, _batchDims);
        int outer = ShapeUtil.Product(input.Shape, _batchDims, _axis);
        int inner = ShapeUtil.Product(input.Shape, _axis + 1, input.Rank);
        int axisSize = input.Shape[_axis];
        int coordSize = ShapeUtil.Product(indicesT.Shape, _batchDims, indicesT.Rank);
        var src = input.Bytes;
        var dst = output.WritableBytes;
        for (int b = 0; b < batch; b++)
        {
            for (int o = 0; o < outer; o++)
            {
                for (int i = 0; i < coordSize; i++)
                {
                    int from = coords[b * coordSize + i];
                    if ((uint)from >= (uint)axisSize) throw ctx.NotSupported($"index {from} is out of range [0, {axisSize})");
                    long dstIndex = (((long)b * outer + o) * coordSize + i) * inner;
                    long srcIndex = (((long)b * outer + o) * axisSize + from) * inner;
                    TensorValues.CopyElements(src, srcIndex, dst, dstIndex, inner, elem);
                }
            }
        }
    }
}
