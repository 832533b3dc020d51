namespace ModelOptimization.Core.Graph;

/// <summary>The storage of one dimension of a sparse tensor (TFLite <c>DimensionType</c>).</summary>
public enum DimensionType : sbyte
{
    Dense = 0,
    SparseCsr = 1,
}

/// <summary>The element type of a sparse index vector (the <c>SparseIndexVector</c> union).</summary>
public enum SparseIndexType : byte
{
    Int32 = 1,
    UInt16 = 2,
    UInt8 = 3,
}

/// <summary>Index metadata of a sparse dimension, widened to int; <see cref="Type"/> keeps the stored width.</summary>
public sealed record SparseIndexVector(SparseIndexType Type, int[] Values)
{
    public bool Equals(SparseIndexVector? other)
        => other is not null && Type == other.Type && Values.AsSpan().SequenceEqual(other.Values);

    public override int GetHashCode() => HashCode.Combine(Type, Values.Length);
}

/// <summary>One dimension of a sparse tensor in traversal order (TFLite <c>DimensionMetadata</c>).</summary>
public sealed class DimensionMetadata
{
    public DimensionType Format { get; set; }

    /// <summary>The size of a dense dimension.</summary>
    public int DenseSize { get; set; }

    /// <summary>CSR row pointers of a sparse dimension.</summary>
    public SparseIndexVector? ArraySegments { get; set; }

    /// <summary>CSR column indices of a sparse dimension.</summary>
    public SparseIndexVector? ArrayIndices { get; set; }

    public DimensionMetadata Clone() => (DimensionMetadata)MemberwiseClone();
}

/// <summary>
/// TFLite <c>SparsityParameters</c> (a modification of the TACO format): traversal order over the n dense
/// dimensions plus k block dimensions, the block map, and per-dimension metadata.
/// </summary>
public sealed class SparsityParameters
{
    public int[]? TraversalOrder { get; set; }

    public int[]? BlockMap { get; set; }

    public List<DimensionMetadata>? DimMetadata { get; set; }

    public SparsityParameters Clone() => new()
    {
        TraversalOrder = TraversalOrder?.ToArray(),
        BlockMap = BlockMap?.ToArray(),
        DimMetadata = DimMetadata?.Select(d => d.Clone()).ToList(),
    };

    public override string ToString()
    {
        int sparse = DimMetadata?.Count(d => d.Format == DimensionType.SparseCsr) ?? 0;
        string block = BlockMap is { Length: > 0 } ? $", block {string.Join('x', BlockMap)}" : "";
        return $"sparse ({sparse} CSR dim{(sparse == 1 ? "" : "s")}{block})";
    }
}
