using ModelOptimization.Core.Errors;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>READ_VARIABLE: the resource variable's current value; the output shape follows it (dynamic).</summary>
internal sealed class ReadVariableOperator : OperatorKernel
{
    public override bool IsPure => false;

    public override void Prepare(KernelContext ctx)
    {
        string? key = ctx.Input(0).ResourceKey;
        ctx.Require(key is not null, "the resource input does not come from a VAR_HANDLE of this subgraph");
        if (!ctx.Evaluating)
        {
            ctx.SetOutputsDynamic();
            return;
        }

        var variable = Lookup(ctx, key!);
        ctx.Require(variable.Type == ctx.Output(0).Type, $"variable '{key}' holds {variable.Type}, the output is {ctx.Output(0).Type}");
        ctx.SetOutputShape(0, variable.Shape.ToArray());
    }

    public override void Eval(KernelContext ctx)
    {
        var variable = Lookup(ctx, ctx.Input(0).ResourceKey!);
        variable.Data.CopyTo(ctx.Output(0).WritableBytes);
    }

    private static ResourceVariable Lookup(KernelContext ctx, string key)
        => ctx.Graph.Session.ResourceVariables.TryGetValue(key, out var v)
            ? v
            : throw new ModelOptimizationException(ErrorIds.InputDataInvalid, ErrorKind.InvalidArgument,
                $"READ_VARIABLE (operator {ctx.Index}) reads the resource variable '{key}' before any ASSIGN_VARIABLE stored a value.", key,
                "Run the signature or subgraph that initializes the variable first.");
}
