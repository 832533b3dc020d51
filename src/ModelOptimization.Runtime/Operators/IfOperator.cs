using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>IF: runs the then or else subgraph on inputs 1..n depending on the bool input 0.</summary>
internal sealed class IfOperator : ControlFlowOperator
{
    public override void Prepare(KernelContext ctx)
    {
        var cond = ctx.Input(0);
        ctx.Require(cond.Type == TensorType.Bool && cond.ElementCount == 1, "the condition must be a bool scalar");
        var args = Enumerable.Range(1, ctx.InputCount - 1).Select(i => ctx.Input(i).Shape).ToList();
        var then = Subgraph(ctx, ctx.GetInt("then_subgraph_index"));
        var otherwise = Subgraph(ctx, ctx.GetInt("else_subgraph_index"));
        then.EnsureInputShapes(args);
        otherwise.EnsureInputShapes(args);
        bool same = true;
        for (int i = 0; i < ctx.OutputCount; i++)
        {
            var a = then.Tensors[then.Outputs[i]].Shape;
            var b = otherwise.Tensors[otherwise.Outputs[i]].Shape;
            same &= ShapeUtil.SameShape(a, b);
            ctx.SetOutputShape(i, a.ToArray());
        }

        if (!same) ctx.SetOutputsDynamic();
    }

    public override void Eval(KernelContext ctx)
    {
        bool cond = ctx.Input(0).Bytes[0] != 0;
        var branch = Subgraph(ctx, ctx.GetInt(cond ? "then_subgraph_index" : "else_subgraph_index"));
        var args = Enumerable.Range(1, ctx.InputCount - 1).Select(ctx.Input).ToList();
        branch.EnsureInputShapes(args.Select(a => a.Shape).ToList());
        branch.SetInputs(args);
        branch.Invoke();
        CopyOutputs(ctx, branch);
    }
}
