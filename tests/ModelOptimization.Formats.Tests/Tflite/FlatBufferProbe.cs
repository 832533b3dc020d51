using System.Buffers.Binary;

namespace ModelOptimization.Formats.Tests.Tflite;

/// <summary>
/// A minimal, independent FlatBuffers walker for tests that patch bytes of real files: finds where a field, a
/// vector or a table lives (no checks: it is used on files known to be well-formed).
/// </summary>
public sealed class FlatBufferProbe(byte[] bytes)
{
    public byte[] Bytes { get; } = bytes;

    public int Root => Deref(0);

    /// <summary>Position of field <paramref name="slot"/> of the table at <paramref name="table"/>, or -1.</summary>
    public int Field(int table, int slot)
    {
        int vt = table - BinaryPrimitives.ReadInt32LittleEndian(Bytes.AsSpan(table));
        int vtSize = BinaryPrimitives.ReadUInt16LittleEndian(Bytes.AsSpan(vt));
        int entry = 4 + 2 * slot;
        if (entry + 2 > vtSize) return -1;
        int off = BinaryPrimitives.ReadUInt16LittleEndian(Bytes.AsSpan(vt + entry));
        return off == 0 ? -1 : table + off;
    }

    public int Deref(int pos) => pos + (int)BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan(pos));

    /// <summary>Position of the length word of the vector in field <paramref name="slot"/>.</summary>
    public int Vector(int table, int slot) => Deref(Field(table, slot));

    public int Count(int vector) => (int)BinaryPrimitives.ReadUInt32LittleEndian(Bytes.AsSpan(vector));

    /// <summary>The table at element <paramref name="index"/> of the vector of tables whose length word is at <paramref name="vector"/>.</summary>
    public int TableAt(int vector, int index) => Deref(vector + 4 + 4 * index);

    public void PutUInt32(int pos, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Bytes.AsSpan(pos), value);

    public void PutInt32(int pos, int value) => BinaryPrimitives.WriteInt32LittleEndian(Bytes.AsSpan(pos), value);

    public void PutUInt64(int pos, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Bytes.AsSpan(pos), value);
}
