using System.Text;
using Google.Protobuf;
using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.TensorFlow;
using ModelOptimization.Formats.SavedModel.Protos;

namespace ModelOptimization.Formats.SavedModel;

/// <summary>
/// Writes a model read from a SavedModel back as a SavedModel folder TensorFlow loads: saved_model.pb,
/// variables/variables.index and one data shard, fingerprint.pb when the source had one, and the other files
/// (assets, keras_metadata.pb ...) copied. Variable values come from the graph form (so changed weights are
/// written); an unchanged model reproduces TensorFlow's index and data files byte for byte. The folder is
/// written to a temporary sibling and moved into place; on failure or cancellation nothing is left behind and the
/// input is never touched.
/// </summary>
public static class SavedModelWriter
{
    public static void Write(Model model, string folder, SavedModelWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(folder);
        if (model.Storage is not SavedModelDocument doc)
        {
            throw SavedModelErrors.Unsupported(folder,
                $"The model '{model.Name}' was not read from a SavedModel, so it has no TensorFlow graph to write; write it as TFLite instead.");
        }

        // A transform works on its own clone of the graph; the document keeps the graph as read. After a transform the
        // export is serving-only unless options say otherwise.
        var (document, graph, _) = Conversion.SavedModelGraphWriter.Prepare(model, doc, options?.Pruning ?? SavedModelPruning.Auto);
        Write(document, graph, folder, options, cancellationToken);
    }

