using Google.Protobuf;
using ModelOptimization.Core.TensorFlow;
using ModelOptimization.Formats.SavedModel.Protos;

namespace ModelOptimization.Formats.SavedModel.Conversion;

/// <summary>
/// Writes the edits of a TensorFlow graph form (new, changed or removed nodes and functions, variables of another
/// type or shape) into a copy of the SavedModel message it was read from. Everything unchanged keeps its original
/// wire form (so unknown fields, debug info and attribute encodings survive); changed nodes keep the original
/// encoding of every attribute value they still share with the node as read. Besides the graph it updates what
/// must agree with it: the object graph's <c>SavedVariable</c> dtype/shape and the <c>handle_data</c> dtype of
/// function resource arguments (from the <c>ReadVariableOp</c>/<c>AssignVariableOp</c> that use them, so every
/// function body stays consistent for TensorFlow's shape inference). The fingerprint is dropped, as it no longer
/// matches.
/// </summary>
internal static class SavedModelGraphRebuilder
{
    private static readonly HashSet<string> VariableAccessOps = new(StringComparer.Ordinal)
    {
        "ReadVariableOp", "AssignVariableOp", "AssignAddVariableOp", "AssignSubVariableOp", "ResourceGather", "VarHandleOp",
    };

    /// <summary>True when <paramref name="graph"/> differs from the graph as read in anything the message holds.</summary>
    public static bool IsChanged(SavedModelDocument doc, TfGraph graph)
    {
        var original = doc.Graph;
        if (ReferenceEquals(original, graph)) return false;
        if (graph.Nodes.Count != original.Nodes.Count || graph.Functions.Count != original.Functions.Count) return true;
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            if (!NodeEquals(graph.Nodes[i], original.Nodes[i])) return true;
        }

        for (int i = 0; i < graph.Functions.Count; i++)
        {
            if (!FunctionEquals(graph.Functions[i], original.Functions[i])) return true;
        }

