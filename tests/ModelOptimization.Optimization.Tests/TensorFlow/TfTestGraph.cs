using System.Runtime.InteropServices;
using System.Text;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.TensorFlow;

namespace ModelOptimization.Optimization.Tests.TensorFlow;

/// <summary>Builds small TF1-style TensorFlow graphs in memory (Placeholder inputs, Const weights) for converter tests.</summary>
internal sealed class TfTestGraph
{
    private readonly List<TfTensorSpec> _inputs = [];

    public TfGraph Graph { get; } = new() { Tags = ["serve"] };

    public static TfAttrValue Type(TfDataType t) => new() { Kind = TfAttrKind.Type, Type = t };

    public static TfAttrValue Ints(params long[] v) => new() { Kind = TfAttrKind.List, List = new TfAttrList { Ints = v } };

    public static TfAttrValue Str(string s) => new() { Kind = TfAttrKind.String, Bytes = Encoding.UTF8.GetBytes(s) };

    public static TfAttrValue Bool(bool b) => new() { Kind = TfAttrKind.Bool, Bool = b };

    public static TfAttrValue Float(float f) => new() { Kind = TfAttrKind.Float, Float = f };

    public static TfAttrValue Int(long i) => new() { Kind = TfAttrKind.Int, Int = i };

    public static readonly (string, TfAttrValue) TFloat = ("T", Type(TfDataType.Float));

    public string Placeholder(string name, params long[] shape)
    {
        Graph.Nodes.Add(new TfNode
        {
            Name = name,
            Op = "Placeholder",
            Attributes = new() { ["dtype"] = Type(TfDataType.Float), ["shape"] = new() { Kind = TfAttrKind.Shape, Shape = new TfShape(shape) } },
        });
        _inputs.Add(new TfTensorSpec { Key = name, TensorName = name + ":0", DataType = TfDataType.Float, Shape = new TfShape(shape) });
        return name;
    }

    public string Const(string name, float[] values, params long[] shape)
        => AddConst(name, TfDataType.Float, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), shape);

    public string ConstInt(string name, int[] values, params long[] shape)
        => AddConst(name, TfDataType.Int32, MemoryMarshal.AsBytes(values.AsSpan()).ToArray(), shape);

    private string AddConst(string name, TfDataType type, byte[] bytes, long[] shape)
    {
        Graph.Nodes.Add(new TfNode
        {
            Name = name,
            Op = "Const",
            Attributes = new()
            {
                ["dtype"] = Type(type),
                ["value"] = new() { Kind = TfAttrKind.Tensor, Tensor = new TfTensor { DataType = type, Shape = new TfShape(shape), Content = bytes, IsDense = true } },
            },
        });
        return name;
    }

    public string Op(string op, string name, string[] inputs, params (string Key, TfAttrValue Value)[] attrs)
    {
        var node = new TfNode { Name = name, Op = op, Inputs = [.. inputs] };
        foreach (var (k, v) in attrs) node.Attributes[k] = v;
        Graph.Nodes.Add(node);
        return name;
    }

    /// <summary>A SavedModel-format model whose serving_default signature has the placeholders as inputs and <paramref name="outputs"/> as outputs.</summary>
    public Model ToModel(string name, params string[] outputs)
    {
        Graph.Signatures.Add(new TfSignature
        {
            Key = "serving_default",
            MethodName = "tensorflow/serving/predict",
            Inputs = [.. _inputs],
            Outputs = outputs.Select(o => new TfTensorSpec { Key = o, TensorName = o + ":0", DataType = TfDataType.Float, Shape = TfShape.Unknown }).ToList(),
        });
        return new Model { Name = name, Format = ModelFormat.SavedModel, TensorFlowGraph = Graph };
    }
}
