using System.Text;
using Google.Protobuf;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.TensorFlow;
using ModelOptimization.Formats.SavedModel.Protos;

namespace ModelOptimization.Formats.SavedModel;

/// <summary>
/// Consistency checks a SavedModel must pass for TensorFlow to load and restore it, made without TensorFlow: every
/// node input and called function exists; the saver's ops exist; every name a <c>RestoreV2</c>/<c>SaveV2</c> (main
/// graph or function body) lists is in the bundle with the listed dtype, and the lists agree in length; every TF1
/// variable a signature reaches is restored; no bundle entry is left that nothing restores; every checkpoint key
/// of the object graph is in the bundle and every object-graph node id is in range.
/// </summary>
public static class SavedModelValidator
{
    private static readonly HashSet<string> PassThroughOps = new(StringComparer.Ordinal) { "Identity", "ReadVariableOp", "Snapshot" };

    /// <summary>Reads the SavedModel at <paramref name="folder"/> and returns what is inconsistent (empty when it is sound).</summary>
    public static IReadOnlyList<string> Validate(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        return Validate(SavedModelReader.Read(folder));
    }

    /// <summary>The inconsistencies of a model read from a SavedModel, as read (empty when it is sound).</summary>
    public static IReadOnlyList<string> Validate(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Storage is not SavedModelDocument doc) throw new ArgumentException($"Model '{model.Name}' was not read from a SavedModel.", nameof(model));
        var problems = new List<string>();
        var graph = doc.Graph;
        var mg = doc.MetaGraph;
        var entries = new Dictionary<string, BundleEntryRecord>(StringComparer.Ordinal);
        foreach (var e in doc.Bundle?.Entries ?? []) entries.TryAdd(e.Key, e);
        var functions = new HashSet<string>(graph.Functions.Select(f => f.Name), StringComparer.Ordinal);

        var byName = new Dictionary<string, TfNode>(StringComparer.Ordinal);
        foreach (var n in graph.Nodes) byName.TryAdd(n.Name, n);
        foreach (var n in graph.Nodes)
        {
            foreach (string i in n.Inputs)
            {
                if (!byName.ContainsKey(TfNode.NodeOf(i))) problems.Add($"node '{n.Name}' has input '{i}', but the graph has no such node");
            }

            CheckCalls(n, "the main graph", functions, problems);
        }

        foreach (var f in graph.Functions)
        {
            foreach (var n in f.Nodes) CheckCalls(n, $"function '{f.Name}'", functions, problems);
        }

        if (mg.SaverDef is { } sd)
        {
            foreach (var (what, t) in new[] { ("filename_tensor_name", sd.FilenameTensorName), ("save_tensor_name", sd.SaveTensorName), ("restore_op_name", sd.RestoreOpName) })
            {
                if (t.Length > 0 && !byName.ContainsKey(TfNode.NodeOf(t))) problems.Add($"saver_def.{what} names '{t}', but the graph has no such node");
            }
        }

        foreach (var (key, c) in mg.CollectionDef)
        {
            if (c.KindCase == CollectionDef.KindOneofCase.NodeList)
            {
                foreach (string v in c.NodeList.Value.Where(v => !byName.ContainsKey(TfNode.NodeOf(v))))
                {
                    problems.Add($"collection '{key}' lists '{v}', but the graph has no such node");
                }
            }
            else if (c.KindCase == CollectionDef.KindOneofCase.BytesList && key.EndsWith("variables", StringComparison.Ordinal))
            {
                foreach (var names in c.BytesList.Value.Select(Conversion.SavedModelServingPruner.VariableDefNames))
                {
                    foreach (string t in names.Where(t => t.Length > 0 && !byName.ContainsKey(TfNode.NodeOf(t))))
                    {
                        problems.Add($"collection '{key}' has a variable that refers to '{t}', but the graph has no such node");
                    }
                }
            }
        }

        var restored = new HashSet<string>(StringComparer.Ordinal);
        var restoredVariables = new HashSet<string>(StringComparer.Ordinal);
        CheckSaverOps(graph.Nodes, "the main graph", entries, restored, restoredVariables, problems);
        foreach (var f in graph.Functions) CheckSaverOps(f.Nodes, $"function '{f.Name}'", entries, restored, restoredVariables, problems);

