using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>Shared plumbing of the control-flow nodes: running another subgraph on tensors of this one.</summary>
internal abstract class ControlFlowOperator : OperatorKernel
{
    public override bool IsPure => false;

    protected static SubgraphExecutor Subgraph(KernelContext ctx, int index)
    {
        ctx.Require(index >= 0 && index < ctx.Graph.Session.Model.Subgraphs.Count && index != ctx.Graph.SubgraphIndex, $"subgraph {index} does not exist or is the caller");
        return ctx.Graph.Session.GetExecutor(index);
    }

    /// <summary>Copies the callee's outputs into this node's outputs (sizing dynamic ones).</summary>
    protected static void CopyOutputs(KernelContext ctx, SubgraphExecutor callee, int first = 0)
    {
        for (int i = 0; i + first < ctx.OutputCount && i < callee.Outputs.Length; i++)
        {
            var src = callee.Tensors[callee.Outputs[i]];
            var dst = ctx.Output(i + first);
            if (!ShapeUtil.SameShape(dst.Shape, src.Shape))
            {
                dst.Shape = src.Shape.ToArray();
                if (dst.Storage == TensorStorage.Dynamic) dst.EnsureOwned();
            }

            src.Bytes.CopyTo(dst.WritableBytes);
        }
    }
}
