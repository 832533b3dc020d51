using System.Buffers.Binary;
using Google.Protobuf;
using Google.Protobuf.Collections;
using ModelOptimization.Core.TensorFlow;
using ModelOptimization.Formats.SavedModel.Protos;

namespace ModelOptimization.Formats.SavedModel;

/// <summary>Maps the wire types (generated from our .proto subset) to the model's TensorFlow graph types.</summary>
internal static class SavedModelConvert
{
    /// <summary>Constant tensors larger than this are not expanded from a repeated single value.</summary>
    private const long MaxExpandedBytes = 256L << 20;

    public static TfShape Shape(TensorShapeProto? proto)
    {
        if (proto is null) return TfShape.Scalar;
        if (proto.UnknownRank) return TfShape.Unknown;
        var dims = new long[proto.Dim.Count];
        for (int i = 0; i < dims.Length; i++) dims[i] = proto.Dim[i].Size;
        return new TfShape(dims);
    }

    public static TfNode Node(NodeDef n) => new()
    {
        Name = n.Name,
        Op = n.Op,
        Inputs = [.. n.Input],
        Device = n.Device,
        Attributes = Attributes(n.Attr),
    };

    public static Dictionary<string, TfAttrValue> Attributes(MapField<string, AttrValue> attrs)
    {
        var d = new Dictionary<string, TfAttrValue>(attrs.Count, StringComparer.Ordinal);
        foreach (var kv in attrs) d[kv.Key] = Attr(kv.Value);
        return d;
    }

    public static TfAttrValue Attr(AttrValue? a)
    {
        if (a is null) return new TfAttrValue();
        return a.ValueCase switch
        {
            AttrValue.ValueOneofCase.S => new TfAttrValue { Kind = TfAttrKind.String, Bytes = a.S.ToByteArray() },
            AttrValue.ValueOneofCase.I => new TfAttrValue { Kind = TfAttrKind.Int, Int = a.I },
            AttrValue.ValueOneofCase.F => new TfAttrValue { Kind = TfAttrKind.Float, Float = a.F },
            AttrValue.ValueOneofCase.B => new TfAttrValue { Kind = TfAttrKind.Bool, Bool = a.B },
            AttrValue.ValueOneofCase.Type => new TfAttrValue { Kind = TfAttrKind.Type, Type = (TfDataType)a.Type },
            AttrValue.ValueOneofCase.Shape => new TfAttrValue { Kind = TfAttrKind.Shape, Shape = Shape(a.Shape) },
            AttrValue.ValueOneofCase.Tensor => new TfAttrValue { Kind = TfAttrKind.Tensor, Tensor = Tensor(a.Tensor) },
            AttrValue.ValueOneofCase.List => new TfAttrValue { Kind = TfAttrKind.List, List = List(a.List) },
            AttrValue.ValueOneofCase.Func => new TfAttrValue { Kind = TfAttrKind.Func, Func = Func(a.Func) },
            AttrValue.ValueOneofCase.Placeholder => new TfAttrValue { Kind = TfAttrKind.Placeholder, Placeholder = a.Placeholder },
            _ => new TfAttrValue(),
        };
    }

    private static TfAttrList List(AttrValue.Types.ListValue l) => new()
    {
        Strings = l.S.Select(s => s.ToByteArray()).ToArray(),
        Ints = l.I.ToArray(),
        Floats = l.F.ToArray(),
        Bools = l.B.ToArray(),
        Types = l.Type.Select(t => (TfDataType)t).ToArray(),
        Shapes = l.Shape.Select(Shape).ToArray(),
        Tensors = l.Tensor.Select(Tensor).ToArray(),
        Funcs = l.Func.Select(Func).ToArray(),
    };

    private static TfFunctionRef Func(NameAttrList f) => new() { Name = f.Name, Attributes = Attributes(f.Attr) };

