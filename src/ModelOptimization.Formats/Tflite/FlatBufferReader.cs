using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using ModelOptimization.Core.Errors;

namespace ModelOptimization.Formats.Tflite;

/// <summary>
/// A bounds-checked FlatBuffers accessor over a span (a byte array or a memory-mapped view). Google.FlatBuffers'
/// <c>ByteBuffer</c> wraps only a <c>byte[]</c> in the NuGet build (no span/Memory constructor), so it cannot sit on a
/// memory-mapped file without copying it, and its <c>Table</c> accessors do not check offsets: a malformed file
/// would surface as <see cref="IndexOutOfRangeException"/> or garbage. Every read here checks the uoffset target,
/// the vtable and table extents and each vector's length against the bytes that remain, and reports
/// <see cref="ErrorIds.ModelParseFailed"/> with the offset and the field. It never recurses (the TFLite schema has no
/// recursive tables, so the parser's nesting depth is fixed by the code), and callers charge decoded arrays to
/// the <see cref="ParseContext"/> budget before allocating them.
/// </summary>
internal readonly ref struct FlatBufferReader
{
    private readonly ReadOnlySpan<byte> _b;
    private readonly ParseContext _ctx;

    public FlatBufferReader(ReadOnlySpan<byte> bytes, ParseContext context)
    {
        _b = bytes;
        _ctx = context;
    }

    /// <summary>The root table (uoffset at byte 0).</summary>
    public FlatTable Root() => Table(Deref(0, "root table offset"), "root table");

    /// <summary>Checks the table at <paramref name="pos"/> (soffset to its vtable, vtable size, table size).</summary>
    public FlatTable Table(int pos, string field)
    {
        Need(pos, 4, field);
        int soffset = BinaryPrimitives.ReadInt32LittleEndian(_b.Slice(pos));
        long vt = (long)pos - soffset;
        if (vt < 0 || vt + 4 > _b.Length)
        {
            throw _ctx.Fail(field, $"offset 0x{pos:X}: the table's vtable would be at 0x{vt:X}, outside the file ({_ctx.FileLength:N0} bytes)");
        }

        int vtSize = BinaryPrimitives.ReadUInt16LittleEndian(_b.Slice((int)vt));
        int objSize = BinaryPrimitives.ReadUInt16LittleEndian(_b.Slice((int)vt + 2));
        if (vtSize < 4 || (vtSize & 1) != 0 || vt + vtSize > _b.Length)
        {
            throw _ctx.Fail(field, $"offset 0x{vt:X}: vtable of the table at 0x{pos:X} has an invalid size of {vtSize} bytes");
        }

        if (objSize < 4 || (long)pos + objSize > _b.Length)
        {
            throw _ctx.Fail(field, $"offset 0x{pos:X}: table of {objSize} bytes runs past the end of the file ({_ctx.FileLength:N0} bytes)");
        }

        _ctx.Charge(48);
        return new FlatTable(pos, (int)vt, vtSize, objSize);
    }

    /// <summary>The absolute position of a field of <paramref name="size"/> bytes, or -1 when it is absent.</summary>
    public int Field(in FlatTable t, int slot, int size, string field)
    {
        int entry = 4 + 2 * slot;
        if (entry + 2 > t.VTableSize) return -1;
        int off = BinaryPrimitives.ReadUInt16LittleEndian(_b.Slice(t.VTable + entry));
        if (off == 0) return -1;
        if (off + size > t.ObjectSize)
        {
            throw _ctx.Fail(field, $"offset 0x{t.Position + off:X}: field of {size} bytes lies outside its table ({t.ObjectSize} bytes at 0x{t.Position:X})");
        }

        return t.Position + off;
    }

    public bool GetBool(in FlatTable t, int slot, bool dflt, string field)
    {
        int p = Field(t, slot, 1, field);
        return p < 0 ? dflt : _b[p] != 0;
    }

    public byte GetByte(in FlatTable t, int slot, byte dflt, string field)
    {
        int p = Field(t, slot, 1, field);
        return p < 0 ? dflt : _b[p];
    }

    public sbyte GetSByte(in FlatTable t, int slot, sbyte dflt, string field)
    {
        int p = Field(t, slot, 1, field);
        return p < 0 ? dflt : (sbyte)_b[p];
    }

    public short GetInt16(in FlatTable t, int slot, short dflt, string field)
    {
        int p = Field(t, slot, 2, field);
        return p < 0 ? dflt : BinaryPrimitives.ReadInt16LittleEndian(_b.Slice(p));
    }

    public ushort GetUInt16(in FlatTable t, int slot, ushort dflt, string field)
    {
        int p = Field(t, slot, 2, field);
        return p < 0 ? dflt : BinaryPrimitives.ReadUInt16LittleEndian(_b.Slice(p));
    }

    public int GetInt32(in FlatTable t, int slot, int dflt, string field)
    {
        int p = Field(t, slot, 4, field);
        return p < 0 ? dflt : BinaryPrimitives.ReadInt32LittleEndian(_b.Slice(p));
    }

    public uint GetUInt32(in FlatTable t, int slot, uint dflt, string field)
    {
        int p = Field(t, slot, 4, field);
        return p < 0 ? dflt : BinaryPrimitives.ReadUInt32LittleEndian(_b.Slice(p));
    }

    public long GetInt64(in FlatTable t, int slot, long dflt, string field)
    {
        int p = Field(t, slot, 8, field);
        return p < 0 ? dflt : BinaryPrimitives.ReadInt64LittleEndian(_b.Slice(p));
    }

    public ulong GetUInt64(in FlatTable t, int slot, ulong dflt, string field)
    {
        int p = Field(t, slot, 8, field);
        return p < 0 ? dflt : BinaryPrimitives.ReadUInt64LittleEndian(_b.Slice(p));
    }

    public float GetSingle(in FlatTable t, int slot, float dflt, string field)
    {
        int p = Field(t, slot, 4, field);
        return p < 0 ? dflt : BinaryPrimitives.ReadSingleLittleEndian(_b.Slice(p));
    }

    public double GetDouble(in FlatTable t, int slot, double dflt, string field)
    {
        int p = Field(t, slot, 8, field);
        return p < 0 ? dflt : BinaryPrimitives.ReadDoubleLittleEndian(_b.Slice(p));
    }

    /// <summary>The position of a sub-table referenced by a field, or -1 when the field is absent.</summary>
    public int GetTablePosition(in FlatTable t, int slot, string field)
    {
        int p = Field(t, slot, 4, field);
        return p < 0 ? -1 : Deref(p, field);
    }

    /// <summary>The sub-table referenced by a field, or null when the field is absent.</summary>
    public FlatTable? GetTable(in FlatTable t, int slot, string field)
    {
        int p = GetTablePosition(t, slot, field);
        return p < 0 ? null : Table(p, field);
    }

    /// <summary>A vector field with elements of <paramref name="elementSize"/> bytes (Count -1 when absent).</summary>
    public FlatVector GetVector(in FlatTable t, int slot, int elementSize, string field)
    {
        int p = Field(t, slot, 4, field);
        if (p < 0) return new FlatVector(0, -1);
        int v = Deref(p, field);
        uint n = BinaryPrimitives.ReadUInt32LittleEndian(_b.Slice(v));
        long bytes = (long)n * elementSize;
        if (v + 4L + bytes > _b.Length)
        {
            throw _ctx.Fail(field, $"offset 0x{v:X}: vector of {n:N0} elements runs past the end of the file ({_ctx.FileLength:N0} bytes)");
        }

        return new FlatVector(v + 4, (int)n);
    }

    /// <summary>The table at element <paramref name="index"/> of a vector of tables.</summary>
    public FlatTable TableAt(FlatVector v, int index, string field) => Table(Deref(v.Start + 4 * index, field), field);

    public string? GetString(in FlatTable t, int slot, string field)
    {
        var v = GetVector(t, slot, 1, field);
        if (!v.IsPresent) return null;
        _ctx.Charge(24 + 2L * v.Count);
        return Encoding.UTF8.GetString(_b.Slice(v.Start, v.Count));
    }

    public int[]? GetInt32Array(in FlatTable t, int slot, string field) => Decode<int>(GetVector(t, slot, 4, field));

    public uint[]? GetUInt32Array(in FlatTable t, int slot, string field) => Decode<uint>(GetVector(t, slot, 4, field));

    public long[]? GetInt64Array(in FlatTable t, int slot, string field) => Decode<long>(GetVector(t, slot, 8, field));

    public float[]? GetSingleArray(in FlatTable t, int slot, string field) => Decode<float>(GetVector(t, slot, 4, field));

    public sbyte[]? GetSByteArray(in FlatTable t, int slot, string field) => Decode<sbyte>(GetVector(t, slot, 1, field));

    public byte[]? GetByteArray(in FlatTable t, int slot, string field) => Decode<byte>(GetVector(t, slot, 1, field));

    public bool[]? GetBoolArray(in FlatTable t, int slot, string field)
    {
        var v = GetVector(t, slot, 1, field);
        if (!v.IsPresent) return null;
        _ctx.Charge(24 + (long)v.Count);
        var result = new bool[v.Count];
        var src = _b.Slice(v.Start, v.Count);
        for (int i = 0; i < result.Length; i++) result[i] = src[i] != 0;
        return result;
    }

    /// <summary>A vector of 16-bit unsigned values widened to int.</summary>
    public int[]? GetUInt16ArrayAsInt32(in FlatTable t, int slot, string field)
    {
        var v = GetVector(t, slot, 2, field);
        if (!v.IsPresent) return null;
        _ctx.Charge(24 + 4L * v.Count);
        var result = new int[v.Count];
        for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadUInt16LittleEndian(_b.Slice(v.Start + 2 * i));
        return result;
    }

    /// <summary>A vector of 8-bit unsigned values widened to int.</summary>
    public int[]? GetByteArrayAsInt32(in FlatTable t, int slot, string field)
    {
        var v = GetVector(t, slot, 1, field);
        if (!v.IsPresent) return null;
        _ctx.Charge(24 + 4L * v.Count);
        var result = new int[v.Count];
        var src = _b.Slice(v.Start, v.Count);
        for (int i = 0; i < result.Length; i++) result[i] = src[i];
        return result;
    }

    /// <summary>Follows the uoffset stored at <paramref name="pos"/>; the target must leave room for 4 bytes.</summary>
    public int Deref(int pos, string field)
    {
        Need(pos, 4, field);
        uint rel = BinaryPrimitives.ReadUInt32LittleEndian(_b.Slice(pos));
        long target = pos + (long)rel;
        if (target + 4 > _b.Length)
        {
            throw _ctx.Fail(field, $"offset 0x{pos:X}: reference to 0x{target:X} points past the end of the file ({_ctx.FileLength:N0} bytes)");
        }

        return (int)target;
    }

    private T[]? Decode<T>(FlatVector v) where T : unmanaged
    {
        if (!v.IsPresent) return null;
        int size = Marshal.SizeOf<T>();
        _ctx.Charge(24 + (long)size * v.Count);
        var result = new T[v.Count];
        var src = _b.Slice(v.Start, v.Count * size);
        if (BitConverter.IsLittleEndian || size == 1)
        {
            src.CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        }
        else
        {
            src.CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
            var bytes = MemoryMarshal.AsBytes(result.AsSpan());
            for (int i = 0; i < bytes.Length; i += size) bytes.Slice(i, size).Reverse();
        }

        return result;
    }

    private void Need(long pos, int size, string field)
    {
        if (pos < 0 || pos + size > _b.Length)
        {
            throw _ctx.Fail(field, $"offset 0x{pos:X}: {size} bytes needed but the file ends at 0x{_b.Length:X} ({_ctx.FileLength:N0} bytes)");
        }
    }
}
