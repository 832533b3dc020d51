using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>CALL_ONCE: runs the init subgraph the first time the node is invoked.</summary>
internal sealed class CallOnceOperator : ControlFlowOperator
{
    private bool _done;

    public override void Prepare(KernelContext ctx) => Subgraph(ctx, ctx.GetInt("init_subgraph_index"));

    public override void Eval(KernelContext ctx)
    {
        if (_done) return;
        Subgraph(ctx, ctx.GetInt("init_subgraph_index")).Invoke();
        _done = true;
    }
}
