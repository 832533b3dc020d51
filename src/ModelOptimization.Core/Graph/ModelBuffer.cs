namespace ModelOptimization.Core.Graph;

/// <summary>
/// A raw data buffer (TFLite <c>Buffer</c>). <see cref="Data"/> is a view over the loaded file (a slice of the
/// file's bytes or of a memory-mapped region), never a per-tensor copy. <see cref="Offset"/> and
/// <see cref="Size"/> record where a large model stored the bytes outside the FlatBuffer; they describe layout,
/// not content, so model comparison looks at <see cref="Data"/> only.
/// </summary>
public sealed class ModelBuffer
{
    public ModelBuffer()
    {
    }

    public ModelBuffer(ReadOnlyMemory<byte> data) => Data = data;

    /// <summary>The bytes (little-endian, row-major elements).</summary>
    public ReadOnlyMemory<byte> Data { get; set; }

    /// <summary>Offset of the payload from the start of the file when stored outside the FlatBuffer (valid if &gt; 1).</summary>
    [Layout]
    public ulong Offset { get; set; }

    /// <summary>Size of the payload stored outside the FlatBuffer.</summary>
    [Layout]
    public ulong Size { get; set; }

    public bool IsEmpty => Data.IsEmpty;

    /// <summary>A new buffer that shares the same bytes (they are immutable views).</summary>
    public ModelBuffer Clone() => new(Data) { Offset = Offset, Size = Size };

    public override string ToString() => $"{Data.Length} bytes";
}
