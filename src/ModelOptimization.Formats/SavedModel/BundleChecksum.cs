using System.Buffers.Binary;
using ModelOptimization.Core.TensorFlow;

namespace ModelOptimization.Formats.SavedModel;

/// <summary>
/// The crc32c a bundle entry stores (unmasked here), as TensorFlow's <c>BundleWriter</c> computes it: over the raw
/// bytes for fixed-width tensors; for string tensors (<c>[varint64 len]... [masked crc of the lengths] [bytes]</c>)
/// over each length as a little-endian uint32 (uint64 when it does not fit), then the 4 stored length-checksum
/// bytes, then the string bytes.
/// </summary>
internal static class BundleChecksum
{
    /// <summary>The entry checksum of <paramref name="data"/>; null (with <paramref name="error"/>) when a string
    /// tensor's layout is malformed, or for variant tensors, whose checksum is not verified.</summary>
    public static uint? Compute(TfDataType dtype, long elementCount, ReadOnlySpan<byte> data, out string? error, out int errorAt)
    {
        error = null;
        errorAt = 0;
        var type = TfDataTypeInfo.BaseType(dtype);
        if (type == TfDataType.Variant) return null;
        if (type != TfDataType.String) return Crc32C.Compute(data);

        if (elementCount < 0 || elementCount > data.Length)
        {
            error = $"a string tensor of {elementCount} elements cannot fit in {data.Length} bytes";
            return null;
        }

        uint crc = 0;
        int pos = 0;
        long total = 0;
        Span<byte> le = stackalloc byte[8];
        for (long i = 0; i < elementCount; i++)
        {
            errorAt = pos;
            if (!Varint.TryRead64(data, ref pos, out ulong len))
            {
                error = $"bad varint length of string element {i}";
                return null;
            }

            if (len <= uint.MaxValue)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(le, (uint)len);
                crc = Crc32C.Extend(crc, le[..4]);
            }
            else
            {
                BinaryPrimitives.WriteUInt64LittleEndian(le, len);
                crc = Crc32C.Extend(crc, le);
            }

            total += len > (ulong)data.Length ? data.Length + 1L : (long)len;
        }

        errorAt = pos;
        if (data.Length - pos < 4)
        {
            error = "the string lengths are not followed by their checksum";
            return null;
        }

        if (BinaryPrimitives.ReadUInt32LittleEndian(data[pos..]) != Crc32C.Mask(crc))
        {
            error = "string length checksum mismatch";
            return null;
        }

        if (total != data.Length - pos - 4)
        {
            error = $"the string elements add up to {total} bytes but {data.Length - pos - 4} follow the lengths";
            return null;
        }

        return Crc32C.Extend(crc, data[pos..]);
    }

    /// <summary>The bytes of element 0 of a string tensor (checked by <see cref="Compute"/> first).</summary>
    public static byte[] FirstString(ReadOnlySpan<byte> data)
    {
        int pos = 0;
        Varint.TryRead64(data, ref pos, out ulong len);
        return data.Slice(pos + 4, (int)len).ToArray();
    }
}
