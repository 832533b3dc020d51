using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>LOGICAL_NOT on a bool tensor.</summary>
internal sealed class LogicalNotOperator : UnaryOperator
{
    protected override void PrepareTypes(KernelContext ctx, RuntimeTensor input, RuntimeTensor output)
    {
        RequireSameType(ctx, input, output);
        ctx.Require(input.Type == TensorType.Bool, $"LOGICAL_NOT of {TensorTypeInfo.ShortName(input.Type)}");
    }

    public override void Eval(KernelContext ctx)
    {
        var x = ctx.Input(0).Read<bool>();
        var y = ctx.Output(0).Write<bool>();
        for (int i = 0; i < x.Length; i++) y[i] = !x[i];
    }
}
