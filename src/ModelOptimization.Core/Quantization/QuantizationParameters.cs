namespace ModelOptimization.Core.Quantization;

/// <summary>
/// The one immutable quantization-parameter type: per-tensor, per-axis and blockwise (through
/// <see cref="Details"/>), exactly as a TFLite <c>QuantizationParameters</c> table holds them.
/// A real value is <c>f = scale × (q − zero_point)</c>.
/// </summary>
public sealed class QuantizationParameters : IEquatable<QuantizationParameters>
{
    public float[]? Min { get; init; }

    public float[]? Max { get; init; }

    public float[]? Scale { get; init; }

    public long[]? ZeroPoint { get; init; }

    public QuantizationDetails? Details { get; init; }

    public int QuantizedDimension { get; init; }

    /// <summary>The layout these parameters describe.</summary>
    public QuantizationGranularity Granularity => Details switch
    {
        BlockwiseQuantization or MultiAxisQuantization => QuantizationGranularity.Blockwise,
        CustomQuantization => QuantizationGranularity.Custom,
        _ when Scale is { Length: > 1 } => QuantizationGranularity.PerChannel,
        _ when Scale is { Length: 1 } => QuantizationGranularity.PerTensor,
        _ when Min is { Length: > 0 } || Max is { Length: > 0 } => QuantizationGranularity.MinMaxOnly,
        _ => QuantizationGranularity.None,
    };

    /// <summary>True when a scale (or blockwise details) is present, i.e. values are stored quantized.</summary>
    public bool IsQuantized => Granularity is QuantizationGranularity.PerTensor or QuantizationGranularity.PerChannel
        or QuantizationGranularity.Blockwise;

    /// <summary>Per-tensor parameters.</summary>
    public static QuantizationParameters PerTensor(float scale, long zeroPoint)
        => new() { Scale = [scale], ZeroPoint = [zeroPoint] };

    /// <summary>Per-axis parameters along <paramref name="dimension"/>.</summary>
    public static QuantizationParameters PerChannel(float[] scales, long[] zeroPoints, int dimension)
        => new() { Scale = scales, ZeroPoint = zeroPoints, QuantizedDimension = dimension };

    public bool Equals(QuantizationParameters? other) => other is not null
        && ArrayEquality.Equal(Min, other.Min) && ArrayEquality.Equal(Max, other.Max)
        && ArrayEquality.Equal(Scale, other.Scale) && ArrayEquality.Equal(ZeroPoint, other.ZeroPoint)
        && Equals(Details, other.Details) && QuantizedDimension == other.QuantizedDimension;

    public override bool Equals(object? obj) => Equals(obj as QuantizationParameters);

    public override int GetHashCode() => HashCode.Combine(Scale?.Length, ZeroPoint?.Length, QuantizedDimension);

    /// <summary>A short summary, e.g. <c>per-tensor s=0.0039 zp=-128</c> or <c>per-channel[32] dim 0</c>.</summary>
    public override string ToString() => Granularity switch
    {
        QuantizationGranularity.PerTensor => $"per-tensor s={Scale![0]:G4} zp={(ZeroPoint is { Length: > 0 } z ? z[0] : 0)}",
        QuantizationGranularity.PerChannel => $"per-channel[{Scale!.Length}] dim {QuantizedDimension}",
        QuantizationGranularity.Blockwise => Details is BlockwiseQuantization b ? $"blockwise {b.BlockSize}" : "multi-axis",
        QuantizationGranularity.Custom => "custom",
        QuantizationGranularity.MinMaxOnly => "min/max only",
        _ => "none",
    };
}
