using Google.Protobuf;
using ModelOptimization.Core.TensorFlow;
using ModelOptimization.Formats.SavedModel.Protos;

namespace ModelOptimization.Formats.SavedModel;

/// <summary>
/// Builds the <see cref="TfGraph"/> of one MetaGraph and ties the checkpoint's entries to graph nodes: TF1 keys
/// are the names of <c>VariableV2</c> nodes; TF2 keys (<c>…/.ATTRIBUTES/VARIABLE_VALUE</c>) are resolved through
/// the checkpoint's object graph (<c>_CHECKPOINTABLE_OBJECT_GRAPH</c>) to the variable's full name, the
/// <c>shared_name</c> of its <c>VarHandleOp</c>.
/// </summary>
internal static class SavedModelGraphBuilder
{
    private static readonly HashSet<string> VariableOps = new(StringComparer.Ordinal)
    {
        "VariableV2", "Variable", "VarHandleOp", "AutoReloadVariable",
    };

    private static readonly HashSet<string> SlotNames = new(StringComparer.Ordinal)
    {
        "Momentum", "Adam", "Adam_1", "RMSProp", "RMSProp_1", "Adagrad", "Adadelta", "Adadelta_1", "Ftrl", "Ftrl_1",
        "ExponentialMovingAverage",
    };

    public static TfGraph Build(MetaGraphDef mg, TensorBundle? bundle, string pbPath, string? indexPath)
    {
        var info = mg.MetaInfoDef;
        var gd = mg.GraphDef ?? new GraphDef();
        var graph = new TfGraph
        {
            Tags = info is null ? [] : [.. info.Tags],
            TensorFlowVersion = string.IsNullOrEmpty(info?.TensorflowVersion) ? null : info.TensorflowVersion,
            Producer = gd.Versions?.Producer ?? gd.Version,
            IsObjectGraph = mg.ObjectGraphDef is { Nodes.Count: > 0 },
            Nodes = gd.Node.Select(SavedModelConvert.Node).ToList(),
            Functions = gd.Library is null ? [] : gd.Library.Function.Select(SavedModelConvert.Function).ToList(),
            Signatures = mg.SignatureDef.Select(kv => SavedModelConvert.Signature(kv.Key, kv.Value)).ToList(),
        };

        var byName = new Dictionary<string, TfNode>(StringComparer.Ordinal);
        foreach (var n in graph.Nodes)
        {
            if (!byName.TryAdd(n.Name, n)) throw SavedModelErrors.Validation(pbPath, $"two nodes of the graph are named '{n.Name}'");
        }

        foreach (var s in graph.Signatures)
        {
            foreach (var t in s.Inputs.Concat(s.Outputs))
            {
                if (t.TensorName.Length == 0) continue;
                string node = TfNode.NodeOf(t.TensorName);
                if (!byName.ContainsKey(node))
                {
                    throw SavedModelErrors.Validation(pbPath, $"signature '{s.Key}' refers to tensor '{t.TensorName}', but the graph has no node '{node}'");
                }
            }
        }

        if (bundle is not null) graph.Variables = Variables(graph, byName, bundle, indexPath!);
        return graph;
    }

    private static List<TfVariable> Variables(TfGraph graph, Dictionary<string, TfNode> byName, TensorBundle bundle, string indexPath)
    {
        // TF2: checkpoint key -> variable full name, from the object graph stored in the checkpoint itself.
        var fullNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var objectGraph = bundle.Entries.FirstOrDefault(e => e.Key == TensorBundle.ObjectGraphKey);
        if (objectGraph is not null && objectGraph.Entry.Slices.Count == 0)
        {
            var shardPath = TensorBundle.ShardName(Path.Combine(Path.GetDirectoryName(indexPath)!, "variables"), objectGraph.Entry.ShardId, bundle.Header.NumShards);
            if ((TfDataType)objectGraph.Entry.Dtype != TfDataType.String || SavedModelConvert.Shape(objectGraph.Entry.Shape).ElementCount != 1)
            {
                throw SavedModelErrors.Validation(indexPath, $"'{TensorBundle.ObjectGraphKey}' is not a string scalar");
            }

            var bytes = BundleChecksum.FirstString(objectGraph.Data.Span);
            TrackableObjectGraph tog;
            try
            {
                tog = TrackableObjectGraph.Parser.ParseFrom(bytes);
            }
            catch (InvalidProtocolBufferException ex)
            {
                throw SavedModelErrors.Parse(shardPath, objectGraph.Entry.Offset, $"malformed object graph in '{TensorBundle.ObjectGraphKey}': {ex.Message}", ex);
            }

            foreach (var node in tog.Nodes)
            {
                foreach (var a in node.Attributes)
                {
                    if (a.CheckpointKey.Length > 0 && a.FullName.Length > 0) fullNames.TryAdd(a.CheckpointKey, a.FullName);
                }
            }
        }

        var bySharedName = new Dictionary<string, TfNode>(StringComparer.Ordinal);
        foreach (var n in graph.Nodes)
        {
            if (n.Op == "VarHandleOp" && n.Attributes.TryGetValue("shared_name", out var sn) && sn.Kind == TfAttrKind.String)
            {
                bySharedName.TryAdd(sn.String!, n);
            }
        }

        var list = new List<TfVariable>(bundle.Entries.Count);
        foreach (var e in bundle.Entries)
        {
            if (e.Key == TensorBundle.ObjectGraphKey || e.Entry.Slices.Count > 0) continue;
            string? fullName = fullNames.TryGetValue(e.Key, out var fn) ? fn : null;
            TfNode? node = null;
            if (fullName is not null && !bySharedName.TryGetValue(fullName, out node)) byName.TryGetValue(fullName, out node);
            if (node is null && byName.TryGetValue(e.Key, out var n) && VariableOps.Contains(n.Op)) node = n;
            if (node is null && bySharedName.TryGetValue(e.Key, out var sh)) node = sh;
            list.Add(new TfVariable
            {
                Name = e.Key,
                NodeName = node?.Name,
                VariableName = fullName ?? (node is not null ? e.Key : null),
                DataType = (TfDataType)e.Entry.Dtype,
                Shape = SavedModelConvert.Shape(e.Entry.Shape),
                Data = e.Data,
                IsTrainingState = IsTrainingState(e.Key),
            });
        }

        return list;
    }

    private static bool IsTrainingState(string key)
    {
        if (key.StartsWith("optimizer/", StringComparison.Ordinal) || key.StartsWith("save_counter/", StringComparison.Ordinal)
            || key.Contains("/.OPTIMIZER_SLOT/", StringComparison.Ordinal) || key.StartsWith("keras_api/metrics/", StringComparison.Ordinal)
            || key is "global_step" or "beta1_power" or "beta2_power")
        {
            return true;
        }

        int slash = key.LastIndexOf('/');
        return slash >= 0 && SlotNames.Contains(key[(slash + 1)..]);
    }
}
