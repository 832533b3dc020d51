namespace ModelOptimization.Core.Quantization;

/// <summary>The TFLite <c>QuantizationDetails</c> union: when present, it replaces scale/zero_point.</summary>
public abstract record QuantizationDetails;

/// <summary><c>CustomQuantization</c>: opaque bytes for experimental schemes.</summary>
public sealed record CustomQuantization(byte[] Custom) : QuantizationDetails
{
    public bool Equals(CustomQuantization? other) => other is not null && Custom.AsSpan().SequenceEqual(other.Custom);

    public override int GetHashCode() => Custom.Length;
}

/// <summary>
/// <c>BlockwiseQuantization</c>: scales (and optional zero points, -1 = all zero) live in other tensors of the
/// subgraph, one per <see cref="BlockSize"/> consecutive elements along the last axis.
/// </summary>
public sealed record BlockwiseQuantization(int Scales, int ZeroPoints, int BlockSize) : QuantizationDetails;

/// <summary><c>MultiAxisQuantization</c>: like blockwise over several quantized dimensions (block size 0 = per channel).</summary>
public sealed record MultiAxisQuantization(int Scales, int ZeroPoints, int BlockSize, int[]? QuantizedDimensions) : QuantizationDetails
{
    public bool Equals(MultiAxisQuantization? other) => other is not null && Scales == other.Scales
        && ZeroPoints == other.ZeroPoints && BlockSize == other.BlockSize
        && ArrayEquality.Equal(QuantizedDimensions, other.QuantizedDimensions);

    public override int GetHashCode() => HashCode.Combine(Scales, ZeroPoints, BlockSize);
}
