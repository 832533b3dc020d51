using System.Buffers.Binary;
using System.Text;

namespace ModelOptimization.Runtime.Execution;

/// <summary>
/// Reads the scalar entries of a FlexBuffers map (the usual encoding of TFLite custom-op options): ints, uints,
/// floats and bools, inline or indirect. Only what custom kernels need; anything else reads as absent.
/// </summary>
internal sealed class FlexBufferMap
{
    private readonly Dictionary<string, double> _values = new(StringComparer.Ordinal);

    private FlexBufferMap()
    {
    }

    /// <summary>Parses the root map, or returns an empty map when the bytes are not one.</summary>
    public static FlexBufferMap Parse(ReadOnlySpan<byte> buffer)
    {
        var map = new FlexBufferMap();
        if (buffer.Length < 3) return map;
        int rootWidth = buffer[^1];
        byte rootType = buffer[^2];
        int rootPos = buffer.Length - 2 - rootWidth;
        if (rootWidth is not (1 or 2 or 4 or 8) || rootPos < 0 || rootType >> 2 != 9) return map; // 9 = FBT_MAP
        long offset = ReadUInt(buffer, rootPos, rootWidth);
        int mapPos = (int)(rootPos - offset);
        int width = 1 << (rootType & 3);
        if (mapPos - 3 * width < 0) return map;
        int size = (int)ReadUInt(buffer, mapPos - width, width);
        int keysPos = (int)(mapPos - 3 * width - ReadUInt(buffer, mapPos - 3 * width, width));
        int keysWidth = (int)ReadUInt(buffer, mapPos - 2 * width, width);
        int typesPos = mapPos + size * width;
        for (int i = 0; i < size; i++)
        {
            int keyRef = keysPos + i * keysWidth;
            int keyPos = (int)(keyRef - ReadUInt(buffer, keyRef, keysWidth));
            int end = buffer[keyPos..].IndexOf((byte)0);
            string key = Encoding.UTF8.GetString(buffer.Slice(keyPos, end < 0 ? 0 : end));
            byte packed = buffer[typesPos + i];
            int type = packed >> 2;
            int valueWidth = 1 << (packed & 3);
            int valuePos = mapPos + i * width;
            double? value = type switch
            {
                1 => ReadInt(buffer, valuePos, width),
                2 => ReadUInt(buffer, valuePos, width),
                3 => ReadFloat(buffer, valuePos, width),
                26 => ReadUInt(buffer, valuePos, width) != 0 ? 1 : 0,
                6 => ReadInt(buffer, (int)(valuePos - ReadUInt(buffer, valuePos, width)), valueWidth),
                7 => ReadUInt(buffer, (int)(valuePos - ReadUInt(buffer, valuePos, width)), valueWidth),
                8 => ReadFloat(buffer, (int)(valuePos - ReadUInt(buffer, valuePos, width)), valueWidth),
                _ => null,
            };
            if (value is { } v) map._values[key] = v;
        }

        return map;
    }

    public bool Has(string key) => _values.ContainsKey(key);

    public int GetInt(string key, int fallback = 0) => _values.TryGetValue(key, out var v) ? (int)v : fallback;

    public float GetFloat(string key, float fallback = 0) => _values.TryGetValue(key, out var v) ? (float)v : fallback;

    public bool GetBool(string key, bool fallback = false) => _values.TryGetValue(key, out var v) ? v != 0 : fallback;

    private static long ReadUInt(ReadOnlySpan<byte> b, int pos, int width) => width switch
    {
        1 => b[pos],
        2 => BinaryPrimitives.ReadUInt16LittleEndian(b[pos..]),
        4 => BinaryPrimitives.ReadUInt32LittleEndian(b[pos..]),
        _ => (long)BinaryPrimitives.ReadUInt64LittleEndian(b[pos..]),
    };

    private static long ReadInt(ReadOnlySpan<byte> b, int pos, int width) => width switch
    {
        1 => (sbyte)b[pos],
        2 => BinaryPrimitives.ReadInt16LittleEndian(b[pos..]),
        4 => BinaryPrimitives.ReadInt32LittleEndian(b[pos..]),
        _ => BinaryPrimitives.ReadInt64LittleEndian(b[pos..]),
    };

    private static double ReadFloat(ReadOnlySpan<byte> b, int pos, int width) => width == 4
        ? BinaryPrimitives.ReadSingleLittleEndian(b[pos..])
        : BinaryPrimitives.ReadDoubleLittleEndian(b[pos..]);
}
