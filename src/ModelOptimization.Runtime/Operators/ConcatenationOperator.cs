using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// CONCATENATION along an axis for any fixed-width type; uint8 inputs with other scales or zero points than the
/// output are rescaled (TFLite ConcatenationWithScaling); int8/int16 inputs must share the output's quantization (as
/// TFLite requires); other types are copied as they are.
/// </summary>
internal sealed class ConcatenationOperator : OperatorKernel
{
    private int _axis;
    private bool _scaled;

    public override void Prepare(KernelContext ctx)
    {
        var t0 = ctx.Input(0);
        var output = ctx.Output(0);
        int rank = t0.Rank;
        int axis = ctx.GetInt("axis");
        if (axis < 0) axis += rank;
        ctx.Require(axis >= 0 && (axis < rank || (rank == 0 && axis == 0)), $"axis {ctx.GetInt("axis")} is out of range");
        ctx.Require(ctx.FusedActivation == Core.Tflite.ActivationFunctionType.NONE, "fused activations");
        ctx.Require(TensorTypeInfo.BitWidth(t0.Type) >= 8, $"CONCATENATION of {TensorTypeInfo.ShortName(t0.Type)}");
        _axis = axis;
        if (rank == 0)
        {
            ctx.SetOutputShape(0, [ctx.InputCount]);
            _axis = 0;
            return;
        }

        var shape = t0.Shape.ToArray();
        for (int i = 1; i < ctx.InputCount; i++)
        {
            var t = ctx.Input(i);
            ctx.Require(t.Rank == rank && t.Type == t0.Type, "inputs differ in rank or type");
            for (int d = 0; d < rank; d++)
            {
                if (d == axis) shape[d] += t.Shape[d];
                else ctx.Require(t.Shape[d] == shape[d], $"input {i} has shape {ShapeUtil.Format(t.Shape)}, incompatible with {ShapeUtil.Format(t0.Shape)}");
            }
        }

        ctx.SetOutputShape(0, shape);
        _scaled = false;
        if (t0.Type is TensorType.Int8 or TensorType.Int16 && output.IsQuantized)
        {
            // TFLite (and XNNPACK) reject int8/int16 inputs whose quantization differs from the output's.
            for (int i = 0; i < ctx.InputCount; i++)
            {
                var t = ctx.Input(i);
                ctx.Require(t.Scale == output.Scale && t.ZeroPoint == output.ZeroPoint,
                    $"input {i} is quantized with scale {t.Scale} / zero point {t.ZeroPoint}, the output with {output.Scale} / {output.ZeroPoint}");
            }
        }

        if (t0.Type == TensorType.UInt8 && output.IsQuantized)
        {
            for (int i = 0; i < ctx.InputCount; i++)
            {
                var t = ctx.Input(i);
                if (t.Scale != output.Scale || t.ZeroPoint != output.ZeroPoint) _scaled = true;
            }
        }
    }

    public override void Eval(KernelContext ctx)
    {
        var output = ctx.Output(0);
        var dst = output.WritableBytes;
        int elem = output.ElementSize;
        if (output.Rank == 1 && ctx.Input(0).Rank == 0)
        {
            for (int i = 0; i < ctx.InputCount; i++) ctx.Input(i).Bytes[..elem].CopyTo(dst.Slice(i * elem, elem));
            return;
        }

        int outer = ShapeUtil.Product(output.Shape, 0, _axis);
        int inner = ShapeUtil.Product(output.Shape, _axis + 1, output.Rank);
        float inverseOutputScale = 1f / output.Scale;
        int o = 0;
        for (int k = 0; k < outer; k++)
        {
            for (int i = 0; i < ctx.InputCount; i++)
            {
                var t = ctx.Input(i);
                int copy = t.Shape[_axis] * inner;
                if (!_scaled || (t.Scale == output.Scale && t.ZeroPoint == output.ZeroPoint))
                {
                    t.Bytes.Slice(k * copy * elem, copy * elem).CopyTo(dst.Slice(o * elem, copy * elem));
                }
                else
                {
                    float scale = t.Scale * inverseOutputScale;
                    float bias = -t.ZeroPoint * scale;
                    var src = t.Bytes.Slice(k * copy, copy);
                    for (int j = 0; j < copy; j++)
                    {
                        int v = (int)IntegerArithmetic.Round(src[j] * scale + bias) + output.ZeroPoint;
                        dst[o + j] = (byte)Math.Clamp(v, 0, 255);
                    }
                }

                o += copy;
            }
        }
    }
}
