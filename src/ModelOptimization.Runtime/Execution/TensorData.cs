using System.Runtime.InteropServices;
using ModelOptimization.Core.Graph;

namespace ModelOptimization.Runtime.Execution;

/// <summary>Converts between tensor bytes and typed .NET arrays.</summary>
internal static class TensorData
{
    /// <summary>The .NET element type that holds a tensor type, or null when values cannot be exchanged.</summary>
    public static Type? ClrType(TensorType type) => type switch
    {
        TensorType.Float32 => typeof(float),
        TensorType.Int8 => typeof(sbyte),
        TensorType.UInt8 => typeof(byte),
        TensorType.Int16 => typeof(short),
        TensorType.Int32 => typeof(int),
        TensorType.Int64 => typeof(long),
        TensorType.Bool => typeof(bool),
        TensorType.Float16 => typeof(Half),
        TensorType.Float64 => typeof(double),
        TensorType.UInt16 or TensorType.BFloat16 => typeof(ushort),
        TensorType.UInt32 => typeof(uint),
        TensorType.UInt64 => typeof(ulong),
        _ => null,
    };

    /// <summary>A new flat array of the tensor's element type holding a copy of its bytes.</summary>
    public static Array ToArray(TensorType type, ReadOnlySpan<byte> bytes, int count)
    {
        switch (type)
        {
            case TensorType.Float32: return Copy<float>(bytes, count);
            case TensorType.Int8: return Copy<sbyte>(bytes, count);
            case TensorType.UInt8: return Copy<byte>(bytes, count);
            case TensorType.Int16: return Copy<short>(bytes, count);
            case TensorType.Int32: return Copy<int>(bytes, count);
            case TensorType.Int64: return Copy<long>(bytes, count);
            case TensorType.Bool:
                {
                    var r = new bool[count];
                    for (int i = 0; i < count && i < bytes.Length; i++) r[i] = bytes[i] != 0;
                    return r;
                }

            case TensorType.Float16: return Copy<Half>(bytes, count);
            case TensorType.Float64: return Copy<double>(bytes, count);
            case TensorType.UInt16 or TensorType.BFloat16: return Copy<ushort>(bytes, count);
            case TensorType.UInt32: return Copy<uint>(bytes, count);
            case TensorType.UInt64: return Copy<ulong>(bytes, count);
            default: return bytes.ToArray(); // packed sub-byte and other types: raw bytes
        }
    }

    private static T[] Copy<T>(ReadOnlySpan<byte> bytes, int count) where T : unmanaged
    {
        var r = new T[count];
        var src = MemoryMarshal.Cast<byte, T>(bytes);
        src[..Math.Min(count, src.Length)].CopyTo(r);
        return r;
    }

    /// <summary>The bytes of a primitive array of any rank (bool as one byte each). Dispatches on the exact element
    /// type because the CLR lets byte[] pass as sbyte[] (and int[] as uint[]).</summary>
    public static ReadOnlySpan<byte> BytesOf(Array data)
    {
        if (data.Rank != 1) return MultiDimensionalBytes(data, data.Length);
        return Type.GetTypeCode(data.GetType().GetElementType()) switch
        {
            TypeCode.Single => MemoryMarshal.AsBytes(((float[])data).AsSpan()),
            TypeCode.SByte => MemoryMarshal.AsBytes(((sbyte[])data).AsSpan()),
            TypeCode.Byte => (byte[])data,
            TypeCode.Int16 => MemoryMarshal.AsBytes(((short[])data).AsSpan()),
            TypeCode.UInt16 => MemoryMarshal.AsBytes(((ushort[])data).AsSpan()),
            TypeCode.Int32 => MemoryMarshal.AsBytes(((int[])data).AsSpan()),
            TypeCode.UInt32 => MemoryMarshal.AsBytes(((uint[])data).AsSpan()),
            TypeCode.Int64 => MemoryMarshal.AsBytes(((long[])data).AsSpan()),
            TypeCode.UInt64 => MemoryMarshal.AsBytes(((ulong[])data).AsSpan()),
            TypeCode.Boolean => MemoryMarshal.AsBytes(((bool[])data).AsSpan()),
            TypeCode.Double => MemoryMarshal.AsBytes(((double[])data).AsSpan()),
            _ when data is Half[] h => MemoryMarshal.AsBytes(h.AsSpan()),
            _ => MultiDimensionalBytes(data, data.Length),
        };
    }

    private static byte[] MultiDimensionalBytes(Array data, int n)
    {
        int size = Buffer.ByteLength(data);
        var bytes = new byte[size];
        Buffer.BlockCopy(data, 0, bytes, 0, size);
        return bytes;
    }
}
