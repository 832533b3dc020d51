using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ModelOptimization.Formats.Datasets;

/// <summary>
/// The parsed header of a NumPy .npy file (format versions 1.0, 2.0 and 3.0): the magic <c>\x93NUMPY</c>, the
/// version, a little-endian header length (uint16 in v1, uint32 in v2/v3) and a Python dict literal with
/// <c>descr</c>, <c>fortran_order</c> and <c>shape</c>.
/// </summary>
internal sealed partial class NpyHeader
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private NpyHeader(string descr, char kind, int size, bool bigEndian, long[] shape, int dataOffset)
    {
        Descr = descr;
        Kind = kind;
        ElementSize = size;
        BigEndian = bigEndian;
        Shape = shape;
        DataOffset = dataOffset;
    }

    /// <summary>The dtype string, e.g. <c>&lt;f4</c>.</summary>
    public string Descr { get; }

    /// <summary>'f' float, 'i' signed, 'u' unsigned, 'b' bool.</summary>
    public char Kind { get; }

    public int ElementSize { get; }

    public bool BigEndian { get; }

    public long[] Shape { get; }

    /// <summary>Bytes before the data.</summary>
    public int DataOffset { get; }

    /// <summary>True when the bytes start with the .npy magic.</summary>
    public static bool LooksLikeNpy(ReadOnlySpan<byte> start) => start.Length >= 6 && start[..6].SequenceEqual(Magic);

    /// <summary>Reads and checks the header; for plain files also that the data is complete.</summary>
    public static NpyHeader Read(string path)
    {
        using var stream = DataFile.OpenRead(path, out bool compressed);
        Span<byte> prefix = stackalloc byte[8];
        DataFile.ReadExactly(stream, prefix, path, () => "the .npy magic and version");
        if (!LooksLikeNpy(prefix))
        {
            throw DatasetErrors.ReadFailed(path, "bad .npy magic at byte 0 (expected \\x93NUMPY).");
        }

        int major = prefix[6];
        int lengthBytes = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw DatasetErrors.ReadFailed(path, $"bad .npy header: format version {major}.{prefix[7]} at byte 6 is not 1.0, 2.0 or 3.0."),
        };
        Span<byte> lengthSpan = stackalloc byte[4];
        DataFile.ReadExactly(stream, lengthSpan[..lengthBytes], path, () => "the .npy header length");
        long headerLength = lengthBytes == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthSpan) : BinaryPrimitives.ReadUInt32LittleEndian(lengthSpan);
        if (headerLength > 1 << 20)
        {
            throw DatasetErrors.ReadFailed(path, $"bad .npy header: its length {headerLength:N0} at byte 8 is implausible.");
        }

        var headerBytes = new byte[headerLength];
        DataFile.ReadExactly(stream, headerBytes, path, () => "the .npy header");
        string text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        int dataOffset = 8 + lengthBytes + (int)headerLength;
        var header = Parse(path, text, dataOffset);

        if (!compressed)
        {
            long count = header.Shape.Aggregate(1L, (a, d) => a * d);
            long available = new FileInfo(path).Length - dataOffset;
            if (available < count * header.ElementSize)
            {
                throw DatasetErrors.ReadFailed(path,
                    $"the file is truncated: the header declares shape ({string.Join(", ", header.Shape)}) of {header.Descr} ({count * header.ElementSize:N0} bytes), but only {available:N0} bytes follow it.");
            }
        }

        return header;
    }

    private static NpyHeader Parse(string path, string text, int dataOffset)
    {
        var descrMatch = DescrRegex().Match(text);
        if (!descrMatch.Success)
        {
            string what = text.Contains("'descr'", StringComparison.Ordinal) || text.Contains("\"descr\"", StringComparison.Ordinal)
                ? "structured dtypes (a list in 'descr') are not supported"
                : "'descr' is missing";
            throw DatasetErrors.ReadFailed(path, $"bad .npy header: {what} ({text.Trim()}).");
        }

        var fortranMatch = FortranRegex().Match(text);
        if (!fortranMatch.Success) throw DatasetErrors.ReadFailed(path, $"bad .npy header: 'fortran_order' is missing ({text.Trim()}).");
        if (fortranMatch.Groups[1].Value == "True")
        {
            throw DatasetErrors.ReadFailed(path, "the array is in Fortran (column-major) order; save it with numpy.ascontiguousarray first.");
        }

        var shapeMatch = ShapeRegex().Match(text);
        if (!shapeMatch.Success) throw DatasetErrors.ReadFailed(path, $"bad .npy header: 'shape' is missing or not a tuple ({text.Trim()}).");
        var dims = new List<long>();
        foreach (string part in shapeMatch.Groups[1].Value.Split(','))
        {
            string p = part.Trim().TrimEnd('L', 'l');
            if (p.Length == 0) continue;
            if (!long.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out long d))
            {
                throw DatasetErrors.ReadFailed(path, $"bad .npy header: shape entry '{part.Trim()}' is not a whole number.");
            }

            dims.Add(d);
        }

        string descr = descrMatch.Groups[2].Value;
        char order = descr.Length > 0 ? descr[0] : ' ';
        bool bigEndian = order == '>';
        string code = order is '<' or '>' or '|' or '=' ? descr[1..] : descr;
        (char kind, int size) = code switch
        {
            "f2" => ('f', 2),
            "f4" => ('f', 4),
            "f8" => ('f', 8),
            "i1" => ('i', 1),
            "i2" => ('i', 2),
            "i4" => ('i', 4),
            "i8" => ('i', 8),
            "u1" => ('u', 1),
            "u2" => ('u', 2),
            "u4" => ('u', 4),
            "u8" => ('u', 8),
            "b1" => ('b', 1),
            _ => throw DatasetErrors.ReadFailed(path,
                $"the dtype '{descr}' is not supported (use float16/32/64, int8/16/32/64, uint8/16/32/64 or bool)."),
        };

        return new NpyHeader(descr, kind, size, bigEndian && size > 1, dims.ToArray(), dataOffset);
    }

    /// <summary>Decodes stored values to doubles.</summary>
    public void Decode(ReadOnlySpan<byte> src, Span<double> dst)
    {
        int w = ElementSize;
        for (int i = 0; i < dst.Length; i++)
        {
            var s = src.Slice(i * w, w);
            dst[i] = (Kind, w, BigEndian) switch
            {
                ('f', 2, false) => (double)BinaryPrimitives.ReadHalfLittleEndian(s),
                ('f', 2, true) => (double)BinaryPrimitives.ReadHalfBigEndian(s),
                ('f', 4, false) => BinaryPrimitives.ReadSingleLittleEndian(s),
                ('f', 4, true) => BinaryPrimitives.ReadSingleBigEndian(s),
                ('f', 8, false) => BinaryPrimitives.ReadDoubleLittleEndian(s),
                ('f', 8, true) => BinaryPrimitives.ReadDoubleBigEndian(s),
                ('i', 1, _) => (sbyte)s[0],
                ('u', 1, _) or ('b', 1, _) => s[0],
                ('i', 2, false) => BinaryPrimitives.ReadInt16LittleEndian(s),
                ('i', 2, true) => BinaryPrimitives.ReadInt16BigEndian(s),
                ('i', 4, false) => BinaryPrimitives.ReadInt32LittleEndian(s),
                ('i', 4, true) => BinaryPrimitives.ReadInt32BigEndian(s),
                ('i', 8, false) => BinaryPrimitives.ReadInt64LittleEndian(s),
                ('i', 8, true) => BinaryPrimitives.ReadInt64BigEndian(s),
                ('u', 2, false) => BinaryPrimitives.ReadUInt16LittleEndian(s),
                ('u', 2, true) => BinaryPrimitives.ReadUInt16BigEndian(s),
                ('u', 4, false) => BinaryPrimitives.ReadUInt32LittleEndian(s),
                ('u', 4, true) => BinaryPrimitives.ReadUInt32BigEndian(s),
                ('u', 8, false) => BinaryPrimitives.ReadUInt64LittleEndian(s),
                ('u', 8, true) => BinaryPrimitives.ReadUInt64BigEndian(s),
                _ => 0,
            };
        }
    }

    [GeneratedRegex("""['"]descr['"]\s*:\s*(['"])([^'"]*)\1""")]
    private static partial Regex DescrRegex();

    [GeneratedRegex("""['"]fortran_order['"]\s*:\s*(True|False)""")]
    private static partial Regex FortranRegex();

    [GeneratedRegex("""['"]shape['"]\s*:\s*\(([^)]*)\)""")]
    private static partial Regex ShapeRegex();
}