        return ObjectGraphVariablesDiffer(doc.MetaGraph.ObjectGraphDef, graph);
    }

    /// <summary>A document holding <paramref name="graph"/>: <paramref name="doc"/> itself when nothing changed.</summary>
    public static SavedModelDocument Apply(SavedModelDocument doc, TfGraph graph)
    {
        if (!IsChanged(doc, graph)) return doc;
        var message = doc.Message.Clone();
        var mg = message.MetaGraphs[doc.MetaGraphIndex];
        var gd = mg.GraphDef ??= new GraphDef();

        var protoNodes = ByName(gd.Node, n => n.Name);
        var tfNodes = ByName(doc.Graph.Nodes, n => n.Name);
        var nodes = graph.Nodes.Select(n => BuildNode(n, tfNodes.GetValueOrDefault(n.Name), protoNodes.GetValueOrDefault(n.Name))).ToList();
        gd.Node.Clear();
        gd.Node.AddRange(nodes);

        if (graph.Functions.Count > 0 || gd.Library is not null)
        {
            var library = gd.Library ??= new FunctionDefLibrary();
            var protoFns = ByName(library.Function, f => f.Signature?.Name ?? "");
            var tfFns = ByName(doc.Graph.Functions, f => f.Name);
            var functions = graph.Functions.Select(f => BuildFunction(f, tfFns.GetValueOrDefault(f.Name), protoFns.GetValueOrDefault(f.Name))).ToList();
            library.Function.Clear();
            library.Function.AddRange(functions);
            var names = new HashSet<string>(graph.Functions.Select(f => f.Name), StringComparer.Ordinal);
            var gradients = library.Gradient.Where(g => names.Contains(g.FunctionName)).ToList();
            library.Gradient.Clear();
            library.Gradient.AddRange(gradients);
            FixHandleData(library);
        }

        if (mg.ObjectGraphDef is { } og) UpdateObjectGraphVariables(og, graph);

        return new SavedModelDocument(doc.SourceFolder, message, doc.MetaGraphIndex, graph)
        {
            Bundle = doc.Bundle,
            OriginalBytes = null,
            Fingerprint = null,
            OtherFiles = doc.OtherFiles,
        };
    }

    private static Dictionary<string, T> ByName<T>(IEnumerable<T> items, Func<T, string> name)
    {
        var d = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in items) d.TryAdd(name(item), item);
        return d;
    }

    private static bool NodeEquals(TfNode a, TfNode b)
        => a.Name == b.Name && a.Op == b.Op && a.Device == b.Device && a.Inputs.SequenceEqual(b.Inputs, StringComparer.Ordinal)
           && a.Attributes.Count == b.Attributes.Count
           && a.Attributes.All(kv => b.Attributes.TryGetValue(kv.Key, out var v) && ReferenceEquals(v, kv.Value));

    private static bool ArgEquals(TfArg a, TfArg b) => a.Name == b.Name && a.DataType == b.DataType && a.TypeAttribute == b.TypeAttribute;

    private static bool FunctionEquals(TfFunction a, TfFunction b)
        => a.Name == b.Name && a.IsStateful == b.IsStateful
           && a.Inputs.Count == b.Inputs.Count && a.Inputs.Zip(b.Inputs).All(p => ArgEquals(p.First, p.Second))
           && a.Outputs.Count == b.Outputs.Count && a.Outputs.Zip(b.Outputs).All(p => ArgEquals(p.First, p.Second))
           && a.Nodes.Count == b.Nodes.Count && a.Nodes.Zip(b.Nodes).All(p => NodeEquals(p.First, p.Second))
           && a.Returns.Count == b.Returns.Count && a.Returns.All(kv => b.Returns.TryGetValue(kv.Key, out var r) && r == kv.Value)
           && a.Attributes.Count == b.Attributes.Count && a.Attributes.All(kv => b.Attributes.TryGetValue(kv.Key, out var v) && ReferenceEquals(v, kv.Value));

    private static NodeDef BuildNode(TfNode node, TfNode? original, NodeDef? proto)
    {
        if (original is not null && proto is not null && NodeEquals(node, original)) return proto;
        var p = new NodeDef { Name = node.Name, Op = node.Op, Device = node.Device };
        p.Input.AddRange(node.Inputs);
        foreach (var (key, value) in node.Attributes)
        {
            p.Attr[key] = original is not null && proto is not null && original.Attributes.TryGetValue(key, out var old) && ReferenceEquals(old, value)
                && proto.Attr.TryGetValue(key, out var wire)
                ? wire.Clone()
                : TfProtoConvert.Attr(value);
        }

        if (proto is not null && original is not null && original.Op == node.Op)
        {
            p.ExperimentalDebugInfo = proto.ExperimentalDebugInfo;
        }

        return p;
    }

    private static FunctionDef BuildFunction(TfFunction f, TfFunction? original, FunctionDef? proto)
    {
        if (original is not null && proto is not null && FunctionEquals(f, original)) return proto;
        var p = proto?.Clone() ?? new FunctionDef { Signature = new OpDef() };
        var sig = p.Signature ??= new OpDef();
        sig.Name = f.Name;
        sig.IsStateful = f.IsStateful;
        RebuildArgs(sig.InputArg, f.Inputs);
        RebuildArgs(sig.OutputArg, f.Outputs);

        var protoNodes = ByName(proto?.NodeDef ?? [], n => n.Name);
        var tfNodes = ByName(original?.Nodes ?? [], n => n.Name);
        p.NodeDef.Clear();
        p.NodeDef.AddRange(f.Nodes.Select(n => BuildNode(n, tfNodes.GetValueOrDefault(n.Name), protoNodes.GetValueOrDefault(n.Name))));

        p.Ret.Clear();
        foreach (var (k, v) in f.Returns) p.Ret[k] = v;

        var oldAttr = proto?.Attr;
        p.Attr.Clear();
        foreach (var (k, v) in f.Attributes)
        {
            p.Attr[k] = original is not null && oldAttr is not null && original.Attributes.TryGetValue(k, out var o) && ReferenceEquals(o, v)
                && oldAttr.TryGetValue(k, out var wire) ? wire.Clone() : TfProtoConvert.Attr(v);
        }

        var names = new HashSet<string>(f.Nodes.Select(n => n.Name), StringComparer.Ordinal);
        foreach (var key in p.ControlRet.Where(kv => !names.Contains(kv.Value)).Select(kv => kv.Key).ToList()) p.ControlRet.Remove(key);
        var outputs = sig.ControlOutput.Where(p.ControlRet.ContainsKey).ToList();
        sig.ControlOutput.Clear();
        sig.ControlOutput.AddRange(outputs);
        var argAttrs = p.ArgAttr.Where(a => a.Key < f.Inputs.Count).ToList();
        p.ArgAttr.Clear();
        p.ArgAttr.AddRange(argAttrs);
        return p;
    }

    private static void RebuildArgs(Google.Protobuf.Collections.RepeatedField<OpDef.Types.ArgDef> args, List<TfArg> wanted)
    {
        var old = args.ToList();
        args.Clear();
        for (int i = 0; i < wanted.Count; i++)
        {
            var w = wanted[i];
            var a = i < old.Count && old[i].Name == w.Name ? old[i] : new OpDef.Types.ArgDef { Name = w.Name };
            if ((int)a.Type != (int)w.DataType) a.Type = (DataType)w.DataType;
            a.TypeAttr = w.TypeAttribute ?? (a.TypeAttr.Length > 0 && w.DataType == TfDataType.Invalid ? a.TypeAttr : "");
            args.Add(a);
        }
    }

    /// <summary>
    /// Makes each resource argument's <c>handle_data</c> dtype agree with the variable ops that use it inside the
    /// body (or, for arguments only passed on, with the callee's argument), so TensorFlow's shape inference accepts
    /// every function body.
    /// </summary>
    private static void FixHandleData(FunctionDefLibrary library)
    {
        var byName = ByName(library.Function, f => f.Signature?.Name ?? "");
        for (int round = 0; round < 8; round++)
        {
            bool changed = false;
            foreach (var f in library.Function)
            {
                var sig = f.Signature;
                if (sig is null) continue;
                for (int i = 0; i < sig.InputArg.Count; i++)
                {
                    var arg = sig.InputArg[i];
                    if (arg.Type != DataType.DtResource || arg.HandleData.Count == 0) continue;
                    var want = UsedDtype(f, arg.Name, byName);
                    if (want is not { } dtype) continue;
                    var (current, shape) = ParseHandleData(arg.HandleData[0]);
                    if (current == dtype) continue;
                    arg.HandleData[0] = EncodeHandleData(dtype, shape);
                    changed = true;
                }
            }

            if (!changed) return;
        }
    }

    private static DataType? UsedDtype(FunctionDef f, string arg, Dictionary<string, FunctionDef> byName)
    {
        foreach (var n in f.NodeDef)
        {
            if (VariableAccessOps.Contains(n.Op) && n.Input.Count > 0 && n.Input[0] == arg && n.Attr.TryGetValue("dtype", out var d)) return d.Type;
        }

        foreach (var n in f.NodeDef)
        {
            if (n.Op is not ("StatefulPartitionedCall" or "PartitionedCall") || !n.Attr.TryGetValue("f", out var fa) || fa.Func is null) continue;
            if (!byName.TryGetValue(fa.Func.Name, out var callee) || callee.Signature is null) continue;
            var data = n.Input.Where(i => !i.StartsWith('^')).ToList();
            for (int j = 0; j < data.Count && j < callee.Signature.InputArg.Count; j++)
            {
                if (data[j] != arg) continue;
                var carg = callee.Signature.InputArg[j];
                if (carg.HandleData.Count > 0) return ParseHandleData(carg.HandleData[0]).Dtype;
            }
        }

        return null;
    }

    /// <summary>Reads a <c>ResourceHandleProto.DtypeAndShape</c>: dtype (field 1) and the shape's encoded bytes (field 2).</summary>
    private static (DataType Dtype, ByteString Shape) ParseHandleData(ByteString bytes)
    {
        var input = new CodedInputStream(bytes.ToByteArray());
        DataType dtype = DataType.DtInvalid;
        var shape = ByteString.Empty;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (tag)
            {
                case 8:
                    dtype = (DataType)input.ReadEnum();
                    break;
                case 18:
                    shape = input.ReadBytes();
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }

        return (dtype, shape);
    }

    private static ByteString EncodeHandleData(DataType dtype, ByteString shape)
    {
        using var ms = new MemoryStream();
        var output = new CodedOutputStream(ms);
        output.WriteTag(1, WireFormat.WireType.Varint);
        output.WriteEnum((int)dtype);
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(shape);
        output.Flush();
        return ByteString.CopyFrom(ms.ToArray());
    }

    private static IEnumerable<(SavedVariable Saved, TfVariable Variable)> ObjectGraphVariables(SavedObjectGraph og, TfGraph graph)
    {
        var byName = new Dictionary<string, TfVariable>(StringComparer.Ordinal);
        foreach (var v in graph.Variables)
        {
            if (v.VariableName is { } n) byName.TryAdd(n, v);
        }

        foreach (var node in og.Nodes)
        {
            if (node.KindCase == SavedObject.KindOneofCase.Variable && byName.TryGetValue(node.Variable.Name, out var v)) yield return (node.Variable, v);
        }
    }

    private static bool ObjectGraphVariablesDiffer(SavedObjectGraph? og, TfGraph graph)
        => og is not null && ObjectGraphVariables(og, graph).Any(p => (int)p.Saved.Dtype != (int)p.Variable.DataType
                                                                     || !SavedModelConvert.Shape(p.Saved.Shape).Equals(p.Variable.Shape));

    private static void UpdateObjectGraphVariables(SavedObjectGraph og, TfGraph graph)
    {
        foreach (var (saved, v) in ObjectGraphVariables(og, graph))
        {
            if ((int)saved.Dtype != (int)v.DataType) saved.Dtype = (DataType)v.DataType;
            if (!SavedModelConvert.Shape(saved.Shape).Equals(v.Shape)) saved.Shape = SavedModelConvert.ShapeProto(v.Shape);
        }
    }
}
