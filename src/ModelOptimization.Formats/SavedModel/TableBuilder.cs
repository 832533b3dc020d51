using System.Buffers.Binary;

namespace ModelOptimization.Formats.SavedModel;

/// <summary>
/// Builds a LevelDB-format table exactly as TensorFlow's <c>tsl::table::TableBuilder</c> does with the options
/// its <c>BundleWriter</c> uses (block size 256 KiB, restart interval 16, no compression): the same block
/// boundaries (flush when the size estimate reaches the block size, or before an entry at least twice the block
/// size), the same shortest-separator index keys and successor for the last block, an empty meta-index block,
/// and the footer padded with zeros. Keys must be added in strictly increasing bytewise order.
/// </summary>
internal sealed class TableBuilder
{
    private readonly MemoryStream output = new();
    private readonly BlockBuilder dataBlock;
    private readonly BlockBuilder indexBlock = new(1);
    private readonly int blockSize;
    private readonly bool snappy;
    private byte[] lastKey = [];
    private long entryCount;
    private bool pendingIndexEntry;
    private (long Offset, long Size) pendingHandle;

    /// <param name="snappy">Snappy-compress blocks that shrink by at least 1/8, as TensorFlow built with Snappy does.</param>
    public TableBuilder(bool snappy = false, int blockSize = TableFormat.DefaultBlockSize, int restartInterval = TableFormat.DefaultRestartInterval)
    {
        this.snappy = snappy;
        this.blockSize = blockSize;
        dataBlock = new BlockBuilder(restartInterval);
    }

    public void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (entryCount > 0)
        {
            if (key.SequenceCompareTo(lastKey) <= 0) throw new ArgumentException("Table keys must be added in strictly increasing order.", nameof(key));
            if ((long)key.Length + value.Length >= 2L * blockSize) Flush();
        }

        if (pendingIndexEntry)
        {
            AddIndexEntry(ShortestSeparator(lastKey, key));
        }

        lastKey = key.ToArray();
        entryCount++;
        dataBlock.Add(key, value);
        if (dataBlock.CurrentSizeEstimate >= blockSize) Flush();
    }

    public byte[] Finish()
    {
        Flush();
        var metaIndex = WriteBlock(new BlockBuilder(TableFormat.DefaultRestartInterval));
        if (pendingIndexEntry) AddIndexEntry(ShortSuccessor(lastKey));
        var index = WriteBlock(indexBlock);

        var footer = new List<byte>(TableFormat.FooterLength);
        Varint.Write(footer, (ulong)metaIndex.Offset);
        Varint.Write(footer, (ulong)metaIndex.Size);
        Varint.Write(footer, (ulong)index.Offset);
        Varint.Write(footer, (ulong)index.Size);
        while (footer.Count < 2 * TableFormat.MaxBlockHandleLength) footer.Add(0);
        Span<byte> magic = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(magic, TableFormat.MagicNumber);
        footer.AddRange(magic.ToArray());
        output.Write(footer.ToArray());
        return output.ToArray();
    }

    private void AddIndexEntry(byte[] key)
    {
        var handle = new List<byte>(20);
        Varint.Write(handle, (ulong)pendingHandle.Offset);
        Varint.Write(handle, (ulong)pendingHandle.Size);
        indexBlock.Add(key, handle.ToArray());
        pendingIndexEntry = false;
    }

    private void Flush()
    {
        if (dataBlock.IsEmpty) return;
        pendingHandle = WriteBlock(dataBlock);
        pendingIndexEntry = true;
    }

    private (long Offset, long Size) WriteBlock(BlockBuilder block)
    {
        byte[] contents = block.Finish();
        byte type = TableFormat.NoCompression;
        if (snappy)
        {
            var compressed = Snappy.Compress(contents);
            if (compressed.Length < contents.Length - (contents.Length / 8))
            {
                contents = compressed;
                type = TableFormat.SnappyCompression;
            }
        }

        long offset = output.Position;
        output.Write(contents);
        Span<byte> trailer = stackalloc byte[TableFormat.BlockTrailerLength];
        trailer[0] = type;
        uint crc = Crc32C.Extend(Crc32C.Compute(contents), trailer[..1]);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[1..], Crc32C.Mask(crc));
        output.Write(trailer);
        block.Reset();
        return (offset, contents.Length);
    }

    /// <summary>
    /// TensorFlow's <c>FindShortestSeparator</c>: a short key k with start &lt;= k &lt; limit (bytewise), made by
    /// incrementing the first differing byte of <paramref name="start"/> when that stays below
    /// <paramref name="limit"/>; otherwise <paramref name="start"/> itself.
    /// </summary>
    internal static byte[] ShortestSeparator(byte[] start, ReadOnlySpan<byte> limit)
    {
        int min = Math.Min(start.Length, limit.Length);
        int diff = 0;
        while (diff < min && start[diff] == limit[diff]) diff++;
        if (diff >= min) return start;
        byte d = start[diff];
        if (d < 0xff && d + 1 < limit[diff])
        {
            var k = start.AsSpan(0, diff + 1).ToArray();
            k[diff]++;
            return k;
        }

        return start;
    }

    /// <summary>TensorFlow's <c>FindShortSuccessor</c>: the first byte that is not 0xff incremented, the rest cut.</summary>
    internal static byte[] ShortSuccessor(byte[] key)
    {
        for (int i = 0; i < key.Length; i++)
        {
            if (key[i] != 0xff)
            {
                var k = key.AsSpan(0, i + 1).ToArray();
                k[i]++;
                return k;
            }
        }

        return key;
    }
}
