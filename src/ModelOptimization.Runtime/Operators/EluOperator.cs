using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// ELU: x &lt; 0 ? exp(x) − 1 : x. Float; int8 through a 256-entry table (TFLite's LUTPopulate, or XNNPACK's
/// reference table when LiteRT's delegate takes the node).
/// </summary>
internal sealed class EluOperator : UnaryOperator
{
    private byte[]? _table;

    protected override void PrepareTypes(KernelContext ctx, RuntimeTensor input, RuntimeTensor output)
    {
        RequireSameType(ctx, input, output);
        _table = null;
        switch (input.Type)
        {
            case TensorType.Float32:
                break;
            case TensorType.Int8:
                ctx.Require(input.IsQuantized && output.IsQuantized, "quantized ELU needs quantization parameters");
                _table = ctx.LiteRtArithmetic
                    ? XnnpackLookupTable.Build8(input.Type, input.Scale, input.ZeroPoint, output.Scale, output.ZeroPoint, Elu)
                    : LookupTable.Build8(input.Type, input.Scale, input.ZeroPoint, output.Scale, output.ZeroPoint, Elu);
                break;
            default:
                throw ctx.NotSupported($"ELU of {TensorTypeInfo.ShortName(input.Type)}");
        }
    }

    private static float Elu(float x) => x < 0 ? SpecialFunctions.ExpM1(x) : x;

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        if (_table is not null)
        {
            ApplyTable(input.Bytes, output.WritableBytes, _table);
            return;
        }

        var x = input.Read<float>();
        var y = output.Write<float>();
        for (int i = 0; i < x.Length; i++) y[i] = x[i] < 0 ? MathF.Exp(x[i]) - 1 : x[i];
    }
}
