namespace ModelOptimization.Formats.Tflite;

/// <summary>A model file held in managed memory.</summary>
internal sealed class MemoryModelFileBytes(ReadOnlyMemory<byte> bytes) : ModelFileBytes
{
    public override long Length => bytes.Length;

    public override ReadOnlyMemory<byte> Head => bytes;

    public override object? Storage => null;

    public override ReadOnlyMemory<byte> Slice(long offset, int length) => bytes.Slice((int)offset, length);
}
