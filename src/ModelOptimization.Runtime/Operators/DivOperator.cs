using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>DIV: float and int32 (int32 truncates toward zero; division by zero is an error, as in TFLite).</summary>
internal sealed class DivOperator : BinaryOperator
{
    private float _min, _max;
    private long _imin, _imax;

    protected override void PrepareTypes(KernelContext ctx, RuntimeTensor a, RuntimeTensor b, RuntimeTensor o)
    {
        RequireSameTypes(ctx, a, b, o);
        var act = ctx.FusedActivation;
        ctx.Require(ActivationRange.IsClamp(act), $"fused activation {act}");
        (_min, _max) = ActivationRange.Float(act);
        (_imin, _imax) = ActivationRange.Integer(act);
        ctx.Require(a.Type is TensorType.Float32 or TensorType.Int32, $"DIV of {TensorTypeInfo.ShortName(a.Type)}");
    }

    public override void Eval(KernelContext ctx)
    {
        if (InputType == TensorType.Float32)
        {
            Run<float, FloatDiv>(ctx, new(_min, _max));
        }
        else
        {
            foreach (int v in ctx.Input(1).Read<int>())
            {
                if (v == 0) throw ctx.NotSupported("integer division by zero");
            }

            Run<int, Int32Div>(ctx, new((int)Math.Max(_imin, int.MinValue), (int)Math.Min(_imax, int.MaxValue)));
        }
    }

    private readonly struct FloatDiv(float min, float max) : IBinaryFunc<float, float, float>
    {
        public float Apply(float a, float b) => Math.Min(Math.Max(a / b, min), max);
    }

    private readonly struct Int32Div(int min, int max) : IBinaryFunc<int, int, int>
    {
        public int Apply(int a, int b) => Math.Clamp(a / b, min, max);
    }
}
