using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>WHILE: runs the body subgraph on the loop variables while the cond subgraph returns true.</summary>
internal sealed class WhileOperator : ControlFlowOperator
{
    public override void Prepare(KernelContext ctx)
    {
        ctx.Require(ctx.InputCount == ctx.OutputCount, "WHILE needs as many outputs as inputs");
        var shapes = Enumerable.Range(0, ctx.InputCount).Select(i => ctx.Input(i).Shape).ToList();
        var cond = Subgraph(ctx, ctx.GetInt("cond_subgraph_index"));
        var body = Subgraph(ctx, ctx.GetInt("body_subgraph_index"));
        cond.EnsureInputShapes(shapes);
        body.EnsureInputShapes(shapes);
        var c = cond.Tensors[cond.Outputs[0]];
        ctx.Require(c.Type == TensorType.Bool, "the cond subgraph must return a bool");
        bool stable = true;
        for (int i = 0; i < ctx.OutputCount; i++)
        {
            stable &= ShapeUtil.SameShape(body.Tensors[body.Outputs[i]].Shape, shapes[i]);
            ctx.SetOutputShape(i, shapes[i].ToArray());
        }

        if (!stable) ctx.SetOutputsDynamic();
    }

    public override void Eval(KernelContext ctx)
    {
        var cond = Subgraph(ctx, ctx.GetInt("cond_subgraph_index"));
        var body = Subgraph(ctx, ctx.GetInt("body_subgraph_index"));
        int n = ctx.InputCount;
        var state = new List<(int[] Shape, byte[] Bytes, RuntimeTensor Source)>();
        for (int i = 0; i < n; i++) state.Add((ctx.Input(i).Shape.ToArray(), ctx.Input(i).Bytes.ToArray(), ctx.Input(i)));
        while (true)
        {
            ctx.CancellationToken.ThrowIfCancellationRequested();
            cond.EnsureInputShapes(state.Select(s => s.Shape).ToList());
            Load(cond, state);
            cond.Invoke();
            if (cond.Tensors[cond.Outputs[0]].Bytes[0] == 0) break;
            body.EnsureInputShapes(state.Select(s => s.Shape).ToList());
            Load(body, state);
            body.Invoke();
            for (int i = 0; i < n; i++)
            {
                var o = body.Tensors[body.Outputs[i]];
                state[i] = (o.Shape.ToArray(), o.Bytes.ToArray(), state[i].Source);
            }
        }

        for (int i = 0; i < n; i++)
        {
            var dst = ctx.Output(i);
            if (!ShapeUtil.SameShape(dst.Shape, state[i].Shape))
            {
                dst.Shape = state[i].Shape;
                if (dst.Storage == TensorStorage.Dynamic) dst.EnsureOwned();
            }

            state[i].Bytes.CopyTo(dst.WritableBytes);
        }
    }

    private static void Load(SubgraphExecutor graph, List<(int[] Shape, byte[] Bytes, RuntimeTensor Source)> state)
    {
        for (int i = 0; i < graph.Inputs.Length && i < state.Count; i++)
        {
            state[i].Bytes.CopyTo(graph.Tensors[graph.Inputs[i]].WritableBytes);
        }
    }
}
