using System.Buffers;
using System.Runtime.InteropServices;

namespace ModelOptimization.Optimization.Quantization.Codecs;

/// <summary>
/// Views a block of bytes (a weight buffer, possibly memory-mapped) as <typeparamref name="T"/> elements without
/// copying, so large weights can be handed to parallel loops as <see cref="ReadOnlyMemory{T}"/> (or, over a
/// writable array, written through <see cref="MemoryManager{T}.Memory"/>).
/// </summary>
internal sealed class CastMemoryManager<T> : MemoryManager<T> where T : unmanaged
{
    private readonly ReadOnlyMemory<byte> _bytes;

    public CastMemoryManager(ReadOnlyMemory<byte> bytes) => _bytes = bytes;

    public static ReadOnlyMemory<T> Cast(ReadOnlyMemory<byte> bytes) => new CastMemoryManager<T>(bytes).Memory;

    public override Span<T> GetSpan() => MemoryMarshal.Cast<byte, T>(MemoryMarshal.AsMemory(_bytes).Span);

    private readonly Stack<MemoryHandle> _pins = new();

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        var handle = _bytes.Pin();
        lock (_pins) _pins.Push(handle);
        unsafe
        {
            return new MemoryHandle((byte*)handle.Pointer + elementIndex * sizeof(T), default, this);
        }
    }

    public override void Unpin()
    {
        lock (_pins)
        {
            if (_pins.Count > 0) _pins.Pop().Dispose();
        }
    }

    protected override void Dispose(bool disposing)
    {
    }
}
