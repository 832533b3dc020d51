using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>AVERAGE_POOL_2D: float, int8, uint8, int16 (integer mean rounded half away from zero).</summary>
internal sealed class AveragePool2DOperator : Pool2DOperator
{
    protected override void PrepareType(KernelContext ctx, RuntimeTensor input, RuntimeTensor output)
        => ctx.Require(input.Type is TensorType.Float32 or TensorType.Int8 or TensorType.UInt8 or TensorType.Int16, $"AVERAGE_POOL_2D of {TensorTypeInfo.ShortName(input.Type)}");

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        var g = Geometry;
        switch (Type)
        {
            case TensorType.Float32:
                ParallelWork.For(ctx.Threads, Rows, WorkPerRow, (s, e, _) => ReferenceKernels.AveragePoolFloat(g, input.Read<float>(), output.Write<float>(), FloatMin, FloatMax, s, e));
                break;
            case TensorType.Int8:
                ParallelWork.For(ctx.Threads, Rows, WorkPerRow, (s, e, _) => ReferenceKernels.AveragePoolQuantized(g, input.Read<sbyte>(), output.Write<sbyte>(), ActMin, ActMax, s, e));
                break;
            case TensorType.UInt8:
                ParallelWork.For(ctx.Threads, Rows, WorkPerRow, (s, e, _) => ReferenceKernels.AveragePoolQuantized(g, input.Read<byte>(), output.Write<byte>(), ActMin, ActMax, s, e));
                break;
            case TensorType.Int16:
                ParallelWork.For(ctx.Threads, Rows, WorkPerRow, (s, e, _) => ReferenceKernels.AveragePoolQuantized(g, input.Read<short>(), output.Write<short>(), ActMin, ActMax, s, e));
                break;
        }
    }
}
