namespace ModelOptimization.Formats.Tflite;

/// <summary>
/// The bytes of a model file: the FlatBuffer region (<see cref="Head"/>, at most 2 GiB - 1, which is all a
/// FlatBuffer can address) and windows anywhere in the file for payloads stored after the FlatBuffer.
/// </summary>
internal abstract class ModelFileBytes
{
    /// <summary>Length of the whole file.</summary>
    public abstract long Length { get; }

    /// <summary>The first min(<see cref="Length"/>, int.MaxValue) bytes.</summary>
    public abstract ReadOnlyMemory<byte> Head { get; }

    /// <summary>What keeps the bytes alive (a mapping), stored in <c>Model.Storage</c>; null for a managed array.</summary>
    public abstract object? Storage { get; }

    /// <summary>A view of <paramref name="length"/> bytes at <paramref name="offset"/> (caller checked the range).</summary>
    public abstract ReadOnlyMemory<byte> Slice(long offset, int length);
}
