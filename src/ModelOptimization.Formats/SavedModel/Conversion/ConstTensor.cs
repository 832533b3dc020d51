using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ModelOptimization.Core.TensorFlow;

namespace ModelOptimization.Formats.SavedModel.Conversion;

/// <summary>
/// A constant the converter computes with: a TensorFlow element type, a shape and the elements, floating types in
/// <see cref="F"/> (float32, bfloat16 and float16 values are exact in a float) and integer/bool types in
/// <see cref="I"/>. Arithmetic is done in double and rounded to the element type after every operation, which for
/// +, -, ×, ÷ gives exactly the result TensorFlow computes in that type. Immutable by convention.
/// </summary>
internal sealed class ConstTensor
{
    private ConstTensor(TfDataType type, int[] shape, float[]? f, long[]? i)
    {
        Type = type;
        Shape = shape;
        F = f;
        I = i;
    }

    public TfDataType Type { get; }

    public int[] Shape { get; }

    public float[]? F { get; }

    public long[]? I { get; }

    public bool IsFloating => F is not null;

    public int Count => F?.Length ?? I!.Length;

    public static bool IsFloatType(TfDataType t) => t is TfDataType.Float or TfDataType.Double or TfDataType.BFloat16 or TfDataType.Half;

    public static bool IsIntegerType(TfDataType t) => t is TfDataType.Int32 or TfDataType.Int64 or TfDataType.Int8 or TfDataType.UInt8
        or TfDataType.Int16 or TfDataType.UInt16 or TfDataType.UInt32 or TfDataType.UInt64 or TfDataType.Bool or TfDataType.QInt8
        or TfDataType.QUInt8 or TfDataType.QInt32;

    public static ConstTensor Floats(TfDataType type, int[] shape, float[] values) => new(type, shape, values, null);

    public static ConstTensor Ints(TfDataType type, int[] shape, long[] values) => new(type, shape, null, values);

    public static ConstTensor Scalar(TfDataType type, double value)
        => IsFloatType(type) ? Floats(type, [], [RoundTo(type, value)]) : Ints(type, [], [WrapTo(type, (long)value)]);

    public static long ElementCount(IReadOnlyList<int> shape)
    {
        long n = 1;
        foreach (int d in shape) n *= d;
        return n;
    }

    /// <summary>Decodes dense little-endian bytes; null when the type is not numeric.</summary>
    public static ConstTensor? FromBytes(TfDataType type, int[] shape, ReadOnlySpan<byte> bytes)
    {
        type = TfDataTypeInfo.BaseType(type);
        long n = ElementCount(shape);
        int width = TfDataTypeInfo.BitWidth(type) / 8;
        if (width == 0 || n * width != bytes.Length) return null;
        int count = (int)n;
        switch (type)
        {
            case TfDataType.Float:
                return Floats(type, shape, MemoryMarshal.Cast<byte, float>(bytes).ToArray());
            case TfDataType.Double:
            {
                var f = new float[count];
                for (int k = 0; k < count; k++) f[k] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(k * 8)..]);
                return Floats(type, shape, f);
            }

