namespace ModelOptimization.Formats.SavedModel;

/// <summary>LevelDB/protobuf base-128 varints (little-endian groups of 7 bits, high bit = more).</summary>
internal static class Varint
{
    /// <summary>Reads a varint32 at <paramref name="pos"/>; false when truncated or longer than 5 bytes/32 bits.</summary>
    public static bool TryRead32(ReadOnlySpan<byte> s, ref int pos, out uint value)
    {
        value = 0;
        for (int shift = 0, i = pos; shift <= 28 && i < s.Length; shift += 7, i++)
        {
            uint b = s[i];
            if (shift == 28 && b > 0x0f) return false;
            value |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                pos = i + 1;
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads a varint64 at <paramref name="pos"/>; false when truncated or longer than 10 bytes/64 bits.</summary>
    public static bool TryRead64(ReadOnlySpan<byte> s, ref int pos, out ulong value)
    {
        value = 0;
        for (int shift = 0, i = pos; shift <= 63 && i < s.Length; shift += 7, i++)
        {
            ulong b = s[i];
            if (shift == 63 && b > 1) return false;
            value |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0)
            {
                pos = i + 1;
                return true;
            }
        }

        return false;
    }

    public static void Write(List<byte> dst, ulong value)
    {
        while (value >= 0x80)
        {
            dst.Add((byte)(value | 0x80));
            value >>= 7;
        }

        dst.Add((byte)value);
    }

    public static void Write(Stream dst, ulong value)
    {
        while (value >= 0x80)
        {
            dst.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        dst.WriteByte((byte)value);
    }
}
