using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// RANGE (int32, int64, float): start, limit, delta scalars → [start, start + delta, ...) with TFLite's size rule
/// (ceil(|limit − start| / |delta|)); the output size follows the values, so it is dynamic unless they are constant.
/// </summary>
internal sealed class RangeOperator : OperatorKernel
{
    public override void Prepare(KernelContext ctx)
    {
        var start = ctx.Input(0);
        ctx.Require(start.Type is TensorType.Int32 or TensorType.Int64 or TensorType.Float32, $"RANGE of {TensorTypeInfo.ShortName(start.Type)}");
        ctx.Require(ctx.Input(1).Type == start.Type && ctx.Input(2).Type == start.Type && ctx.Output(0).Type == start.Type, "start, limit, delta and output must share a type");
        if (!ctx.HasValue(start) || !ctx.HasValue(ctx.Input(1)) || !ctx.HasValue(ctx.Input(2)))
        {
            ctx.SetOutputsDynamic();
            return;
        }

        ctx.SetOutputShape(0, [Size(ctx)]);
    }

    private static int Size(KernelContext ctx)
    {
        var (start, limit, delta) = (ctx.Input(0), ctx.Input(1), ctx.Input(2));
        if (start.Type == TensorType.Float32)
        {
            float s = start.Read<float>()[0], l = limit.Read<float>()[0], d = delta.Read<float>()[0];
            ctx.Require(d != 0 && (s <= l ? d > 0 : d < 0), "delta must be non-zero and point from start to limit");
            return (int)MathF.Ceiling(MathF.Abs((l - s) / d));
        }

        long si = Scalar(start), li = Scalar(limit), di = Scalar(delta);
        ctx.Require(di != 0 && (si <= li ? di > 0 : di < 0), "delta must be non-zero and point from start to limit");
        return checked((int)((Math.Abs(li - si) + Math.Abs(di) - 1) / Math.Abs(di)));
    }

    private static long Scalar(RuntimeTensor t) => t.Type == TensorType.Int64 ? t.Read<long>()[0] : t.Read<int>()[0];

    public override void Eval(KernelContext ctx)
    {
        var output = ctx.Output(0);
        switch (output.Type)
        {
            case TensorType.Float32:
                {
                    float s = ctx.Input(0).Read<float>()[0], d = ctx.Input(2).Read<float>()[0];
                    var y = output.Write<float>();
                    float v = s;
                    for (int i = 0; i < y.Length; i++, v += d) y[i] = v;
                    break;
                }

            case TensorType.Int32:
                {
                    int s = ctx.Input(0).Read<int>()[0], d = ctx.Input(2).Read<int>()[0];
                    var y = output.Write<int>();
                    for (int i = 0; i < y.Length; i++) y[i] = s + i * d;
                    break;
                }

            default:
                {
                    long s = ctx.Input(0).Read<long>()[0], d = ctx.Input(2).Read<long>()[0];
                    var y = output.Write<long>();
                    for (int i = 0; i < y.Length; i++) y[i] = s + i * d;
                    break;
                }
        }
    }
}
