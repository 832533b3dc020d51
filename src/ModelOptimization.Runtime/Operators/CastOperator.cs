using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// CAST between bool, integer and float types (float → integer truncates toward zero). bfloat16 → float32 is exact
/// (the bfloat16 bits are a float's high half); float32 → bfloat16 rounds to nearest even, NaN staying NaN, as
/// Eigen's and TensorFlow's bfloat16 conversion does.
/// </summary>
internal sealed class CastOperator : UnaryOperator
{
    private static readonly TensorType[] Supported =
    [
        TensorType.Float32, TensorType.Float64, TensorType.Float16, TensorType.BFloat16, TensorType.Int8, TensorType.UInt8, TensorType.Int16,
        TensorType.UInt16, TensorType.Int32, TensorType.UInt32, TensorType.Int64, TensorType.Bool,
    ];

    protected override void PrepareTypes(KernelContext ctx, RuntimeTensor input, RuntimeTensor output)
        => ctx.Require(Supported.Contains(input.Type) && Supported.Contains(output.Type),
            $"CAST from {TensorTypeInfo.ShortName(input.Type)} to {TensorTypeInfo.ShortName(output.Type)}");

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        int n = input.ElementCount;
        if (IsIntegral(input.Type) && IsIntegral(output.Type))
        {
            for (int i = 0; i < n; i++) WriteLong(output, i, ReadLong(input, i));
        }
        else
        {
            for (int i = 0; i < n; i++) WriteDouble(output, i, ReadDouble(input, i));
        }
    }

    private static bool IsIntegral(TensorType t) => t is not (TensorType.Float32 or TensorType.Float64 or TensorType.Float16 or TensorType.BFloat16);

    private static long ReadLong(RuntimeTensor t, int i) => t.Type switch
    {
        TensorType.Int8 => t.Read<sbyte>()[i],
        TensorType.UInt8 => t.Read<byte>()[i],
        TensorType.Int16 => t.Read<short>()[i],
        TensorType.UInt16 => t.Read<ushort>()[i],
        TensorType.Int32 => t.Read<int>()[i],
        TensorType.UInt32 => t.Read<uint>()[i],
        TensorType.Int64 => t.Read<long>()[i],
        TensorType.Bool => t.Bytes[i] != 0 ? 1 : 0,
        _ => 0,
    };

    private static double ReadDouble(RuntimeTensor t, int i) => t.Type switch
    {
        TensorType.Float32 => t.Read<float>()[i],
        TensorType.Float64 => t.Read<double>()[i],
        TensorType.Float16 => (double)t.Read<Half>()[i],
        TensorType.BFloat16 => BitConverter.Int32BitsToSingle(t.Read<ushort>()[i] << 16),
        _ => ReadLong(t, i),
    };

    private static void WriteLong(RuntimeTensor t, int i, long v)
    {
        switch (t.Type)
        {
            case TensorType.Int8: t.Write<sbyte>()[i] = (sbyte)v; break;
            case TensorType.UInt8: t.Write<byte>()[i] = (byte)v; break;
            case TensorType.Int16: t.Write<short>()[i] = (short)v; break;
            case TensorType.UInt16: t.Write<ushort>()[i] = (ushort)v; break;
            case TensorType.Int32: t.Write<int>()[i] = (int)v; break;
            case TensorType.UInt32: t.Write<uint>()[i] = (uint)v; break;
            case TensorType.Int64: t.Write<long>()[i] = v; break;
            case TensorType.Bool: t.WritableBytes[i] = v != 0 ? (byte)1 : (byte)0; break;
        }
    }

    private static void WriteDouble(RuntimeTensor t, int i, double v)
    {
        switch (t.Type)
        {
            case TensorType.Float32: t.Write<float>()[i] = (float)v; break;
            case TensorType.Float64: t.Write<double>()[i] = v; break;
            case TensorType.Float16: t.Write<Half>()[i] = (Half)v; break;
            case TensorType.BFloat16: t.Write<ushort>()[i] = ToBFloat16((float)v); break;
            case TensorType.Bool: t.WritableBytes[i] = v != 0 ? (byte)1 : (byte)0; break;
            default: WriteLong(t, i, double.IsNaN(v) ? 0 : (long)Math.Truncate(v)); break;
        }
    }

    /// <summary>float32 → bfloat16 bits, rounding to nearest even; NaN stays a (quiet) NaN.</summary>
    internal static ushort ToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }
}
