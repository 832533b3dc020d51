using System.Buffers.Binary;
using System.Numerics;

namespace ModelOptimization.Formats.SavedModel;

/// <summary>
/// Snappy raw block format (google/snappy format_description.txt): a varint32 uncompressed length, then
/// literal and copy elements. TensorFlow's table builder Snappy-compresses index blocks when that saves at least
/// 1/8, so reading needs the decompressor, and reproducing TensorFlow's bytes needs a compressor that makes the
/// same choices as google/snappy's <c>CompressFragment</c> (64 KiB fragments, a 16-bit hash table of 256..16384
/// entries sized per fragment, hash <c>(bytes * 0x1e35a7bd) &gt;&gt; shift</c>, skip heuristics, literal and copy
/// encodings); this implementation follows that algorithm step for step.
/// </summary>
internal static class Snappy
{
    private const int BlockSize = 1 << 16;
    private const int MaxHashTableSize = 1 << 14;
    private const int InputMarginBytes = 15;

    /// <summary>Decompresses a raw Snappy block; null with <paramref name="error"/> set when it is malformed.</summary>
    public static byte[]? Decompress(ReadOnlySpan<byte> input, int maxLength, out string? error, out int errorOffset)
    {
        error = null;
        int ip = 0;
        errorOffset = 0;
        if (!Varint.TryRead32(input, ref ip, out uint length))
        {
            error = "bad Snappy length varint";
            return null;
        }

        if (length > (uint)maxLength)
        {
            error = $"Snappy length {length} exceeds the limit of {maxLength} bytes";
            return null;
        }

        var output = new byte[length];
        int op = 0;
        while (ip < input.Length)
        {
            errorOffset = ip;
            byte tag = input[ip++];
            int kind = tag & 3;
            if (kind == 0)
            {
                int len = tag >> 2;
                if (len >= 60)
                {
                    int count = len - 59;
                    if (input.Length - ip < count)
                    {
                        error = "truncated Snappy literal length";
                        return null;
                    }

                    uint l = 0;
                    for (int i = 0; i < count; i++) l |= (uint)input[ip + i] << (8 * i);
                    ip += count;
                    if (l >= int.MaxValue)
                    {
                        error = "bad Snappy literal length";
                        return null;
                    }

                    len = (int)l;
                }

                len++;
                if (input.Length - ip < len || output.Length - op < len)
                {
                    error = "Snappy literal runs past the end of the input or output";
                    return null;
                }

                input.Slice(ip, len).CopyTo(output.AsSpan(op));
                ip += len;
                op += len;
                continue;
            }

            int length2;
            int offset;
            if (kind == 1)
            {
                if (ip >= input.Length)
                {
                    error = "truncated Snappy copy";
                    return null;
                }

                length2 = 4 + ((tag >> 2) & 7);
                offset = ((tag & 0xe0) << 3) | input[ip++];
            }
            else if (kind == 2)
            {
                if (input.Length - ip < 2)
                {
                    error = "truncated Snappy copy";
                    return null;
                }

                length2 = 1 + (tag >> 2);
                offset = BinaryPrimitives.ReadUInt16LittleEndian(input[ip..]);
                ip += 2;
            }
            else
            {
                if (input.Length - ip < 4)
                {
                    error = "truncated Snappy copy";
                    return null;
                }

                length2 = 1 + (tag >> 2);
                uint o = BinaryPrimitives.ReadUInt32LittleEndian(input[ip..]);
                ip += 4;
                offset = o > int.MaxValue ? int.MaxValue : (int)o;
            }

            if (offset == 0 || offset > op || output.Length - op < length2)
            {
                error = $"bad Snappy copy (offset {offset}, length {length2}, {op} bytes produced)";
                return null;
            }

            for (int i = 0; i < length2; i++, op++) output[op] = output[op - offset];
        }

        if (op != output.Length)
        {
            errorOffset = input.Length;
            error = $"Snappy data ends after {op} of {output.Length} bytes";
            return null;
        }

        return output;
    }

    /// <summary>Compresses <paramref name="input"/> exactly as google/snappy's <c>RawCompress</c> does.</summary>
    public static byte[] Compress(ReadOnlySpan<byte> input)
    {
        var output = new List<byte>(32 + input.Length + (input.Length / 6));
        Varint.Write(output, (ulong)input.Length);
        var table = new ushort[MaxHashTableSize];
        for (int start = 0; start < input.Length; start += BlockSize)
        {
            int n = Math.Min(BlockSize, input.Length - start);
            int tableSize = TableSize(n);
            Array.Clear(table, 0, tableSize);
            CompressFragment(input.Slice(start, n), output, table, tableSize);
        }

        return output.ToArray();
    }

