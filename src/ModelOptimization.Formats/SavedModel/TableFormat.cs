namespace ModelOptimization.Formats.SavedModel;

/// <summary>
/// Constants of the LevelDB table format as TensorFlow's <c>tsl::table</c> writes it (variables.index): blocks
/// followed by a 5-byte trailer (compression type + masked crc32c of contents and type), a 48-byte footer of two
/// padded block handles and the magic number.
/// </summary>
internal static class TableFormat
{
    /// <summary><c>kTableMagicNumber</c> ("echo http://code.google.com/p/leveldb/ | sha1sum").</summary>
    public const ulong MagicNumber = 0xdb4775248b80fb57UL;

    /// <summary>Two block handles of at most 10 + 10 bytes each.</summary>
    public const int MaxBlockHandleLength = 20;

    public const int FooterLength = (2 * MaxBlockHandleLength) + 8;

    public const int BlockTrailerLength = 5;

    public const byte NoCompression = 0;

    public const byte SnappyCompression = 1;

    /// <summary>TensorFlow's <c>table::Options</c> default block size (256 KiB of uncompressed entries).</summary>
    public const int DefaultBlockSize = 262144;

    /// <summary>Keys between restart points in data blocks (the index block uses 1).</summary>
    public const int DefaultRestartInterval = 16;
}
