using ModelOptimization.Formats.SavedModel.Protos;

namespace ModelOptimization.Formats.SavedModel;

/// <summary>One entry of the tensor bundle as read: key, the parsed entry and a view of its bytes.</summary>
internal sealed class BundleEntryRecord
{
    public required string Key { get; init; }

    public required byte[] KeyBytes { get; init; }

    public required BundleEntryProto Entry { get; init; }

    /// <summary>The tensor's bytes in its shard (empty for partitioned entries, which have slices instead).</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>Where the entry's value starts in variables.index (for error messages).</summary>
    public long IndexOffset { get; init; }
}