    private static int TableSize(int n)
    {
        if (n > MaxHashTableSize) return MaxHashTableSize;
        if (n < 256) return 256;
        return 2 << BitOperations.Log2((uint)(n - 1));
    }

    private static uint Load32(ReadOnlySpan<byte> s, int p) => BinaryPrimitives.ReadUInt32LittleEndian(s[p..]);

    private static uint Hash(uint bytes, int shift) => unchecked(bytes * 0x1e35a7bdu) >> shift;

    private static void CompressFragment(ReadOnlySpan<byte> input, List<byte> op, ushort[] table, int tableSize)
    {
        int shift = 32 - BitOperations.Log2((uint)tableSize);
        int ipEnd = input.Length;
        int nextEmit = 0;
        int ip = 0;
        if (input.Length >= InputMarginBytes)
        {
            int ipLimit = input.Length - InputMarginBytes;
            ip++;
            uint nextHash = Hash(Load32(input, ip), shift);
            while (true)
            {
                uint skip = 32;
                int nextIp = ip;
                int candidate;
                do
                {
                    ip = nextIp;
                    uint hash = nextHash;
                    int between = (int)(skip >> 5);
                    skip += (uint)between;
                    nextIp = ip + between;
                    if (nextIp > ipLimit) goto EmitRemainder;
                    nextHash = Hash(Load32(input, nextIp), shift);
                    candidate = table[hash];
                    table[hash] = (ushort)ip;
                }
                while (Load32(input, ip) != Load32(input, candidate));

                EmitLiteral(op, input.Slice(nextEmit, ip - nextEmit));

                uint inputBytes1;
                uint candidateBytes;
                do
                {
                    int baseIp = ip;
                    int matched = 4 + MatchLength(input, candidate + 4, ip + 4, ipEnd);
                    ip += matched;
                    EmitCopy(op, baseIp - candidate, matched);
                    nextEmit = ip;
                    if (ip >= ipLimit) goto EmitRemainder;
                    uint prevHash = Hash(Load32(input, ip - 1), shift);
                    table[prevHash] = (ushort)(ip - 1);
                    inputBytes1 = Load32(input, ip);
                    uint curHash = Hash(inputBytes1, shift);
                    candidate = table[curHash];
                    candidateBytes = Load32(input, candidate);
                    table[curHash] = (ushort)ip;
                }
                while (inputBytes1 == candidateBytes);

                nextHash = Hash(Load32(input, ip + 1), shift);
                ip++;
            }
        }

    EmitRemainder:
        if (nextEmit < ipEnd) EmitLiteral(op, input[nextEmit..]);
    }

    private static int MatchLength(ReadOnlySpan<byte> s, int a, int b, int end)
    {
        int n = 0;
        while (b + n < end && s[a + n] == s[b + n]) n++;
        return n;
    }

    private static void EmitLiteral(List<byte> op, ReadOnlySpan<byte> literal)
    {
        int n = literal.Length - 1;
        if (n < 60)
        {
            op.Add((byte)(n << 2));
        }
        else
        {
            int count = (BitOperations.Log2((uint)n) >> 3) + 1;
            op.Add((byte)((59 + count) << 2));
            for (int i = 0; i < count; i++) op.Add((byte)(n >> (8 * i)));
        }

        op.AddRange(literal);
    }

    private static void EmitCopy(List<byte> op, int offset, int len)
    {
        if (len < 12)
        {
            EmitCopyAtMost64(op, offset, len);
            return;
        }

        while (len >= 68)
        {
            EmitCopyAtMost64(op, offset, 64);
            len -= 64;
        }

        if (len > 64)
        {
            EmitCopyAtMost64(op, offset, 60);
            len -= 60;
        }

        EmitCopyAtMost64(op, offset, len);
    }

    private static void EmitCopyAtMost64(List<byte> op, int offset, int len)
    {
        if (len < 12 && offset < 2048)
        {
            op.Add((byte)(1 + ((len - 4) << 2) + ((offset >> 3) & 0xe0)));
            op.Add((byte)offset);
        }
        else
        {
            op.Add((byte)(2 + ((len - 1) << 2)));
            op.Add((byte)offset);
            op.Add((byte)(offset >> 8));
        }
    }
}
