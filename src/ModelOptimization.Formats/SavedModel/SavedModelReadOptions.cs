namespace ModelOptimization.Formats.SavedModel;

/// <summary>How <see cref="SavedModelReader"/> reads a SavedModel folder.</summary>
public sealed class SavedModelReadOptions
{
    /// <summary>
    /// The tags of the MetaGraph to read (all must be present), e.g. <c>serve</c>. Null: the MetaGraph tagged
    /// <c>serve</c>, else the first one.
    /// </summary>
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Verify every tensor's crc32c against the data shard (default true; index blocks are always checked).</summary>
    public bool VerifyChecksums { get; init; } = true;
}
