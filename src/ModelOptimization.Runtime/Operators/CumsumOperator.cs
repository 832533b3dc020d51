using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>CUMSUM (float, int32, int64) along the axis tensor's axis, with the exclusive and reverse options.</summary>
internal sealed class CumsumOperator : OperatorKernel
{
    private int _axis;
    private bool _exclusive, _reverse;

    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var axis = ctx.Input(1);
        ctx.Require(input.Type is TensorType.Float32 or TensorType.Int32 or TensorType.Int64 && ctx.Output(0).Type == input.Type, $"CUMSUM of {TensorTypeInfo.ShortName(input.Type)}");
        ctx.Require(ctx.HasValue(axis), "the axis tensor must be constant");
        _axis = TensorValues.Axis(ctx, TensorValues.ReadInts(axis)[0], input.Rank);
        _exclusive = ctx.GetBool("exclusive");
        _reverse = ctx.GetBool("reverse");
        ctx.SetOutputShape(0, input.Shape.ToArray());
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        switch (input.Type)
        {
            case TensorType.Float32: Run(input.Read<float>(), ctx.Output(0).Write<float>(), input.Shape); break;
            case TensorType.Int32: Run(input.Read<int>(), ctx.Output(0).Write<int>(), input.Shape); break;
            default: Run(input.Read<long>(), ctx.Output(0).Write<long>(), input.Shape); break;
        }
    }

    private void Run<T>(ReadOnlySpan<T> x, Span<T> y, int[] shape) where T : System.Numerics.INumber<T>
    {
        int outer = ShapeUtil.Product(shape, 0, _axis), n = shape[_axis], inner = ShapeUtil.Product(shape, _axis + 1, shape.Length);
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                T acc = T.Zero;
                for (int k = 0; k < n; k++)
                {
                    int j = _reverse ? n - 1 - k : k;
                    int idx = (o * n + j) * inner + i;
                    if (_exclusive)
                    {
                        y[idx] = acc;
                        acc += x[idx];
                    }
                    else
                    {
                        acc += x[idx];
                        y[idx] = acc;
                    }
                }
            }
        }
    }
}
