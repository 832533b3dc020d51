using System.IO.MemoryMappedFiles;

namespace ModelOptimization.Formats.Tflite;

/// <summary>
/// A model file mapped into memory (copy-on-write, so a stray write through a view changes only this process's
/// copy and never the file). Buffer views are <see cref="MappedMemoryManager"/> windows on the
/// mapping; each holds a reference to this object, so the mapping lives as long as any model or buffer view that
/// uses it (the model keeps it in <c>Model.Storage</c>) and is released by the finalizer after the last one goes.
/// The file is opened with delete/write sharing so that it can be replaced (renamed over) while mapped: on Linux the
/// mapping keeps the old contents.
/// </summary>
internal sealed unsafe class MappedModelFile : ModelFileBytes
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _pointer;
    private readonly ReadOnlyMemory<byte> _head;
    private int _released;

    public MappedModelFile(string path, long length)
    {
        Path = path;
        Length = length;
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        try
        {
            _file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.CopyOnWrite, HandleInheritability.None, leaveOpen: false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }

        try
        {
            _view = _file.CreateViewAccessor(0, length, MemoryMappedFileAccess.CopyOnWrite);
            byte* p = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            _pointer = p + _view.PointerOffset;
        }
        catch
        {
            _view?.Dispose();
            _file.Dispose();
            throw;
        }

        _head = new MappedMemoryManager(this, _pointer, (int)Math.Min(length, int.MaxValue)).Memory;
    }

    ~MappedModelFile() => Release();

    public string Path { get; }

    public override long Length { get; }

    public override ReadOnlyMemory<byte> Head => _head;

    public override object? Storage => this;

    public override ReadOnlyMemory<byte> Slice(long offset, int length)
    {
        if (offset + length <= _head.Length) return _head.Slice((int)offset, length);
        return new MappedMemoryManager(this, _pointer + offset, length).Memory;
    }

    public override string ToString() => $"memory-mapped '{Path}' ({Length:N0} bytes)";

    /// <summary>Unmaps now; only for a mapping no view has escaped from (the parse of its file failed).</summary>
    public void ReleaseUnused()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) != 0) return;
        try
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _file.Dispose();
        }
        catch (ObjectDisposedException)
        {
            // Finalization order of the handles is not defined; theirs released the mapping already.
        }
    }
}