    /// <summary>Writes <paramref name="graph"/>'s variables with the rest of <paramref name="document"/>.</summary>
    public static void Write(SavedModelDocument document, TfGraph graph, string folder, SavedModelWriteOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(folder);
        options ??= new SavedModelWriteOptions();
        if (options.DataAlignment < 1) throw new ArgumentOutOfRangeException(nameof(options), "DataAlignment must be at least 1.");

        string target = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        bool exists = Directory.Exists(target) || File.Exists(target);
        if (exists && !options.Overwrite) throw SavedModelErrors.OutputExists(target);
        string parent = Path.GetDirectoryName(target) ?? throw SavedModelErrors.WriteFailed(target, "the output cannot be a root folder");
        string stamp = Guid.NewGuid().ToString("N")[..12];
        string temp = Path.Combine(parent, $".{Path.GetFileName(target)}.tmp-{stamp}");
        string backup = Path.Combine(parent, $".{Path.GetFileName(target)}.old-{stamp}");
        try
        {
            Directory.CreateDirectory(temp);
            WriteContents(document, graph, temp, options, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            if (exists)
            {
                MoveAny(target, backup);
                try
                {
                    Directory.Move(temp, target);
                }
                catch
                {
                    MoveAny(backup, target);
                    throw;
                }

                DeleteQuietly(backup);
            }
            else
            {
                Directory.Move(temp, target);
            }
        }
        catch (OperationCanceledException ex)
        {
            DeleteQuietly(temp);
            throw SavedModelErrors.Cancelled(target, ex);
        }
        catch (ModelOptimizationException)
        {
            DeleteQuietly(temp);
            throw;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            DeleteQuietly(temp);
            throw SavedModelErrors.WriteFailed(target, ex.Message, ex);
        }
    }

    private static void WriteContents(SavedModelDocument doc, TfGraph graph, string dir, SavedModelWriteOptions options, CancellationToken ct)
    {
        File.WriteAllBytes(Path.Combine(dir, SavedModelReader.SavedModelFileName), SerializeSavedModel(doc));
        ct.ThrowIfCancellationRequested();

        if (doc.Bundle is not null || graph.Variables.Count > 0)
        {
            string vars = Path.Combine(dir, SavedModelReader.VariablesFolderName);
            Directory.CreateDirectory(vars);
            bool snappy = options.IndexCompression == SavedModelIndexCompression.Snappy
                || (options.IndexCompression == SavedModelIndexCompression.MatchSource && doc.Bundle?.UsedSnappy == true);
            WriteBundle(doc, graph, Path.Combine(vars, SavedModelReader.VariablesPrefix), options.DataAlignment, snappy, ct);
        }

        if (doc.Fingerprint is not null) File.WriteAllBytes(Path.Combine(dir, SavedModelReader.FingerprintFileName), doc.Fingerprint);

        foreach (string rel in doc.OtherFiles)
        {
            ct.ThrowIfCancellationRequested();
            string src = Path.Combine(doc.SourceFolder, rel);
            string dst = Path.Combine(dir, rel);
            if (!File.Exists(src)) throw SavedModelErrors.WriteFailed(dir, $"the source file '{src}' (part of the SavedModel) no longer exists");
            Directory.CreateDirectory(Path.GetDirectoryName(dst)!);
            File.Copy(src, dst);
        }
    }

    /// <summary>
    /// The saved_model.pb bytes: the source's own bytes while the message is unchanged (a lossless copy), else the
    /// message serialized by Google.Protobuf (equal as a message; field order may differ from TensorFlow's).
    /// </summary>
    internal static byte[] SerializeSavedModel(SavedModelDocument doc)
    {
        if (doc.OriginalBytes is { } original && doc.Message.Equals(SavedModelReader.ParseSavedModel(original, doc.SourceFolder))) return original;
        return doc.Message.ToByteArray();
    }

    private sealed record Item(string Key, BundleEntryProto Entry, ReadOnlyMemory<byte> Data, uint? KnownCrc);

    /// <summary>
    /// Writes the bundle: tensors in the source's data order (new variables after them, by key), each entry
    /// re-using the source entry (unknown fields kept) with offset, size, checksum, type and shape updated; the
    /// index holds the header under the empty key and the entries in key order.
    /// </summary>
    private static void WriteBundle(SavedModelDocument doc, TfGraph graph, string prefix, int alignment, bool snappy, CancellationToken ct)
    {
        var vars = new Dictionary<string, TfVariable>(StringComparer.Ordinal);
        foreach (var v in graph.Variables)
        {
            if (v.Name.Length == 0) throw SavedModelErrors.Validation(doc.SourceFolder, "a variable has an empty checkpoint key");
            if (!vars.TryAdd(v.Name, v)) throw SavedModelErrors.Validation(doc.SourceFolder, $"two variables have the checkpoint key '{v.Name}'");
            long expected = TfDataTypeInfo.ByteCount(v.DataType, v.Shape.ElementCount);
            if (v.Shape.IsFullyDefined && expected >= 0 && expected != v.Data.Length)
            {
                throw SavedModelErrors.Validation(doc.SourceFolder,
                    $"variable '{v.Name}' is {TfDataTypeInfo.ShortName(v.DataType)}{v.Shape} = {expected} bytes but holds {v.Data.Length}");
            }
        }

        var items = new List<Item>();
        var records = doc.Bundle?.Entries ?? [];
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in records.OrderBy(r => r.Entry.Slices.Count > 0 ? int.MaxValue : r.Entry.ShardId).ThenBy(r => r.Entry.Offset))
        {
            if (r.Key == TensorBundle.ObjectGraphKey && doc.CheckpointObjectGraph is { } objectGraph && r.Entry.Slices.Count == 0)
            {
                var encoded = EncodeStringScalar(objectGraph);
                uint? objectGraphCrc = BundleChecksum.Compute(TfDataType.String, 1, encoded, out string? encodeError, out _);
                if (encodeError is not null || objectGraphCrc is null)
                {
                    throw SavedModelErrors.Validation(doc.SourceFolder, $"the pruned object graph does not encode: {encodeError}");
                }

                items.Add(new Item(r.Key, r.Entry.Clone(), encoded, objectGraphCrc));
                written.Add(r.Key);
                continue;
            }

            if (r.Key == TensorBundle.ObjectGraphKey || r.Entry.Slices.Count > 0)
            {
                items.Add(new Item(r.Key, r.Entry.Clone(), r.Data, r.Entry.Slices.Count > 0 ? null : Crc32C.Unmask(r.Entry.Crc32C)));
                written.Add(r.Key);
                continue;
            }

            if (!vars.TryGetValue(r.Key, out var v)) continue; // removed from the graph
            var entry = r.Entry.Clone();
            bool sameBytes = v.Data.Equals(r.Data);
            bool sameType = (TfDataType)entry.Dtype == v.DataType;
            var oldShape = SavedModelConvert.Shape(entry.Shape);
            if (!sameType) entry.Dtype = (DataType)v.DataType;
            if (!oldShape.Equals(v.Shape)) entry.Shape = SavedModelConvert.ShapeProto(v.Shape);
            items.Add(new Item(r.Key, entry, v.Data, sameBytes && sameType ? Crc32C.Unmask(r.Entry.Crc32C) : StringCrc(v, doc)));
            written.Add(r.Key);
        }

        foreach (var v in graph.Variables.Where(v => !written.Contains(v.Name)).OrderBy(v => v.Name, StringComparer.Ordinal))
        {
            var entry = new BundleEntryProto { Dtype = (DataType)v.DataType, Shape = SavedModelConvert.ShapeProto(v.Shape) };
            items.Add(new Item(v.Name, entry, v.Data, StringCrc(v, doc)));
        }

        string dataPath = TensorBundle.ShardName(prefix, 0, 1);
        using (var data = new FileStream(dataPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
        {
            long offset = 0;
            foreach (var item in items)
            {
                ct.ThrowIfCancellationRequested();
                if (item.Entry.Slices.Count > 0) continue;
                long pad = (alignment - (offset % alignment)) % alignment;
                for (long i = 0; i < pad; i++) data.WriteByte(0);
                offset += pad;
                var span = item.Data.Span;
                const int chunk = 64 << 20;
                uint crc = 0;
                for (int p = 0; p < span.Length; p += chunk)
                {
                    var part = span.Slice(p, Math.Min(chunk, span.Length - p));
                    data.Write(part);
                    if (item.KnownCrc is null) crc = Crc32C.Extend(crc, part);
                    ct.ThrowIfCancellationRequested();
                }

                item.Entry.ShardId = 0;
                item.Entry.Offset = offset;
                item.Entry.Size = span.Length;
                item.Entry.Crc32C = Crc32C.Mask(item.KnownCrc ?? crc);
                offset += span.Length;
            }
        }

        var header = doc.Bundle?.Header.Clone() ?? new BundleHeaderProto { Version = new VersionDef { Producer = 1 } };
        header.NumShards = 1;
        var table = new TableBuilder(snappy);
        table.Add([], header.ToByteArray());
        foreach (var item in items.Select(i => (Key: Encoding.UTF8.GetBytes(i.Key), i.Entry)).OrderBy(i => i.Key, ByteComparer.Instance))
        {
            table.Add(item.Key, item.Entry.ToByteArray());
        }

        File.WriteAllBytes(prefix + ".index", table.Finish());
    }

    /// <summary>A string scalar in the bundle's layout: varint64 length, masked crc32c of the length (as uint32), bytes.</summary>
    private static byte[] EncodeStringScalar(byte[] value)
    {
        using var ms = new MemoryStream();
        ulong len = (ulong)value.Length;
        do
        {
            byte b = (byte)(len & 0x7F);
            len >>= 7;
            ms.WriteByte(len != 0 ? (byte)(b | 0x80) : b);
        }
        while (len != 0);
        Span<byte> le = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(le, (uint)value.Length);
        Span<byte> crc = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(crc, Crc32C.Mask(Crc32C.Compute(le)));
        ms.Write(crc);
        ms.Write(value);
        return ms.ToArray();
    }

    /// <summary>The checksum of a string/variant variable (fixed-width ones are summed while written).</summary>
    private static uint? StringCrc(TfVariable v, SavedModelDocument doc)
    {
        var type = TfDataTypeInfo.BaseType(v.DataType);
        if (type is not (TfDataType.String or TfDataType.Variant)) return null;
        uint? crc = BundleChecksum.Compute(v.DataType, v.Shape.ElementCount, v.Data.Span, out string? error, out _);
        if (error is not null) throw SavedModelErrors.Validation(doc.SourceFolder, $"variable '{v.Name}' is not a well-formed string tensor: {error}");
        return crc ?? Crc32C.Compute(v.Data.Span);
    }

    private static void MoveAny(string from, string to)
    {
        if (Directory.Exists(from)) Directory.Move(from, to);
        else File.Move(from, to);
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else if (File.Exists(path)) File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temporary folder is hidden (dot-prefixed) and never mistaken for the output.
        }
    }

    private sealed class ByteComparer : IComparer<byte[]>
    {
        public static readonly ByteComparer Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
