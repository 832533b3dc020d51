using System.Buffers.Binary;

namespace ModelOptimization.Formats.SavedModel;

/// <summary>
/// One table block as TensorFlow's <c>tsl::table::BlockBuilder</c> writes it: entries
/// <c>varint32 shared, varint32 unshared, varint32 value length, key delta, value</c>, a full key every
/// <c>restartInterval</c> entries, then the restart offsets and their count as fixed32.
/// </summary>
internal sealed class BlockBuilder
{
    private readonly int restartInterval;
    private readonly List<byte> buffer = [];
    private readonly List<uint> restarts = [0];
    private byte[] lastKey = [];
    private int counter;

    public BlockBuilder(int restartInterval) => this.restartInterval = restartInterval;

    public bool IsEmpty => buffer.Count == 0;

    /// <summary>Bytes the block will take (entries + restart array + count), as TensorFlow estimates it.</summary>
    public long CurrentSizeEstimate => buffer.Count + (restarts.Count * 4L) + 4;

    public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        int shared = 0;
        if (counter < restartInterval)
        {
            int min = Math.Min(lastKey.Length, key.Length);
            while (shared < min && lastKey[shared] == key[shared]) shared++;
        }
        else
        {
            restarts.Add((uint)buffer.Count);
            counter = 0;
        }

        Varint.Write(buffer, (ulong)shared);
        Varint.Write(buffer, (ulong)(key.Length - shared));
        Varint.Write(buffer, (ulong)value.Length);
        buffer.AddRange(key[shared..]);
        buffer.AddRange(value);
        lastKey = key.ToArray();
        counter++;
    }

    public byte[] Finish()
    {
        var result = new byte[buffer.Count + (restarts.Count * 4) + 4];
        buffer.CopyTo(result);
        int p = buffer.Count;
        foreach (uint r in restarts)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(p), r);
            p += 4;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(p), (uint)restarts.Count);
        return result;
    }

    public void Reset()
    {
        buffer.Clear();
        restarts.Clear();
        restarts.Add(0);
        lastKey = [];
        counter = 0;
    }
}
