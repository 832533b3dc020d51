using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>SUB: float, int32, int64, and quantized int8/uint8/int16.</summary>
internal sealed class SubOperator : BinaryOperator
{
    private float _min, _max;
    private long _imin, _imax;
    private QuantizedAddition _q;
    private PotInt16Addition _pot;
    private bool _usePot;
    private XnnpackAddition? _xnn;

    protected override void PrepareTypes(KernelContext ctx, RuntimeTensor a, RuntimeTensor b, RuntimeTensor o)
    {
        RequireSameTypes(ctx, a, b, o);
        var act = ctx.FusedActivation;
        ctx.Require(ActivationRange.IsClamp(act), $"fused activation {act}");
        (_min, _max) = ActivationRange.Float(act);
        (_imin, _imax) = ActivationRange.Integer(act);
        switch (a.Type)
        {
            case TensorType.Float32 or TensorType.Int32 or TensorType.Int64:
                break;
            case TensorType.Int8 or TensorType.UInt8 or TensorType.Int16:
                ctx.Require(a.IsQuantized && b.IsQuantized && o.IsQuantized, "integer SUB of 8/16-bit tensors needs quantization parameters");
                if (a.Type == TensorType.Int16 && ctx.GetBool("pot_scale_int16", true)
                    && a.ZeroPoint == 0 && b.ZeroPoint == 0 && o.ZeroPoint == 0
                    && PotInt16Addition.TryCreate(a, b, o, act, out _pot, subtract: true))
                {
                    _usePot = true;
                    break;
                }

                _q = new QuantizedAddition(a, b, o, act, subtract: true);
                if (ctx.LiteRtArithmetic && a.Type != TensorType.Int16) _xnn = XnnpackAddition.TryCreate(a, b, o, act, subtract: true);
                break;
            default:
                throw ctx.NotSupported($"SUB of {TensorTypeInfo.ShortName(a.Type)}");
        }
    }

    public override void Eval(KernelContext ctx)
    {
        switch (InputType)
        {
            case TensorType.Float32: Run<float, FloatSub>(ctx, new(_min, _max)); break;
            case TensorType.Int32: Run<int, Int32Sub>(ctx, new((int)Math.Max(_imin, int.MinValue), (int)Math.Min(_imax, int.MaxValue))); break;
            case TensorType.Int64: Run<long, Int64Sub>(ctx, new(_imin, _imax)); break;
            default:
                if (_xnn is { } x) RunQuantized(ctx, x);
                else if (_usePot) RunQuantized(ctx, _pot);
                else RunQuantized(ctx, _q);
                break;
        }
    }

    private readonly struct FloatSub(float min, float max) : IBinaryFunc<float, float, float>
    {
        public float Apply(float a, float b) => Math.Min(Math.Max(a - b, min), max);
    }

    private readonly struct Int32Sub(int min, int max) : IBinaryFunc<int, int, int>
    {
        public int Apply(int a, int b) => Math.Clamp(unchecked(a - b), min, max);
    }

    private readonly struct Int64Sub(long min, long max) : IBinaryFunc<long, long, long>
    {
        public long Apply(long a, long b) => Math.Clamp(unchecked(a - b), min, max);
    }
}
