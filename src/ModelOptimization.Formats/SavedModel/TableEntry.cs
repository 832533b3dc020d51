namespace ModelOptimization.Formats.SavedModel;

/// <summary>
/// One key/value of a table. <see cref="FileOffset"/> is where the value starts in the file, or, for a value
/// inside a compressed block, where that block starts (for error messages).
/// </summary>
internal readonly record struct TableEntry(byte[] Key, ReadOnlyMemory<byte> Value, long FileOffset);
