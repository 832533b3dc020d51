using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>L2_POOL_2D: float only (TFLite has no quantized kernel).</summary>
internal sealed class L2Pool2DOperator : Pool2DOperator
{
    protected override void PrepareType(KernelContext ctx, RuntimeTensor input, RuntimeTensor output)
        => ctx.Require(input.Type == TensorType.Float32, $"L2_POOL_2D of {TensorTypeInfo.ShortName(input.Type)}");

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        var g = Geometry;
        ParallelWork.For(ctx.Threads, Rows, WorkPerRow, (s, e, _) => ReferenceKernels.L2PoolFloat(g, input.Read<float>(), output.Write<float>(), FloatMin, FloatMax, s, e));
    }
}
