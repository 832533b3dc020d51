using System.Buffers.Binary;

namespace ModelOptimization.Formats.Datasets;

/// <summary>The parsed header of an IDX file.</summary>
internal sealed class IdxHeader
{
    private IdxHeader(byte elementCode, int[] dimensions)
    {
        ElementCode = elementCode;
        Dimensions = dimensions;
    }

    /// <summary>The type byte: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64.</summary>
    public byte ElementCode { get; }

    public int[] Dimensions { get; }

    public int ElementSize => SizeOf(ElementCode);

    public int HeaderBytes => 4 + 4 * Dimensions.Length;

    public static int SizeOf(byte code) => code switch
    {
        0x08 or 0x09 => 1,
        0x0B => 2,
        0x0C or 0x0D => 4,
        0x0E => 8,
        _ => 0,
    };

    /// <summary>True when the bytes start like an IDX file (00 00, a known type, 1 to 8 dimensions).</summary>
    public static bool LooksLikeIdx(ReadOnlySpan<byte> start)
        => start.Length >= 4 && start[0] == 0 && start[1] == 0 && SizeOf(start[2]) > 0 && start[3] is >= 1 and <= 8;

    /// <summary>Reads and checks the header; for plain files also that the data is complete.</summary>
    public static IdxHeader Read(string path)
    {
        using var stream = DataFile.OpenRead(path, out bool compressed);
        Span<byte> magic = stackalloc byte[4];
        DataFile.ReadExactly(stream, magic, path, () => "the 4-byte IDX magic number");
        if (magic[0] != 0 || magic[1] != 0 || SizeOf(magic[2]) == 0 || magic[3] == 0)
        {
            throw DatasetErrors.ReadFailed(path,
                $"bad IDX magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(magic):X8} at byte 0 (expected 0x000008dd for uint8 data with dd dimensions, e.g. 0x00000803 for images, 0x00000801 for labels).");
        }

        int ndim = magic[3];
        var dimBytes = new byte[4 * ndim];
        DataFile.ReadExactly(stream, dimBytes, path, () => $"the {ndim} dimensions of the header");
        var dims = new int[ndim];
        long count = 1;
        for (int i = 0; i < ndim; i++)
        {
            int d = BinaryPrimitives.ReadInt32BigEndian(dimBytes.AsSpan(4 * i));
            if (d < 0) throw DatasetErrors.ReadFailed(path, $"bad header: dimension {i} is negative ({d}) at byte {4 + 4 * i}.");
            dims[i] = d;
            count *= d;
        }

        var header = new IdxHeader(magic[2], dims);
        long dataBytes = count * header.ElementSize;
        if (!compressed)
        {
            long available = new FileInfo(path).Length - header.HeaderBytes;
            if (available < dataBytes)
            {
                throw DatasetErrors.ReadFailed(path,
                    $"the file is truncated: the header declares [{string.Join(", ", dims)}] ({dataBytes:N0} bytes of data), but only {available:N0} bytes follow it.");
            }
        }

        if (dims.Skip(1).Any(d => d == 0))
        {
            throw DatasetErrors.ReadFailed(path, $"bad header: a per-item dimension is 0 ([{string.Join(", ", dims)}]).");
        }

        return header;
    }

    /// <summary>Decodes big-endian values to doubles.</summary>
    public void Decode(ReadOnlySpan<byte> src, Span<double> dst)
    {
        switch (ElementCode)
        {
            case 0x08:
                for (int i = 0; i < dst.Length; i++) dst[i] = src[i];
                break;
            case 0x09:
                for (int i = 0; i < dst.Length; i++) dst[i] = (sbyte)src[i];
                break;
            case 0x0B:
                for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadInt16BigEndian(src[(2 * i)..]);
                break;
            case 0x0C:
                for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadInt32BigEndian(src[(4 * i)..]);
                break;
            case 0x0D:
                for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadSingleBigEndian(src[(4 * i)..]);
                break;
            case 0x0E:
                for (int i = 0; i < dst.Length; i++) dst[i] = BinaryPrimitives.ReadDoubleBigEndian(src[(8 * i)..]);
                break;
        }
    }
}
