using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace ModelOptimization.Formats.SavedModel;

/// <summary>
/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) as TensorFlow's tensor bundles and LevelDB tables use
/// it, with TensorFlow's masking (<c>crc32c::Mask</c>: rotate right by 15 bits, add 0xa282ead8) for checksums
/// stored next to the data they cover. Uses the CPU's CRC32C instruction (SSE4.2 or ARMv8 CRC32) when present,
/// else slicing-by-8 tables; all paths give the same result.
/// </summary>
public static class Crc32C
{
    private const uint Polynomial = 0x82F63B78u;
    private const uint MaskDelta = 0xa282ead8u;
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Extend(0, data);

    /// <summary>
    /// The CRC-32C of the concatenation of A and <paramref name="data"/>, given <paramref name="crc"/> = the CRC-32C
    /// of A (TensorFlow's <c>crc32c::Extend</c>).
    /// </summary>
    public static uint Extend(uint crc, ReadOnlySpan<byte> data)
    {
        uint state = ~crc;
        if (Sse42.X64.IsSupported) state = ExtendSse42(state, data);
        else if (Crc32.Arm64.IsSupported) state = ExtendArm64(state, data);
        else state = ExtendTable(state, data);
        return ~state;
    }

    /// <summary>The table-driven (portable) computation; the reference for the accelerated paths.</summary>
    public static uint ComputeReference(ReadOnlySpan<byte> data) => ~ExtendTable(~0u, data);

    /// <summary>A CRC made safe to store beside the data it covers (TensorFlow's <c>crc32c::Mask</c>).</summary>
    public static uint Mask(uint crc) => ((crc >> 15) | (crc << 17)) + MaskDelta;

    /// <summary>The inverse of <see cref="Mask"/>.</summary>
    public static uint Unmask(uint masked)
    {
        uint rot = masked - MaskDelta;
        return (rot >> 17) | (rot << 15);
    }

    private static uint ExtendSse42(uint state, ReadOnlySpan<byte> data)
    {
        ulong s = state;
        while (data.Length >= 32)
        {
            s = Sse42.X64.Crc32(s, MemoryMarshal.Read<ulong>(data));
            s = Sse42.X64.Crc32(s, MemoryMarshal.Read<ulong>(data[8..]));
            s = Sse42.X64.Crc32(s, MemoryMarshal.Read<ulong>(data[16..]));
            s = Sse42.X64.Crc32(s, MemoryMarshal.Read<ulong>(data[24..]));
            data = data[32..];
        }

        while (data.Length >= 8)
        {
            s = Sse42.X64.Crc32(s, MemoryMarshal.Read<ulong>(data));
            data = data[8..];
        }

        uint s32 = (uint)s;
        foreach (byte b in data) s32 = Sse42.Crc32(s32, b);
        return s32;
    }

    private static uint ExtendArm64(uint state, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            state = Crc32.Arm64.ComputeCrc32C(state, MemoryMarshal.Read<ulong>(data));
            data = data[8..];
        }

        foreach (byte b in data) state = Crc32.ComputeCrc32C(state, b);
        return state;
    }

    private static uint ExtendTable(uint state, ReadOnlySpan<byte> data)
    {
        var t = Table;
        while (data.Length >= 8)
        {
            uint lo = BinaryPrimitives.ReadUInt32LittleEndian(data) ^ state;
            uint hi = BinaryPrimitives.ReadUInt32LittleEndian(data[4..]);
            state = t[(7 * 256) + (lo & 0xff)] ^ t[(6 * 256) + ((lo >> 8) & 0xff)] ^ t[(5 * 256) + ((lo >> 16) & 0xff)]
                    ^ t[(4 * 256) + (lo >> 24)] ^ t[(3 * 256) + (hi & 0xff)] ^ t[(2 * 256) + ((hi >> 8) & 0xff)]
                    ^ t[256 + ((hi >> 16) & 0xff)] ^ t[hi >> 24];
            data = data[8..];
        }

        foreach (byte b in data) state = t[(state ^ b) & 0xff] ^ (state >> 8);
        return state;
    }

    private static uint[] BuildTable()
    {
        var t = new uint[8 * 256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            t[i] = c;
        }

        for (int slice = 1; slice < 8; slice++)
        {
            for (int i = 0; i < 256; i++)
            {
                uint prev = t[((slice - 1) * 256) + i];
                t[(slice * 256) + i] = t[prev & 0xff] ^ (prev >> 8);
            }
        }

        return t;
    }
}
