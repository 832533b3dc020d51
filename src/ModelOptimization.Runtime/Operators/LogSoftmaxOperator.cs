using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>LOG_SOFTMAX (float) over the last dimension: x − max − log Σ exp(x − max).</summary>
internal sealed class LogSoftmaxOperator : UnaryOperator
{
    protected override void PrepareTypes(KernelContext ctx, RuntimeTensor input, RuntimeTensor output)
    {
        RequireSameType(ctx, input, output);
        ctx.Require(input.Rank >= 1, "input must have at least one dimension");
        ctx.Require(input.Type == TensorType.Float32, $"LOG_SOFTMAX of {TensorTypeInfo.ShortName(input.Type)}");
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var x = input.Read<float>();
        var y = ctx.Output(0).Write<float>();
        int depth = input.Dim(-1);
        if (depth == 0) return;
        for (int r = 0; r < x.Length / depth; r++)
        {
            var xi = x.Slice(r * depth, depth);
            var yi = y.Slice(r * depth, depth);
            float max = float.NegativeInfinity;
            foreach (float v in xi) max = Math.Max(max, v);
            float sum = 0;
            foreach (float v in xi) sum += MathF.Exp(v - max);
            float log = MathF.Log(sum);
            for (int i = 0; i < depth; i++) yi[i] = xi[i] - max - log;
        }
    }
}
