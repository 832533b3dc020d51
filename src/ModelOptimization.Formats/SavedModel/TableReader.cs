using System.Buffers.Binary;

namespace ModelOptimization.Formats.SavedModel;

/// <summary>
/// Reads a LevelDB-format table (TensorFlow's variables.index) completely: footer, index block, every data
/// block, checking each block's trailer (type byte + masked crc32c) and every varint, restart array and key order.
/// Any defect is a ModelParseFailed naming the file and the byte offset.
/// </summary>
internal static class TableReader
{
    /// <summary>Reads every entry; <paramref name="usedSnappy"/> tells whether any block was Snappy-compressed.</summary>
    public static List<TableEntry> Read(byte[] file, string path, out bool usedSnappy)
    {
        usedSnappy = false;
        if (file.Length < TableFormat.FooterLength)
        {
            throw SavedModelErrors.Parse(path, 0,
                $"the file is {file.Length} bytes, shorter than the {TableFormat.FooterLength}-byte table footer");
        }

        int footer = file.Length - TableFormat.FooterLength;
        ulong magic = BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(file.Length - 8));
        if (magic != TableFormat.MagicNumber)
        {
            throw SavedModelErrors.Parse(path, file.Length - 8,
                $"bad table magic number 0x{magic:x16} (expected 0x{TableFormat.MagicNumber:x16}); not a LevelDB table");
        }

        var footerSpan = file.AsSpan(footer, 2 * TableFormat.MaxBlockHandleLength);
        int pos = 0;
        var metaIndex = ReadHandle(footerSpan, ref pos, path, footer, "metaindex block handle");
        var index = ReadHandle(footerSpan, ref pos, path, footer, "index block handle");

        // The meta-index block carries no entries in TensorFlow's tables; it is still checksummed.
        _ = ReadBlock(file, metaIndex, footer, path, "metaindex block", ref usedSnappy);
        var indexBlock = ReadBlock(file, index, footer, path, "index block", ref usedSnappy);
        var handles = ParseBlock(indexBlock, path, "index block");

        var entries = new List<TableEntry>();
        byte[]? previous = null;
        foreach (var h in handles)
        {
            int hp = 0;
            var handle = ReadHandle(h.Value.Span, ref hp, path, h.FileOffset, "data block handle");
            var block = ReadBlock(file, handle, footer, path, "data block", ref usedSnappy);
            foreach (var e in ParseBlock(block, path, "data block"))
            {
                if (previous is not null && e.Key.AsSpan().SequenceCompareTo(previous) <= 0)
                {
                    throw SavedModelErrors.Parse(path, e.FileOffset,
                        "table keys are not in strictly increasing order");
                }

                entries.Add(e);
                previous = e.Key;
            }
        }

