using System.Buffers;

namespace ModelOptimization.Formats.Tflite;

/// <summary>
/// A window of a <see cref="MappedModelFile"/> as <see cref="Memory{T}"/>. It references the file object, so a
/// buffer view alone keeps the mapping alive. Pinning is a no-op: mapped memory does not move.
/// </summary>
internal sealed unsafe class MappedMemoryManager(MappedModelFile owner, byte* pointer, int length) : MemoryManager<byte>
{
    /// <summary>The mapping this window belongs to.</summary>
    public MappedModelFile Owner { get; } = owner;

    public override Span<byte> GetSpan() => new(pointer, length);

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, length);
        return new MemoryHandle(pointer + elementIndex, default, this);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        // The mapping belongs to the file object; a window has nothing of its own to release.
    }
}