            case TfDataType.BFloat16:
            {
                var f = new float[count];
                for (int k = 0; k < count; k++) f[k] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(k * 2)..]) << 16);
                return Floats(type, shape, f);
            }

            case TfDataType.Half:
            {
                var f = new float[count];
                for (int k = 0; k < count; k++) f[k] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(k * 2)..]);
                return Floats(type, shape, f);
            }
        }

        var v = new long[count];
        for (int k = 0; k < count; k++)
        {
            var s = bytes[(k * width)..];
            v[k] = type switch
            {
                TfDataType.Int32 or TfDataType.QInt32 => BinaryPrimitives.ReadInt32LittleEndian(s),
                TfDataType.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(s),
                TfDataType.Int64 => BinaryPrimitives.ReadInt64LittleEndian(s),
                TfDataType.UInt64 => (long)BinaryPrimitives.ReadUInt64LittleEndian(s),
                TfDataType.Int16 or TfDataType.QInt16 => BinaryPrimitives.ReadInt16LittleEndian(s),
                TfDataType.UInt16 or TfDataType.QUInt16 => BinaryPrimitives.ReadUInt16LittleEndian(s),
                TfDataType.Int8 or TfDataType.QInt8 => (sbyte)s[0],
                TfDataType.UInt8 or TfDataType.QUInt8 or TfDataType.Bool => s[0],
                _ => 0,
            };
        }

        return IsIntegerType(type) ? Ints(type, shape, v) : null;
    }

    /// <summary>A TensorFlow constant (<c>Const</c> value) as a constant tensor; null when it is not dense numeric data.</summary>
    public static ConstTensor? FromTfTensor(TfTensor t)
    {
        if (!t.IsDense || !t.Shape.IsFullyDefined) return null;
        var dims = t.Shape.Dimensions!.Select(d => checked((int)d)).ToArray();
        return FromBytes(t.DataType, dims, t.Content.Span);
    }

    public double this[int index] => F is not null ? F[index] : I![index];

    /// <summary>The elements as doubles (a copy).</summary>
    public double[] ToDoubles()
    {
        var r = new double[Count];
        for (int k = 0; k < r.Length; k++) r[k] = this[k];
        return r;
    }

    public float[] ToFloats()
    {
        if (F is not null && Type == TfDataType.Float) return F;
        var r = new float[Count];
        for (int k = 0; k < r.Length; k++) r[k] = (float)this[k];
        return r;
    }

    public int[] ToInt32s()
    {
        var r = new int[Count];
        for (int k = 0; k < r.Length; k++) r[k] = checked((int)this[k]);
        return r;
    }

    public long[] ToInt64s()
    {
        var r = new long[Count];
        for (int k = 0; k < r.Length; k++) r[k] = I is not null ? I[k] : (long)F![k];
        return r;
    }

    /// <summary>A constant of another shape with the same elements.</summary>
    public ConstTensor Reshape(int[] shape) => new(Type, shape, F, I);

    /// <summary>Converts to <paramref name="type"/> as TensorFlow's Cast does (float → int truncates toward zero).</summary>
    public ConstTensor Cast(TfDataType type)
    {
        type = TfDataTypeInfo.BaseType(type);
        if (IsFloatType(type))
        {
            var f = new float[Count];
            for (int k = 0; k < f.Length; k++) f[k] = RoundTo(type, this[k]);
            return Floats(type, Shape, f);
        }

        if (!IsIntegerType(type)) throw new InvalidOperationException($"cannot cast to {TfDataTypeInfo.ShortName(type)}");
        var v = new long[Count];
        for (int k = 0; k < v.Length; k++)
        {
            double d = this[k];
            v[k] = type == TfDataType.Bool ? (d != 0 ? 1 : 0) : WrapTo(type, I is not null ? I[k] : (long)Math.Truncate(d));
        }

        return Ints(type, Shape, v);
    }

    /// <summary>Applies <paramref name="f"/> to every element, rounding to the element type.</summary>
    public ConstTensor Map(Func<double, double> f)
    {
        if (F is not null)
        {
            var r = new float[F.Length];
            for (int k = 0; k < r.Length; k++) r[k] = RoundTo(Type, f(F[k]));
            return Floats(Type, Shape, r);
        }

        var v = new long[I!.Length];
        for (int k = 0; k < v.Length; k++) v[k] = WrapTo(Type, (long)f(I[k]));
        return Ints(Type, Shape, v);
    }

    /// <summary>An elementwise binary operation with NumPy broadcasting; the result has <paramref name="a"/>'s type.</summary>
    public static ConstTensor Binary(ConstTensor a, ConstTensor b, Func<double, double, double> f)
    {
        var shape = BroadcastShape(a.Shape, b.Shape) ?? throw new InvalidOperationException(
            $"shapes [{string.Join(",", a.Shape)}] and [{string.Join(",", b.Shape)}] do not broadcast");
        int n = (int)ElementCount(shape);
        var ia = BroadcastIndex(a.Shape, shape);
        var ib = BroadcastIndex(b.Shape, shape);
        if (IsFloatType(a.Type))
        {
            var r = new float[n];
            for (int k = 0; k < n; k++) r[k] = RoundTo(a.Type, f(a[ia[k]], b[ib[k]]));
            return Floats(a.Type, shape, r);
        }

        var v = new long[n];
        for (int k = 0; k < n; k++) v[k] = WrapTo(a.Type, (long)f(a[ia[k]], b[ib[k]]));
        return Ints(a.Type, shape, v);
    }

    /// <summary>The broadcast shape of two shapes, or null when they do not broadcast.</summary>
    public static int[]? BroadcastShape(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        int rank = Math.Max(a.Count, b.Count);
        var r = new int[rank];
        for (int k = 0; k < rank; k++)
        {
            int da = k - (rank - a.Count) >= 0 ? a[k - (rank - a.Count)] : 1;
            int db = k - (rank - b.Count) >= 0 ? b[k - (rank - b.Count)] : 1;
            if (da == db || db == 1) r[k] = da;
            else if (da == 1) r[k] = db;
            else return null;
        }

        return r;
    }

    /// <summary>For every element of <paramref name="target"/>, the index of the element of a tensor of shape <paramref name="source"/> broadcast to it.</summary>
    public static int[] BroadcastIndex(int[] source, int[] target)
    {
        int n = (int)ElementCount(target);
        var index = new int[n];
        int rank = target.Length;
        var srcStride = new int[rank];
        int stride = 1;
        for (int k = rank - 1; k >= 0; k--)
        {
            int sk = k - (rank - source.Length);
            int dim = sk >= 0 ? source[sk] : 1;
            srcStride[k] = dim == 1 ? 0 : stride;
            stride *= dim;
        }

        var pos = new int[rank];
        for (int e = 0; e < n; e++)
        {
            int s = 0;
            for (int k = 0; k < rank; k++) s += pos[k] * srcStride[k];
            index[e] = s;
            for (int k = rank - 1; k >= 0; k--)
            {
                if (++pos[k] < target[k]) break;
                pos[k] = 0;
            }
        }

        return index;
    }

    /// <summary>Permutes the axes (TensorFlow's Transpose).</summary>
    public ConstTensor Transpose(int[] perm)
    {
        int rank = Shape.Length;
        var outShape = perm.Select(p => Shape[p]).ToArray();
        var inStride = new int[rank];
        int st = 1;
        for (int k = rank - 1; k >= 0; k--)
        {
            inStride[k] = st;
            st *= Shape[k];
        }

        int n = Count;
        var src = new int[n];
        var pos = new int[rank];
        for (int e = 0; e < n; e++)
        {
            int s = 0;
            for (int k = 0; k < rank; k++) s += pos[k] * inStride[perm[k]];
            src[e] = s;
            for (int k = rank - 1; k >= 0; k--)
            {
                if (++pos[k] < outShape[k]) break;
                pos[k] = 0;
            }
        }

        if (F is not null)
        {
            var r = new float[n];
            for (int e = 0; e < n; e++) r[e] = F[src[e]];
            return Floats(Type, outShape, r);
        }

        var v = new long[n];
        for (int e = 0; e < n; e++) v[e] = I![src[e]];
        return Ints(Type, outShape, v);
    }

    /// <summary>Joins constants along <paramref name="axis"/> (TensorFlow's ConcatV2).</summary>
    public static ConstTensor Concat(IReadOnlyList<ConstTensor> parts, int axis)
    {
        var first = parts[0];
        int rank = first.Shape.Length;
        var shape = first.Shape.ToArray();
        shape[axis] = parts.Sum(p => p.Shape[axis]);
        long outer = 1;
        for (int k = 0; k < axis; k++) outer *= shape[k];
        var values = new List<double>((int)ElementCount(shape));
        for (long o = 0; o < outer; o++)
        {
            foreach (var p in parts)
            {
                long inner = 1;
                for (int k = axis; k < rank; k++) inner *= p.Shape[k];
                for (long i = 0; i < inner; i++) values.Add(p[(int)((o * inner) + i)]);
            }
        }

        return FromDoubles(first.Type, shape, values);
    }

    public static ConstTensor FromDoubles(TfDataType type, int[] shape, IReadOnlyList<double> values)
    {
        if (IsFloatType(type))
        {
            var f = new float[values.Count];
            for (int k = 0; k < f.Length; k++) f[k] = RoundTo(type, values[k]);
            return Floats(type, shape, f);
        }

        var v = new long[values.Count];
        for (int k = 0; k < v.Length; k++) v[k] = WrapTo(type, (long)values[k]);
        return Ints(type, shape, v);
    }

    /// <summary>Rounds to the nearest value of a floating type (round half to even, as TensorFlow's casts do).</summary>
    public static float RoundTo(TfDataType type, double value) => type switch
    {
        TfDataType.BFloat16 => ToBFloat16((float)value),
        TfDataType.Half => (float)(Half)value,
        _ => (float)value,
    };

    /// <summary>The nearest bfloat16 value (round to nearest even; NaN stays NaN).</summary>
    public static float ToBFloat16(float value)
    {
        if (float.IsNaN(value)) return value;
        uint bits = BitConverter.SingleToUInt32Bits(value);
        uint rounding = 0x7FFF + ((bits >> 16) & 1);
        bits = (bits + rounding) & 0xFFFF0000u;
        return BitConverter.UInt32BitsToSingle(bits);
    }

    private static long WrapTo(TfDataType type, long v) => type switch
    {
        TfDataType.Int32 or TfDataType.QInt32 => (int)v,
        TfDataType.UInt32 => (uint)v,
        TfDataType.Int16 or TfDataType.QInt16 => (short)v,
        TfDataType.UInt16 or TfDataType.QUInt16 => (ushort)v,
        TfDataType.Int8 or TfDataType.QInt8 => (sbyte)v,
        TfDataType.UInt8 or TfDataType.QUInt8 => (byte)v,
        TfDataType.Bool => v != 0 ? 1 : 0,
        _ => v,
    };

    /// <summary>True when both hold the same type, shape and elements.</summary>
    public bool SameAs(ConstTensor other)
    {
        if (Type != other.Type || !Shape.AsSpan().SequenceEqual(other.Shape)) return false;
        if (F is not null) return other.F is not null && F.AsSpan().SequenceEqual(other.F);
        return other.I is not null && I!.AsSpan().SequenceEqual(other.I);
    }

    public override string ToString() => $"{TfDataTypeInfo.ShortName(Type)}[{string.Join(", ", Shape)}]";
}
