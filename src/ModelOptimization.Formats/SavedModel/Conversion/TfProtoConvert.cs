using Google.Protobuf;
using ModelOptimization.Core.TensorFlow;
using ModelOptimization.Formats.SavedModel.Protos;

namespace ModelOptimization.Formats.SavedModel.Conversion;

/// <summary>Maps the model's TensorFlow graph types back to the wire types (the inverse of SavedModelConvert).</summary>
internal static class TfProtoConvert
{
    public static AttrValue Attr(TfAttrValue a) => a.Kind switch
    {
        TfAttrKind.String => new AttrValue { S = ByteString.CopyFrom(a.Bytes ?? []) },
        TfAttrKind.Int => new AttrValue { I = a.Int },
        TfAttrKind.Float => new AttrValue { F = a.Float },
        TfAttrKind.Bool => new AttrValue { B = a.Bool },
        TfAttrKind.Type => new AttrValue { Type = (DataType)a.Type },
        TfAttrKind.Shape => new AttrValue { Shape = SavedModelConvert.ShapeProto(a.Shape ?? TfShape.Unknown) },
        TfAttrKind.Tensor => new AttrValue { Tensor = Tensor(a.Tensor!) },
        TfAttrKind.List => new AttrValue { List = List(a.List ?? new TfAttrList()) },
        TfAttrKind.Func => new AttrValue { Func = Func(a.Func!) },
        TfAttrKind.Placeholder => new AttrValue { Placeholder = a.Placeholder ?? "" },
        _ => new AttrValue(),
    };

    private static AttrValue.Types.ListValue List(TfAttrList l)
    {
        var p = new AttrValue.Types.ListValue();
        p.S.AddRange(l.Strings.Select(ByteString.CopyFrom));
        p.I.AddRange(l.Ints);
        p.F.AddRange(l.Floats);
        p.B.AddRange(l.Bools);
        p.Type.AddRange(l.Types.Select(t => (DataType)t));
        p.Shape.AddRange(l.Shapes.Select(SavedModelConvert.ShapeProto));
        p.Tensor.AddRange(l.Tensors.Select(Tensor));
        p.Func.AddRange(l.Funcs.Select(Func));
        return p;
    }

    public static NameAttrList Func(TfFunctionRef f)
    {
        var p = new NameAttrList { Name = f.Name };
        foreach (var (k, v) in f.Attributes) p.Attr[k] = Attr(v);
        return p;
    }

    /// <summary>A constant as <c>TensorProto</c>: dense elements as <c>tensor_content</c>, strings as <c>string_val</c>.</summary>
    public static TensorProto Tensor(TfTensor t)
    {
        var p = new TensorProto { Dtype = (DataType)t.DataType, TensorShape = SavedModelConvert.ShapeProto(t.Shape) };
        if (t.StringValues is { } strings)
        {
            p.StringVal.AddRange(strings.Select(ByteString.CopyFrom));
        }
        else if (t.IsDense)
        {
            p.TensorContent = ByteString.CopyFrom(t.Content.Span);
        }
        else if (!t.Content.IsEmpty || t.Shape.ElementCount != 0)
        {
            throw new InvalidOperationException($"The constant {t} holds no dense data, so it cannot be written.");
        }

        return p;
    }
}
