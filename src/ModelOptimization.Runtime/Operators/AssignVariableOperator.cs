using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>ASSIGN_VARIABLE: stores a copy of the value (type, shape, bytes) in the resource variable.</summary>
internal sealed class AssignVariableOperator : OperatorKernel
{
    public override bool IsPure => false;

    public override void Prepare(KernelContext ctx)
    {
        ctx.Require(ctx.Input(0).ResourceKey is not null, "the resource input does not come from a VAR_HANDLE of this subgraph");
    }

    public override void Eval(KernelContext ctx)
    {
        var value = ctx.Input(1);
        var variables = ctx.Graph.Session.ResourceVariables;
        string key = ctx.Input(0).ResourceKey!;
        if (variables.TryGetValue(key, out var existing))
        {
            ctx.Require(existing.Type == value.Type, $"variable '{key}' holds {existing.Type}, cannot assign {value.Type}");
        }

        variables[key] = new ResourceVariable(value.Type, value.Shape.ToArray(), value.Bytes.ToArray());
    }
}