        if (mg.ObjectGraphDef is not { Nodes.Count: > 0 })
        {
            foreach (string v in SignatureVariables(graph, byName))
            {
                if (!restoredVariables.Contains(v)) problems.Add($"variable '{v}' is used by a signature, but no restore op assigns it");
            }
        }

        foreach (var key in entries.Keys)
        {
            if (key != TensorBundle.ObjectGraphKey && !restored.Contains(key) && entries[key].Entry.Slices.Count == 0 && restored.Count > 0)
            {
                problems.Add($"bundle entry '{key}' is not restored by any restore op");
            }
        }

        CheckObjectGraphs(doc, entries, functions, problems);
        return problems;
    }

    private static void CheckCalls(TfNode n, string where, HashSet<string> functions, List<string> problems)
    {
        foreach (var (key, a) in n.Attributes)
        {
            if (a.Func is { } f && !functions.Contains(f.Name))
            {
                problems.Add($"node '{n.Name}' in {where} calls function '{f.Name}' (attribute '{key}'), which the library does not hold");
            }
        }
    }

    private static void CheckSaverOps(List<TfNode> nodes, string where, Dictionary<string, BundleEntryRecord> entries, HashSet<string> restored,
        HashSet<string> restoredVariables, List<string> problems)
    {
        var byName = new Dictionary<string, TfNode>(StringComparer.Ordinal);
        foreach (var n in nodes) byName.TryAdd(n.Name, n);
        foreach (var n in nodes)
        {
            if (n.Op is not ("RestoreV2" or "SaveV2")) continue;
            var data = n.DataInputs.ToList();
            var names = Strings(data.ElementAtOrDefault(1), byName);
            var slices = Strings(data.ElementAtOrDefault(2), byName);
            var dtypes = n.Attributes.TryGetValue("dtypes", out var d) ? d.List?.Types : null;
            if (names is null)
            {
                problems.Add($"{n.Op} '{n.Name}' in {where} does not take its tensor names from a string constant");
                continue;
            }

            if (slices is not null && slices.Count != names.Count) problems.Add($"{n.Op} '{n.Name}' in {where} lists {names.Count} names but {slices.Count} shape_and_slices");
            if (dtypes is not null && dtypes.Count != names.Count) problems.Add($"{n.Op} '{n.Name}' in {where} lists {names.Count} names but {dtypes.Count} dtypes");
            if (n.Op == "SaveV2")
            {
                if (data.Count - 3 != names.Count) problems.Add($"SaveV2 '{n.Name}' in {where} lists {names.Count} names but saves {data.Count - 3} tensors");
                continue;
            }

            for (int k = 0; k < names.Count; k++)
            {
                string key = Encoding.UTF8.GetString(names[k]);
                restored.Add(key);
                if (!entries.TryGetValue(key, out var e))
                {
                    problems.Add($"RestoreV2 '{n.Name}' in {where} restores '{key}', which the bundle does not hold");
                }
                else if (dtypes is not null && k < dtypes.Count && (TfDataType)e.Entry.Dtype != dtypes[k])
                {
                    problems.Add($"RestoreV2 '{n.Name}' in {where} restores '{key}' as {TfDataTypeInfo.ShortName(dtypes[k])}, but the bundle holds {TfDataTypeInfo.ShortName((TfDataType)e.Entry.Dtype)}");
                }
            }

            // The variables the restored values are assigned to (through Identity chains).
            var frontier = new List<string> { n.Name };
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (frontier.Count > 0)
            {
                var next = new List<string>();
                foreach (var c in nodes)
                {
                    var inputs = c.DataInputs.ToList();
                    for (int j = 0; j < inputs.Count; j++)
                    {
                        if (!frontier.Contains(TfNode.NodeOf(inputs[j])) || !seen.Add(c.Name + "#" + j)) continue;
                        if (PassThroughOps.Contains(c.Op)) next.Add(c.Name);
                        else if (c.Op is "Assign" or "AssignVariableOp" && j == 1) restoredVariables.Add(TfNode.NodeOf(inputs[0]));
                    }
                }

                frontier = next;
            }
        }
    }

    private static IReadOnlyList<byte[]>? Strings(string? input, Dictionary<string, TfNode> byName)
        => input is not null && byName.TryGetValue(TfNode.NodeOf(input), out var c) && c.Op == "Const"
           && c.Attributes.TryGetValue("value", out var v) && v.Tensor?.StringValues is { } s ? s : null;

    /// <summary>The TF1 variable nodes a signature output depends on.</summary>
    private static HashSet<string> SignatureVariables(TfGraph graph, Dictionary<string, TfNode> byName)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(graph.Signatures.SelectMany(s => s.Outputs).Where(t => t.TensorName.Length > 0)
            .Select(t => TfNode.NodeOf(t.TensorName)));
        while (stack.Count > 0)
        {
            string name = stack.Pop();
            if (!byName.TryGetValue(name, out var n) || !seen.Add(name)) continue;
            foreach (string i in n.Inputs) stack.Push(TfNode.NodeOf(i));
        }

        return new HashSet<string>(seen.Where(s => byName[s].Op is "VariableV2" or "Variable"), StringComparer.Ordinal);
    }

    private static void CheckObjectGraphs(SavedModelDocument doc, Dictionary<string, BundleEntryRecord> entries, HashSet<string> functions, List<string> problems)
    {
        if (doc.MetaGraph.ObjectGraphDef is { } og)
        {
            int count = og.Nodes.Count;
            for (int i = 0; i < count; i++)
            {
                var o = og.Nodes[i];
                foreach (var c in o.Children)
                {
                    if (c.NodeId < 0 || c.NodeId >= count) problems.Add($"saved object {i} has child '{c.LocalName}' -> node {c.NodeId}, out of range (0..{count - 1})");
                }

                foreach (var s in o.SlotVariables)
                {
                    if (s.OriginalVariableNodeId < 0 || s.OriginalVariableNodeId >= count || s.SlotVariableNodeId < 0 || s.SlotVariableNodeId >= count)
                    {
                        problems.Add($"saved object {i} has slot variable '{s.SlotName}' with a node id out of range");
                    }
                }

                if (o.KindCase == SavedObject.KindOneofCase.Function)
                {
                    foreach (string f in o.Function.ConcreteFunctions.Where(f => !functions.Contains(f))) problems.Add($"saved object {i} names concrete function '{f}', which the library does not hold");
                }
            }

            foreach (string f in og.ConcreteFunctions.Keys.Where(f => !functions.Contains(f)))
            {
                problems.Add($"the object graph lists concrete function '{f}', which the library does not hold");
            }
        }

        if (!entries.TryGetValue(TensorBundle.ObjectGraphKey, out var e) || e.Entry.Slices.Count > 0) return;
        TrackableObjectGraph tog;
        try
        {
            tog = TrackableObjectGraph.Parser.ParseFrom(BundleChecksum.FirstString(e.Data.Span));
        }
        catch (InvalidProtocolBufferException ex)
        {
            problems.Add($"'{TensorBundle.ObjectGraphKey}' does not parse: {ex.Message}");
            return;
        }

        int n = tog.Nodes.Count;
        for (int i = 0; i < n; i++)
        {
            var node = tog.Nodes[i];
            foreach (var a in node.Attributes)
            {
                if (a.CheckpointKey.Length > 0 && !entries.ContainsKey(a.CheckpointKey))
                {
                    problems.Add($"checkpoint object {i} has key '{a.CheckpointKey}', which the bundle does not hold");
                }
            }

            foreach (var c in node.Children)
            {
                if (c.NodeId < 0 || c.NodeId >= n) problems.Add($"checkpoint object {i} has child '{c.LocalName}' -> node {c.NodeId}, out of range (0..{n - 1})");
            }

            foreach (var s in node.SlotVariables)
            {
                if (s.OriginalVariableNodeId < 0 || s.OriginalVariableNodeId >= n || s.SlotVariableNodeId < 0 || s.SlotVariableNodeId >= n)
                {
                    problems.Add($"checkpoint object {i} has slot variable '{s.SlotName}' with a node id out of range");
                }
            }
        }
    }
}
