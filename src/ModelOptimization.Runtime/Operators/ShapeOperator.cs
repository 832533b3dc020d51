using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>SHAPE: the input's shape as int32 or int64. Known in prepare, so the node is folded unless the input is dynamic.</summary>
internal sealed class ShapeOperator : OperatorKernel
{
    public override void Prepare(KernelContext ctx)
    {
        var output = ctx.Output(0);
        ctx.Require(output.Type is TensorType.Int32 or TensorType.Int64, "SHAPE outputs int32 or int64");
        ctx.SetOutputShape(0, [ctx.Input(0).Rank]);
    }

    /// <summary>The shape is known in prepare (as TFLite's persistent SHAPE output) unless the input is dynamic.</summary>
    public override bool CanFold(KernelContext ctx, bool allInputsConstant) => ctx.Input(0).Storage != TensorStorage.Dynamic;

    public override void Eval(KernelContext ctx)
    {
        var shape = ctx.Input(0).Shape;
        var output = ctx.Output(0);
        if (output.Type == TensorType.Int32) shape.CopyTo(output.Write<int>());
        else
        {
            var o = output.Write<long>();
            for (int i = 0; i < shape.Length; i++) o[i] = shape[i];
        }
    }
}