        return entries;
    }

    private static (long Offset, long Size) ReadHandle(ReadOnlySpan<byte> s, ref int pos, string path, long baseOffset, string what)
    {
        int start = pos;
        if (!Varint.TryRead64(s, ref pos, out ulong offset) || !Varint.TryRead64(s, ref pos, out ulong size))
        {
            throw SavedModelErrors.Parse(path, baseOffset + start, $"bad varint in the {what}");
        }

        if (offset > long.MaxValue || size > long.MaxValue)
        {
            throw SavedModelErrors.Parse(path, baseOffset + start, $"the {what} points past the end of the file");
        }

        return ((long)offset, (long)size);
    }

    /// <summary>A block's contents (decompressed when needed) and where it is in the file.</summary>
    private readonly record struct Block(ReadOnlyMemory<byte> Contents, long FileOffset, bool Compressed);

    /// <summary>Bounds-checks a block, verifies its trailer and returns its (decompressed) contents.</summary>
    private static Block ReadBlock(byte[] file, (long Offset, long Size) h, int footer, string path, string what, ref bool usedSnappy)
    {
        if (h.Offset > footer || h.Size > footer - h.Offset || h.Size + TableFormat.BlockTrailerLength > footer - h.Offset)
        {
            throw SavedModelErrors.Parse(path, Math.Min(h.Offset, file.Length),
                $"the {what} handle (offset {h.Offset}, size {h.Size}) points past the end of the data ({footer} bytes before the footer)");
        }

        int offset = (int)h.Offset, size = (int)h.Size;
        byte type = file[offset + size];
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + size + 1));
        uint actual = Crc32C.Compute(file.AsSpan(offset, size + 1));
        if (Crc32C.Unmask(stored) != actual)
        {
            throw SavedModelErrors.Parse(path, offset + size + 1,
                $"{what} checksum mismatch (stored 0x{Crc32C.Unmask(stored):x8}, computed 0x{actual:x8} over bytes [{offset}, {offset + size + 1}))");
        }

        if (type == TableFormat.NoCompression) return new Block(file.AsMemory(offset, size), offset, false);
        if (type != TableFormat.SnappyCompression) throw SavedModelErrors.Parse(path, offset + size, $"bad block type {type} in the {what}");
        usedSnappy = true;
        var raw = Snappy.Decompress(file.AsSpan(offset, size), MaxBlockLength, out string? error, out int errorAt);
        if (raw is null) throw SavedModelErrors.Parse(path, offset + errorAt, $"corrupt Snappy-compressed {what}: {error}");
        return new Block(raw, offset, true);
    }

    /// <summary>Largest decompressed block accepted (TensorFlow writes blocks of about 256 KiB).</summary>
    private const int MaxBlockLength = 64 << 20;

    /// <summary>Decodes a block's prefix-compressed entries, checking the restart array.</summary>
    private static List<TableEntry> ParseBlock(Block b, string path, string what)
    {
        var contents = b.Contents.Span;
        int length = contents.Length;
        // Offsets inside a compressed block cannot be told in file terms: report the block's own offset.
        long At(long inBlock) => b.Compressed ? b.FileOffset : b.FileOffset + inBlock;
        if (length < 4) throw SavedModelErrors.Parse(path, At(0), $"the {what} is {length} bytes, too short for its restart count");
        uint numRestarts = BinaryPrimitives.ReadUInt32LittleEndian(contents[(length - 4)..]);
        long restartsAt = length - 4 - (4L * numRestarts);
        if (numRestarts == 0 || restartsAt < 0)
        {
            throw SavedModelErrors.Parse(path, At(length - 4), $"bad restart count {numRestarts} in the {what} ({length} bytes)");
        }

        int limit = (int)restartsAt;
        var block = contents[..limit];
        var restarts = new HashSet<int>();
        for (int r = 0; r < numRestarts; r++)
        {
            uint ro = BinaryPrimitives.ReadUInt32LittleEndian(contents[(limit + (4 * r))..]);
            if (ro > (uint)limit || (ro == limit && limit != 0))
            {
                throw SavedModelErrors.Parse(path, At(limit + (4 * r)), $"restart point {ro} is outside the {what} entries ({limit} bytes)");
            }

            restarts.Add((int)ro);
        }

        if (limit > 0 && !restarts.Contains(0)) throw SavedModelErrors.Parse(path, At(limit), $"the {what} has no restart point at 0");

        var entries = new List<TableEntry>();
        byte[] lastKey = [];
        int pos = 0;
        while (pos < limit)
        {
            int start = pos;
            if (!Varint.TryRead32(block, ref pos, out uint shared) || !Varint.TryRead32(block, ref pos, out uint nonShared)
                || !Varint.TryRead32(block, ref pos, out uint valueLength))
            {
                throw SavedModelErrors.Parse(path, At(start), $"bad varint in a {what} entry header");
            }

            if (restarts.Contains(start) && shared != 0)
            {
                throw SavedModelErrors.Parse(path, At(start), $"a {what} entry at a restart point shares {shared} key bytes");
            }

            if (shared > (uint)lastKey.Length || nonShared > (uint)(limit - pos) || valueLength > (uint)(limit - pos - (int)nonShared))
            {
                throw SavedModelErrors.Parse(path, At(start),
                    $"a {what} entry (shared {shared}, unshared {nonShared}, value {valueLength} bytes) runs past the block end or the previous key");
            }

            var key = new byte[shared + nonShared];
            lastKey.AsSpan(0, (int)shared).CopyTo(key);
            block.Slice(pos, (int)nonShared).CopyTo(key.AsSpan((int)shared));
            pos += (int)nonShared;
            entries.Add(new TableEntry(key, b.Contents.Slice(pos, (int)valueLength), At(pos)));
            pos += (int)valueLength;
            lastKey = key;
        }

        return entries;
    }
}
