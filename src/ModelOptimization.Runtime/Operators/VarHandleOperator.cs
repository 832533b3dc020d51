using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// VAR_HANDLE: names a resource variable (options container and shared_name). Resolved in prepare: the output
/// resource tensor carries the name, which READ_VARIABLE and ASSIGN_VARIABLE of any subgraph look up in the
/// interpreter's variables.
/// </summary>
internal sealed class VarHandleOperator : OperatorKernel
{
    public override void Prepare(KernelContext ctx)
    {
        string container = ctx.Options?["container"] as string ?? "";
        string name = ctx.Options?["shared_name"] as string ?? "";
        ctx.Output(0).ResourceKey = container + "/" + name;
        ctx.SetOutputShape(0, []);
    }

    public override void Eval(KernelContext ctx)
    {
    }
}
