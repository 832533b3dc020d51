using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>LOGICAL_AND / LOGICAL_OR on bool tensors with broadcasting.</summary>
internal sealed class LogicalOperator(bool and) : BinaryOperator
{
    protected override void PrepareTypes(KernelContext ctx, RuntimeTensor a, RuntimeTensor b, RuntimeTensor o)
    {
        RequireSameTypes(ctx, a, b, o);
        ctx.Require(a.Type == TensorType.Bool, $"{ctx.OpName} of {TensorTypeInfo.ShortName(a.Type)}");
    }

    public override void Eval(KernelContext ctx)
    {
        if (and) Run<bool, And>(ctx, default);
        else Run<bool, Or>(ctx, default);
    }

    private readonly struct And : IBinaryFunc<bool, bool, bool>
    {
        public bool Apply(bool a, bool b) => a && b;
    }

    private readonly struct Or : IBinaryFunc<bool, bool, bool>
    {
        public bool Apply(bool a, bool b) => a || b;
    }
}
