using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// GELU, exact (0.5·x·erfc(−x/√2)) or with the tanh approximation (option approximate). Float; int8/uint8 through
/// TFLite's 256-entry table, int16 through its interpolated 513-entry table.
/// </summary>
internal sealed class GeluOperator : UnaryOperator
{
    private const float SqrtTwoOverPi = (float)(1.1283791670955126 * 0.70710678118654752); // M_2_SQRTPI · M_SQRT1_2

    private bool _approximate;
    private byte[]? _table;
    private short[]? _table16;

    protected override void PrepareTypes(KernelContext ctx, RuntimeTensor input, RuntimeTensor output)
    {
        RequireSameType(ctx, input, output);
        _approximate = ctx.GetBool("approximate");
        _table = null;
        _table16 = null;
        Func<float, float> f = _approximate ? Approximate : Exact;
        switch (input.Type)
        {
            case TensorType.Float32:
                break;
            case TensorType.Int8 or TensorType.UInt8:
                ctx.Require(input.IsQuantized && output.IsQuantized, "quantized GELU needs quantization parameters");
                _table = LookupTable.Build8(input.Type, input.Scale, input.ZeroPoint, output.Scale, output.ZeroPoint, f);
                break;
            case TensorType.Int16:
                ctx.Require(input.IsQuantized && output.IsQuantized, "quantized GELU needs quantization parameters");
                var lut = Int16LookupTable.Build(input.Scale, input.ZeroPoint, output.Scale, output.ZeroPoint, f);
                _table16 = new short[65536];
                for (int v = short.MinValue; v <= short.MaxValue; v++) _table16[(ushort)v] = Int16LookupTable.Lookup((short)v, lut);
                break;
            default:
                throw ctx.NotSupported($"GELU of {TensorTypeInfo.ShortName(input.Type)}");
        }
    }

    private static float Exact(float x) => 0.5f * x * SpecialFunctions.Erfc(x * -0.70710678f);

    private static float Approximate(float x) => 0.5f * x * (1f + MathF.Tanh(SqrtTwoOverPi * (x + 0.044715f * x * x * x)));

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
        for (int i = 0; i < x.Length; i++) y[i] = _approximate ? Approximate(x[i]) : Exact(x[i]);
    }
}
