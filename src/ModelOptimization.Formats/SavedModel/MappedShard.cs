using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace ModelOptimization.Formats.SavedModel;

/// <summary>
/// A data shard (variables.data-NNNNN-of-MMMMM) held in memory: memory-mapped read-only when large, read into an
/// array when small. Tensors are views (<see cref="Slice"/>) that keep the shard alive; the mapping is released
/// by the finalizer once no view is reachable.
/// </summary>
internal sealed unsafe class MappedShard
{
    /// <summary>Shards up to this size are read into memory rather than mapped.</summary>
    public const long MapThreshold = 16L << 20;

    private readonly byte[]? bytes;
    private readonly MemoryMappedFile? file;
    private readonly MemoryMappedViewAccessor? view;
    private byte* pointer;

    private MappedShard(string path, long length, byte[]? bytes, MemoryMappedFile? file, MemoryMappedViewAccessor? view, byte* pointer)
    {
        Path = path;
        Length = length;
        this.bytes = bytes;
        this.file = file;
        this.view = view;
        this.pointer = pointer;
    }

    ~MappedShard() => Release();

    public string Path { get; }

    public long Length { get; }

    /// <summary>True when the bytes are memory-mapped.</summary>
    public bool IsMapped => file is not null;

    public static MappedShard Open(string path)
    {
        long length = new FileInfo(path).Length;
        if (length <= MapThreshold) return new MappedShard(path, length, File.ReadAllBytes(path), null, null, null);

        var mmf = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        MemoryMappedViewAccessor? accessor = null;
        try
        {
            accessor = mmf.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* p = null;
            accessor.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            return new MappedShard(path, length, null, mmf, accessor, p + accessor.PointerOffset);
        }
        catch
        {
            accessor?.Dispose();
            mmf.Dispose();
            throw;
        }
    }

    /// <summary>A view of <paramref name="length"/> bytes at <paramref name="offset"/> (bounds checked by the caller).</summary>
    public ReadOnlyMemory<byte> Slice(long offset, int length)
    {
        if (bytes is not null) return bytes.AsMemory((int)offset, length);
        return new Manager(this, pointer + offset, length).Memory;
    }

    private void Release()
    {
        if (pointer is not null && view is not null)
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
            pointer = null;
            view.Dispose();
            file?.Dispose();
        }
    }

    /// <summary>Exposes a range of the mapping as Memory; holds the shard so the mapping outlives every view.</summary>
    private sealed class Manager(MappedShard owner, byte* start, int length) : MemoryManager<byte>
    {
        private readonly MappedShard owner = owner;

        public override Span<byte> GetSpan()
        {
            GC.KeepAlive(owner);
            return new Span<byte>(start, length);
        }

        public override MemoryHandle Pin(int elementIndex = 0) => new(start + elementIndex, default, this);

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
