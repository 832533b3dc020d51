namespace ModelOptimization.Runtime.Reference;

/// <summary>Packed int4 (two values per byte, low nibble first, as TFLite stores them).</summary>
internal static class Int4
{
    public static sbyte[] Unpack(ReadOnlySpan<byte> packed, int count)
    {
        var r = new sbyte[count];
        for (int i = 0; i < count; i++)
        {
            int b = packed[i >> 1];
            int nibble = (i & 1) == 0 ? b & 0xF : (b >> 4) & 0xF;
            r[i] = (sbyte)(nibble >= 8 ? nibble - 16 : nibble);
        }

        return r;
    }
}
