using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// DENSIFY: the sparse constant input was already expanded (and checked) when the model was loaded, so this copies
/// it; the node is folded in prepare.
/// </summary>
internal sealed class DensifyOperator : UnaryOperator
{
    protected override void PrepareTypes(KernelContext ctx, RuntimeTensor input, RuntimeTensor output)
    {
        RequireSameType(ctx, input, output);
        ctx.Require(input.IsConstantValue, "DENSIFY needs a constant input");
    }

    public override void Eval(KernelContext ctx) => ctx.Input(0).Bytes.CopyTo(ctx.Output(0).WritableBytes);
}
