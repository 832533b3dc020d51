using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;

namespace ModelOptimization.Optimization.Quantization;

/// <summary>
/// How one activation is stored: float32, or an integer type with per-tensor scale and zero point. The quantizer
/// decides a form for what each op produces and what each op needs; where they differ it inserts
/// QUANTIZE/DEQUANTIZE ops.
/// </summary>
internal sealed class TensorForm : IEquatable<TensorForm>
{
    private TensorForm(TensorType type, float scale, long zeroPoint)
    {
        Type = type;
        Scale = scale;
        ZeroPoint = zeroPoint;
    }

    public static readonly TensorForm Float = new(TensorType.Float32, 0, 0);

    public TensorType Type { get; }

    public float Scale { get; }

    public long ZeroPoint { get; }

    public bool IsFloat => Type == TensorType.Float32;

    public static TensorForm Quantized(TensorType type, float scale, long zeroPoint) => new(type, scale, zeroPoint);

    /// <summary>The same real values in uint8 (zero point + 128) — for int8 forms.</summary>
    public TensorForm ToUInt8() => Type == TensorType.Int8 ? new(TensorType.UInt8, Scale, ZeroPoint + 128) : this;

    public QuantizationParameters? ToParameters()
        => IsFloat ? null : QuantizationParameters.PerTensor(Scale, ZeroPoint);

    public bool Equals(TensorForm? other) => other is not null && Type == other.Type
        && (IsFloat || (BitConverter.SingleToInt32Bits(Scale) == BitConverter.SingleToInt32Bits(other.Scale) && ZeroPoint == other.ZeroPoint));

    public override bool Equals(object? obj) => Equals(obj as TensorForm);

    public override int GetHashCode() => IsFloat ? 0 : HashCode.Combine(Type, Scale, ZeroPoint);

    /// <summary>A name suffix for tensors that hold this form, e.g. <c>int8</c>.</summary>
    public string Suffix => TensorTypeInfo.ShortName(Type);

    public override string ToString() => IsFloat ? "float32" : $"{Suffix} s={Scale:G6} zp={ZeroPoint}";
}

/// <summary>The activation type of an op quantized with activations.</summary>
internal enum ActivationType
{
    Int8,
    Int16,
}
