namespace ModelOptimization.Core.Graph;

/// <summary>A named metadata entry pointing at a buffer (TFLite <c>Metadata</c>).</summary>
public sealed class ModelMetadata
{
    public string? Name { get; set; }

    public uint Buffer { get; set; }

    public ModelMetadata Clone() => (ModelMetadata)MemberwiseClone();

    public override string ToString() => $"{Name} (buffer {Buffer})";
}

/// <summary>A group of external buffers, usually one file (TFLite <c>ExternalBufferGroup</c>).</summary>
public sealed class ExternalBufferGroup
{
    public string? Name { get; set; }

    public ExternalBufferGroup Clone() => (ExternalBufferGroup)MemberwiseClone();
}

/// <summary>An immutable data slice in an external file (TFLite <c>ExternalBuffer</c>).</summary>
public sealed class ExternalBuffer
{
    public uint Id { get; set; }

    public uint Group { get; set; }

    public ulong Offset { get; set; }

    public ulong Length { get; set; }

    public string? Packing { get; set; }

    public ExternalBuffer Clone() => (ExternalBuffer)MemberwiseClone();
}
