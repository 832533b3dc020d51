using System.Globalization;
using System.Text;
using Google.Protobuf;
using ModelOptimization.Core.TensorFlow;
using ModelOptimization.Formats.SavedModel.Protos;

namespace ModelOptimization.Formats.SavedModel;

/// <summary>
/// A TensorFlow tensor bundle (checkpoint) as read: <c>&lt;prefix&gt;.index</c> (header under the empty key, a
/// <c>BundleEntryProto</c> under every tensor name) and the data shards <c>&lt;prefix&gt;.data-NNNNN-of-MMMMM</c>, with
/// each tensor's bytes viewed in place and its masked crc32c verified.
/// </summary>
internal sealed class TensorBundle
{
    /// <summary>The key of the TF2 object graph (a string scalar holding a serialized TrackableObjectGraph).</summary>
    public const string ObjectGraphKey = "_CHECKPOINTABLE_OBJECT_GRAPH";

    public required BundleHeaderProto Header { get; init; }

    /// <summary>Entries in key order (as in the index).</summary>
    public required List<BundleEntryRecord> Entries { get; init; }

    /// <summary>The index file's bytes as read.</summary>
    public required byte[] IndexBytes { get; init; }

    public required List<MappedShard> Shards { get; init; }

    /// <summary>True when some block of the index was Snappy-compressed (TensorFlow built with Snappy wrote it).</summary>
    public bool UsedSnappy { get; init; }

    public static string ShardName(string prefix, int shard, int count)
        => $"{prefix}.data-{shard.ToString("D5", CultureInfo.InvariantCulture)}-of-{count.ToString("D5", CultureInfo.InvariantCulture)}";

    public static TensorBundle Read(string prefix, bool verifyChecksums)
    {
        string indexPath = prefix + ".index";
        byte[] index = File.ReadAllBytes(indexPath);
        var table = TableReader.Read(index, indexPath, out bool usedSnappy);
        if (table.Count == 0 || table[0].Key.Length != 0)
        {
            throw SavedModelErrors.Parse(indexPath, table.Count == 0 ? 0 : table[0].FileOffset,
                "the tensor bundle has no header (the entry with the empty key)");
        }

        var header = ParseProto(BundleHeaderProto.Parser, index, table[0], indexPath, "bundle header");
        if (header.Endianness != BundleHeaderProto.Types.Endianness.Little)
        {
            throw SavedModelErrors.Unsupported(indexPath, $"The tensor bundle '{indexPath}' is big-endian ({header.Endianness}); only little-endian bundles are supported.");
        }

        if (header.NumShards < 1 || header.NumShards > 100_000)
        {
            throw SavedModelErrors.Parse(indexPath, table[0].FileOffset, $"bad shard count {header.NumShards} in the bundle header");
        }

        var shards = new MappedShard?[header.NumShards];
        var entries = new List<BundleEntryRecord>(table.Count - 1);
        for (int i = 1; i < table.Count; i++)
        {
            var t = table[i];
            string key = Encoding.UTF8.GetString(t.Key);
            var entry = ParseProto(BundleEntryProto.Parser, index, t, indexPath, $"entry '{key}'");
            ReadOnlyMemory<byte> data = default;
            if (entry.Slices.Count == 0)
            {
                if (entry.ShardId < 0 || entry.ShardId >= header.NumShards)
                {
                    throw SavedModelErrors.Parse(indexPath, t.FileOffset,
                        $"entry '{key}' names shard {entry.ShardId}, but the bundle has {header.NumShards}");
                }

                var shard = shards[entry.ShardId] ??= OpenShard(prefix, entry.ShardId, header.NumShards, indexPath, t.FileOffset);
                if (entry.Offset < 0 || entry.Size < 0 || entry.Offset > shard.Length || entry.Size > shard.Length - entry.Offset)
                {
                    throw SavedModelErrors.Parse(shard.Path, Math.Clamp(entry.Offset, 0, shard.Length),
                        $"tensor '{key}' needs bytes [{entry.Offset}, {entry.Offset + entry.Size}) but the shard has {shard.Length} bytes (entry at byte {t.FileOffset} of {Path.GetFileName(indexPath)})");
                }

                if (entry.Size > int.MaxValue)
                {
                    throw SavedModelErrors.Unsupported(shard.Path, $"Tensor '{key}' is {entry.Size} bytes; tensors over 2 GiB are not supported.");
                }

                data = shard.Slice(entry.Offset, (int)entry.Size);
                long elements = SavedModelConvert.Shape(entry.Shape).ElementCount;
                bool isString = TfDataTypeInfo.BaseType((TfDataType)entry.Dtype) == TfDataType.String;
                if (verifyChecksums || isString)
                {
                    uint? crc = BundleChecksum.Compute((TfDataType)entry.Dtype, elements, data.Span, out string? error, out int errorAt);
                    if (error is not null)
                    {
                        throw SavedModelErrors.Parse(shard.Path, entry.Offset + errorAt, $"malformed string tensor '{key}': {error}");
                    }

                    if (verifyChecksums && crc is uint actual && Crc32C.Mask(actual) != entry.Crc32C)
                    {
                        throw SavedModelErrors.Parse(shard.Path, entry.Offset,
                            $"checksum mismatch for tensor '{key}' (bytes [{entry.Offset}, {entry.Offset + entry.Size}): stored 0x{Crc32C.Unmask(entry.Crc32C):x8}, computed 0x{actual:x8})");
                    }
                }

                long expected = ExpectedSize(entry);
                if (expected >= 0 && expected != entry.Size)
                {
                    throw SavedModelErrors.Validation(indexPath,
                        $"tensor '{key}' is {TfDataTypeInfo.ShortName((TfDataType)entry.Dtype)}{SavedModelConvert.Shape(entry.Shape)} = {expected} bytes, but its entry holds {entry.Size}");
                }
            }

            entries.Add(new BundleEntryRecord { Key = key, KeyBytes = t.Key, Entry = entry, Data = data, IndexOffset = t.FileOffset });
        }

        return new TensorBundle
        {
            UsedSnappy = usedSnappy,
            Header = header,
            Entries = entries,
            IndexBytes = index,
            Shards = shards.Where(s => s is not null).Select(s => s!).ToList(),
        };
    }

    /// <summary>The dense size a fixed-width entry must have, or -1 when it cannot be told (strings, unknown shapes).</summary>
    public static long ExpectedSize(BundleEntryProto entry)
    {
        var shape = SavedModelConvert.Shape(entry.Shape);
        long n = shape.ElementCount;
        if (n < 0) return -1;
        int bits = TfDataTypeInfo.BitWidth((TfDataType)entry.Dtype);
        if (bits == 0 || n > long.MaxValue / 16) return -1;
        return n * (bits / 8);
    }

    private static MappedShard OpenShard(string prefix, int shard, int count, string indexPath, long entryOffset)
    {
        string path = ShardName(prefix, shard, count);
        if (!File.Exists(path))
        {
            throw SavedModelErrors.Parse(indexPath, entryOffset, $"the data shard '{Path.GetFileName(path)}' is missing");
        }

        return MappedShard.Open(path);
    }

    private static T ParseProto<T>(MessageParser<T> parser, byte[] file, TableEntry e, string path, string what)
        where T : IMessage<T>
    {
        _ = file;
        var input = new CodedInputStream(e.Value.ToArray());
        try
        {
            var msg = parser.ParseFrom(input);
            return msg;
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw SavedModelErrors.Parse(path, e.FileOffset + input.Position, $"malformed {what}: {ex.Message}", ex);
        }
    }
}
