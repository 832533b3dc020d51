using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// RESHAPE: the shape comes from the int32 shape tensor when it is a vector (as TFLite), else from the
/// new_shape option ([0] meaning a scalar); one dimension may be -1. A shape tensor computed at run time makes
/// the output dynamic.
/// </summary>
internal sealed class ReshapeOperator : OperatorKernel
{
    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var shapeTensor = ctx.OptionalInput(1);
        int[] shape;
        if (shapeTensor is not null && shapeTensor.Rank == 1 && shapeTensor.Type is TensorType.Int32 or TensorType.Int64)
        {
            if (!ctx.HasValue(shapeTensor))
            {
                ctx.SetOutputsDynamic();
                ctx.SetOutputShape(0, ctx.Output(0).Source.Shape.ToArray());
                return;
            }

            shape = TensorValues.ReadInts(shapeTensor);
        }
        else
        {
            shape = ctx.Options?.GetInt32Array("new_shape") ?? ctx.Output(0).Source.Shape.ToArray();
            if (shape.Length == 1 && shape[0] == 0) shape = [];
        }

        ctx.SetOutputShape(0, Resolve(ctx, input.ElementCount, shape));
        ctx.Require(ctx.Output(0).ByteCount == input.ByteCount, "input and output types differ in size");
    }

    /// <summary>Replaces a single -1 by the remaining size and checks the element count.</summary>
    public static int[] Resolve(KernelContext ctx, int elements, int[] shape)
    {
        var r = shape.ToArray();
        int unknown = -1;
        long known = 1;
        for (int i = 0; i < r.Length; i++)
        {
            if (r[i] == -1)
            {
                ctx.Require(unknown < 0, "more than one dimension is -1");
                unknown = i;
            }
            else
            {
                known *= r[i];
            }
        }

        if (unknown >= 0)
        {
            ctx.Require(known > 0 && elements % known == 0 || elements == 0, $"cannot reshape {elements} values to {ShapeUtil.Format(shape)}");
            r[unknown] = known == 0 ? 0 : (int)(elements / known);
            known *= r[unknown];
        }

        ctx.Require(known == elements, $"cannot reshape {elements} values to {ShapeUtil.Format(shape)}");
        return r;
    }

    public override void Eval(KernelContext ctx) => ctx.Input(0).Bytes.CopyTo(ctx.Output(0).WritableBytes);
}
