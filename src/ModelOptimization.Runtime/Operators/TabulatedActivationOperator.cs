using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// LOGISTIC and TANH: float, int8/uint8 through TFLite's 256-entry lookup table (or XNNPACK's, which LiteRT uses for
/// 8-bit), int16 as TFLite's fixed-point kernels (<see cref="Int16Activation"/>: zero points 0, output scale 2^-15).
/// </summary>
internal abstract class TabulatedActivationOperator(string name, bool tanh, Func<float, float> xnnpackFunction, Func<float, float> function) : UnaryOperator
{
    private byte[]? _table;
    private short[]? _table16;

    protected override void PrepareTypes(KernelContext ctx, RuntimeTensor input, RuntimeTensor output)
    {
        RequireSameType(ctx, input, output);
        switch (input.Type)
        {
            case TensorType.Float32:
                break;
            case TensorType.Int8 or TensorType.UInt8:
                ctx.Require(output.IsQuantized && input.IsQuantized, $"quantized {name} needs quantization parameters");
                // LiteRT's XNNPACK delegate takes 8-bit LOGISTIC/TANH and tabulates its own reference function.
                _table = ctx.LiteRtArithmetic
                    ? XnnpackLookupTable.Build8(input.Type, input.Scale, input.ZeroPoint, output.Scale, output.ZeroPoint, xnnpackFunction)
                    : LookupTable.Build8(input.Type, input.Scale, input.ZeroPoint, output.Scale, output.ZeroPoint, function);
                break;
            case TensorType.Int16:
                ctx.Require(output.IsQuantized && input.IsQuantized, $"quantized {name} needs quantization parameters");
                ctx.Require(input.ZeroPoint == 0 && output.ZeroPoint == 0, $"int16 {name} needs zero points of 0");
                ctx.Require(output.Scale == 1f / 32768, $"int16 {name} needs an output scale of 2^-15");
                _table16 = Int16Activation.BuildTable(tanh, input.Scale);
                break;
            default:
                throw ctx.NotSupported($"{name} of {TensorTypeInfo.ShortName(input.Type)}");
        }
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        if (_table is not null)
        {
            ApplyTable(input.Bytes, output.WritableBytes, _table);
            return;
        }

        if (_table16 is not null)
        {
            ApplyTable(input.Read<short>(), output.Write<short>(), _table16);
            return;
        }

        var x = input.Read<float>();
        var y = output.Write<float>();
        for (int i = 0; i < x.Length; i++) y[i] = function(x[i]);
    }
}

/// <summary>LOGISTIC (sigmoid).</summary>
internal sealed class LogisticOperator() : TabulatedActivationOperator("LOGISTIC", tanh: false, XnnpackLookupTable.Sigmoid, v => 1.0f / (1.0f + MathF.Exp(-v)));

/// <summary>TANH.</summary>
internal sealed class TanhOperator() : TabulatedActivationOperator("TANH", tanh: true, MathF.Tanh, MathF.Tanh);
