using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>ARG_MAX / ARG_MIN along the axis of the second input, to int32 or int64 (the first extreme wins).</summary>
internal sealed class ArgMinMaxOperator(bool max) : OperatorKernel
{
    private int _axis;

    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var axisT = ctx.Input(1);
        var output = ctx.Output(0);
        ctx.Require(output.Type is TensorType.Int32 or TensorType.Int64, "the output must be int32 or int64");
        ctx.Require(input.Type is TensorType.Float32 or TensorType.Int32 or TensorType.Int64 or TensorType.Int8 or TensorType.UInt8 or TensorType.Int16 or TensorType.Bool,
            $"{ctx.OpName} of {TensorTypeInfo.ShortName(input.Type)}");
        if (!ctx.HasValue(axisT))
        {
            ctx.SetOutputsDynamic();
            return;
        }

        _axis = TensorValues.Axis(ctx, TensorValues.ReadInts(axisT)[0], input.Rank);
        ctx.SetOutputShape(0, input.Shape.Where((_, i) => i != _axis).ToArray());
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        int outer = ShapeUtil.Product(input.Shape, 0, _axis);
        int axis = input.Shape[_axis];
        int inner = ShapeUtil.Product(input.Shape, _axis + 1, input.Rank);
        var values = new double[input.ElementCount];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = input.Type switch
            {
                TensorType.Float32 => input.Read<float>()[i],
                TensorType.Int32 => input.Read<int>()[i],
                TensorType.Int64 => input.Read<long>()[i],
                TensorType.Int8 => input.Read<sbyte>()[i],
                TensorType.Int16 => input.Read<short>()[i],
                _ => input.Bytes[i],
            };
        }

        for (int o = 0; o < outer; o++)
        {
            for (int k = 0; k < inner; k++)
            {
                int best = 0;
                double bv = values[o * axis * inner + k];
                for (int a = 1; a < axis; a++)
                {
                    double v = values[(o * axis + a) * inner + k];
                    if (max ? v > bv : v < bv)
                    {
                        bv = v;
                        best = a;
                    }
                }

                if (output.Type == TensorType.Int32) output.Write<int>()[o * inner + k] = best;
                else output.Write<long>()[o * inner + k] = best;
            }
        }
    }
}
