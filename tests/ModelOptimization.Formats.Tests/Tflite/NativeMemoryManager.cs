using System.Buffers;
using System.Runtime.InteropServices;

namespace ModelOptimization.Formats.Tests.Tflite;

/// <summary>
/// Zeroed native memory as <see cref="Memory{T}"/>: lets a test build a model with gigabytes of weights without a
/// managed array (untouched pages of a calloc'ed block cost no RAM on Linux).
/// </summary>
public sealed unsafe class NativeMemoryManager : MemoryManager<byte>
{
    private byte* _pointer;

    public NativeMemoryManager(int length)
    {
        Length = length;
        _pointer = (byte*)NativeMemory.AllocZeroed((nuint)length);
    }

    public int Length { get; }

    public override Span<byte> GetSpan() => new(_pointer, Length);

    public override MemoryHandle Pin(int elementIndex = 0) => new(_pointer + elementIndex, default, this);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (_pointer is null) return;
        NativeMemory.Free(_pointer);
        _pointer = null;
    }
}
