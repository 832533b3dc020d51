using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>L2_NORMALIZATION (float) over the last dimension: x / max(‖x‖₂, 1e-6).</summary>
internal sealed class L2NormalizationOperator : UnaryOperator
{
    protected override void PrepareTypes(KernelContext ctx, RuntimeTensor input, RuntimeTensor output)
    {
        RequireSameType(ctx, input, output);
        ctx.Require(input.Type == TensorType.Float32, $"L2_NORMALIZATION of {TensorTypeInfo.ShortName(input.Type)}");
        ctx.Require(ctx.FusedActivation == Core.Tflite.ActivationFunctionType.NONE, "fused activations");
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var x = input.Read<float>();
        var y = ctx.Output(0).Write<float>();
        int depth = Math.Max(1, input.Dim(-1));
        for (int r = 0; r < x.Length / depth; r++)
        {
            float sum = 0;
            for (int c = 0; c < depth; c++) sum += x[r * depth + c] * x[r * depth + c];
            float norm = Math.Max(MathF.Sqrt(sum), 1e-6f);
            for (int c = 0; c < depth; c++) y[r * depth + c] = x[r * depth + c] / norm;
        }
    }
}
