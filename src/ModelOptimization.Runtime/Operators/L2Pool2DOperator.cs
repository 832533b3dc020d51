using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;
using KernelReference = ModelOptimization.Kernels.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>L2_POOL_2D: float only (TFLite has no quantized kernel).</summary>
internal sealed class L2Pool2DOperator : Pool2DOperator
{
    protected override void PrepareType(KernelContext ctx, RuntimeTensor input, RuntimeTensor output)
        => ctx.Require(input.Type == TensorType.Float32, $"L2_POOL_2D of {TensorTypeInfo.ShortName(input.Type)}");

    public override void Eval(KernelContext ctx)
        => KernelReference.Pooling.L2PoolFloat(ctx.Input(0).Read<float>(), ctx.Output(0).Write<float>(), PoolGeometry, FloatMin, FloatMax);
}