    /// <summary>A constant tensor: <c>tensor_content</c> viewed in place, or the typed values expanded to dense bytes.</summary>
    public static TfTensor Tensor(TensorProto t)
    {
        var dtype = (TfDataType)t.Dtype;
        var shape = Shape(t.TensorShape);
        if (TfDataTypeInfo.BaseType(dtype) == TfDataType.String)
        {
            return new TfTensor { DataType = dtype, Shape = shape, StringValues = t.StringVal.Select(s => s.ToByteArray()).ToArray() };
        }

        long n = shape.ElementCount;
        long bytes = n is >= 0 and <= MaxExpandedBytes ? TfDataTypeInfo.ByteCount(dtype, n) : -1;
        if (!t.TensorContent.IsEmpty)
        {
            return new TfTensor { DataType = dtype, Shape = shape, Content = t.TensorContent.Memory, IsDense = bytes >= 0 && bytes == t.TensorContent.Length };
        }

        if (bytes < 0 || bytes > MaxExpandedBytes) return new TfTensor { DataType = dtype, Shape = shape };
        var buffer = new byte[bytes];
        bool ok = TfDataTypeInfo.BaseType(dtype) switch
        {
            TfDataType.Float => Fill(t.FloatVal, n, buffer, 4, (s, v) => BinaryPrimitives.WriteSingleLittleEndian(s, v)),
            TfDataType.Double => Fill(t.DoubleVal, n, buffer, 8, (s, v) => BinaryPrimitives.WriteDoubleLittleEndian(s, v)),
            TfDataType.Int64 => Fill(t.Int64Val, n, buffer, 8, (s, v) => BinaryPrimitives.WriteInt64LittleEndian(s, v)),
            TfDataType.UInt64 => Fill(t.Uint64Val, n, buffer, 8, (s, v) => BinaryPrimitives.WriteUInt64LittleEndian(s, v)),
            TfDataType.UInt32 => Fill(t.Uint32Val, n, buffer, 4, (s, v) => BinaryPrimitives.WriteUInt32LittleEndian(s, v)),
            TfDataType.Bool => Fill(t.BoolVal, n, buffer, 1, (s, v) => s[0] = v ? (byte)1 : (byte)0),
            TfDataType.Half or TfDataType.BFloat16 => Fill(t.HalfVal, n, buffer, 2, (s, v) => BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)v)),
            TfDataType.Complex64 => FillPairs(t.ScomplexVal, n, buffer, 4, (s, v) => BinaryPrimitives.WriteSingleLittleEndian(s, v)),
            TfDataType.Complex128 => FillPairs(t.DcomplexVal, n, buffer, 8, (s, v) => BinaryPrimitives.WriteDoubleLittleEndian(s, v)),
            TfDataType.Int32 or TfDataType.QInt32 => Fill(t.IntVal, n, buffer, 4, (s, v) => BinaryPrimitives.WriteInt32LittleEndian(s, v)),
            TfDataType.Int16 or TfDataType.QInt16 or TfDataType.UInt16 or TfDataType.QUInt16
                => Fill(t.IntVal, n, buffer, 2, (s, v) => BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)v)),
            TfDataType.Int8 or TfDataType.QInt8 or TfDataType.UInt8 or TfDataType.QUInt8 or TfDataType.Int4 or TfDataType.UInt4
                => Fill(t.IntVal, n, buffer, 1, (s, v) => s[0] = (byte)v),
            TfDataType.Float8E4M3FN or TfDataType.Float8E5M2 => FillBytes(t.Float8Val, n, buffer),
            _ => false,
        };
        return ok ? new TfTensor { DataType = dtype, Shape = shape, Content = buffer, IsDense = true } : new TfTensor { DataType = dtype, Shape = shape };
    }

    private delegate void Writer<T>(Span<byte> dst, T value);

    /// <summary>Writes the values; one value fills the shape, none means zeros, the last repeats (TensorFlow's rule).</summary>
    private static bool Fill<T>(RepeatedField<T> values, long n, byte[] buffer, int size, Writer<T> write)
    {
        if (values.Count > n) return false;
        if (values.Count == 0) return true;
        for (long i = 0; i < n; i++) write(buffer.AsSpan((int)(i * size), size), values[(int)Math.Min(i, values.Count - 1)]);
        return true;
    }

    private static bool FillPairs<T>(RepeatedField<T> values, long n, byte[] buffer, int size, Writer<T> write)
    {
        if (values.Count % 2 != 0 || values.Count / 2 > n) return false;
        if (values.Count == 0) return true;
        int pairs = values.Count / 2;
        for (long i = 0; i < n; i++)
        {
            int p = (int)Math.Min(i, pairs - 1);
            write(buffer.AsSpan((int)(i * 2 * size), size), values[2 * p]);
            write(buffer.AsSpan((int)((i * 2 * size) + size), size), values[(2 * p) + 1]);
        }

        return true;
    }

    private static bool FillBytes(ByteString values, long n, byte[] buffer)
    {
        if (values.Length > n) return false;
        if (values.Length == 0) return true;
        var span = values.Span;
        for (long i = 0; i < n; i++) buffer[i] = span[(int)Math.Min(i, span.Length - 1)];
        return true;
    }

    public static TfFunction Function(FunctionDef f)
    {
        var sig = f.Signature ?? new OpDef();
        var fn = new TfFunction
        {
            Name = sig.Name,
            Inputs = sig.InputArg.Select(Arg).ToList(),
            Outputs = sig.OutputArg.Select(Arg).ToList(),
            Nodes = f.NodeDef.Select(Node).ToList(),
            Attributes = Attributes(f.Attr),
            IsStateful = sig.IsStateful,
        };
        foreach (var kv in f.Ret) fn.Returns[kv.Key] = kv.Value;
        return fn;
    }

    private static TfArg Arg(OpDef.Types.ArgDef a) => new()
    {
        Name = a.Name,
        DataType = (TfDataType)a.Type,
        TypeAttribute = string.IsNullOrEmpty(a.TypeAttr) ? null : a.TypeAttr,
    };

    public static TfSignature Signature(string key, SignatureDef s) => new()
    {
        Key = key,
        MethodName = s.MethodName,
        Inputs = s.Inputs.Select(kv => Spec(kv.Key, kv.Value)).ToList(),
        Outputs = s.Outputs.Select(kv => Spec(kv.Key, kv.Value)).ToList(),
    };

    private static TfTensorSpec Spec(string key, TensorInfo? info) => new()
    {
        Key = key,
        TensorName = info?.Name ?? "",
        DataType = (TfDataType)(info?.Dtype ?? DataType.DtInvalid),
        Shape = info?.TensorShape is null ? TfShape.Unknown : Shape(info.TensorShape),
        IsComposite = info is not null && info.EncodingCase is TensorInfo.EncodingOneofCase.CooSparse or TensorInfo.EncodingOneofCase.CompositeTensor,
    };

    public static TensorShapeProto ShapeProto(TfShape shape)
    {
        var p = new TensorShapeProto();
        if (shape.Dimensions is null)
        {
            p.UnknownRank = true;
            return p;
        }

        foreach (long d in shape.Dimensions) p.Dim.Add(new TensorShapeProto.Types.Dim { Size = d });
        return p;
    }
}
