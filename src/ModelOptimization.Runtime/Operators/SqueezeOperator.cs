using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>SQUEEZE: removes the size-1 dimensions listed in squeeze_dims (all of them when empty).</summary>
internal sealed class SqueezeOperator : OperatorKernel
{
    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        int rank = input.Rank;
        var dims = ctx.Options?.GetInt32Array("squeeze_dims") ?? [];
        var remove = new bool[rank];
        if (dims.Length == 0)
        {
            for (int i = 0; i < rank; i++) remove[i] = input.Shape[i] == 1;
        }
        else
        {
            foreach (int d in dims)
            {
                int a = TensorValues.Axis(ctx, d, rank);
                ctx.Require(input.Shape[a] == 1, $"dimension {a} has size {input.Shape[a]}, not 1");
                remove[a] = true;
            }
        }

        ctx.SetOutputShape(0, Enumerable.Range(0, rank).Where(i => !remove[i]).Select(i => input.Shape[i]).ToArray());
    }

    public override void Eval(KernelContext ctx) => ctx.Input(0).Bytes.CopyTo(ctx.Output(0).WritableBytes);
}
