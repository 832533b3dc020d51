using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>HARD_SWISH: x · relu6(x + 3) / 6 in float; int8/uint8 through TFLite's 16-bit fixed-point kernel (tabulated).</summary>
internal sealed class HardSwishOperator : UnaryOperator
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
            case TensorType.Int8 or TensorType.UInt8:
                ctx.Require(input.IsQuantized && output.IsQuantized, "quantized HARD_SWISH needs quantization parameters");
                _table = HardSwishQuantized.BuildTable(input.Type, input.Scale, input.ZeroPoint, output.Scale, output.ZeroPoint)
                    ?? throw ctx.NotSupported("the output scale is below 1/128 of the input scale (TFLite's limit)");
                break;
            default:
                throw ctx.NotSupported($"HARD_SWISH of {TensorTypeInfo.ShortName(input.Type)}");
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

        var x = input.Read<float>();
        var y = output.Write<float>();
        for (int i = 0; i < x.Length; i++) y[i] = x[i] * Math.Min(6f, Math.Max(0f, x[i] + 3f)) / 6f;
    }
}
