using Google.Protobuf;
using ModelOptimization.Core.TensorFlow;
using ModelOptimization.Formats.SavedModel.Protos;

namespace ModelOptimization.Formats.SavedModel.Conversion;

/// <summary>
/// Serving-only pruning of one MetaGraph: keeps the main-graph nodes the signatures reach (through data and control
/// inputs), what loading runs (the saver's save/restore ops, the main/init op collections, the initializers of kept
/// TF1 variables, which <c>import_meta_graph</c> looks up), the functions those nodes and the object graph call, and
/// only the variables the kept nodes use. The TF1 saver is rewritten to the kept variables: the <c>RestoreV2</c>/
/// <c>SaveV2</c> <c>tensor_names</c> and <c>shape_and_slices</c> constants, their <c>dtypes</c>, the restore
/// <c>Assign</c>s and the restore group's control inputs. A TF2 model saves and restores through traced functions:
/// the training state no signature reads (optimizer slots, Keras metrics) is dropped from those functions' saver ops
/// and from the checkpoint; <see cref="PruneObjectGraphs"/> then cuts the edges to it in both object graphs, keeping
/// every object node (renumbering node ids would have to reach concrete functions' bound inputs and Keras metadata).
/// </summary>
internal static class SavedModelServingPruner
{
    /// <summary>Collections whose nodes the SavedModel loader runs or looks up (main op, legacy init op, assets, tables).</summary>
    private static readonly HashSet<string> LoaderCollections = new(StringComparer.Ordinal)
    {
        "saved_model_main_op", "main_op", "legacy_init_op", "saved_model_train_op", "table_initializer", "saved_model_assets",
        "asset_filepaths",
    };

    /// <summary>Collections of serialized <c>VariableDef</c>s.</summary>
    private static readonly HashSet<string> VariableCollections = new(StringComparer.Ordinal)
    {
        "variables", "trainable_variables", "local_variables", "model_variables", "moving_average_variables", "global_step", "metric_variables",
    };

    private static readonly HashSet<string> VariableOps = new(StringComparer.Ordinal) { "VariableV2", "Variable", "VarHandleOp", "AutoReloadVariable" };

    private static readonly HashSet<string> PassThroughOps = new(StringComparer.Ordinal) { "Identity", "ReadVariableOp", "Snapshot" };

    /// <summary>The pruned graph and what was dropped.</summary>
    public sealed record Result(TfGraph Graph, IReadOnlyList<string> RemovedNodes, IReadOnlyList<string> RemovedFunctions,
        IReadOnlyList<string> RemovedVariables, IReadOnlyList<string> Notes);

    /// <summary>Prunes a copy of <paramref name="source"/>; <paramref name="metaGraph"/> supplies the saver and collections.</summary>
    public static Result Prune(TfGraph source, MetaGraphDef metaGraph)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(metaGraph);
        var g = source.Clone();
        var notes = new List<string>();
        var byName = new Dictionary<string, TfNode>(StringComparer.Ordinal);
        foreach (var n in g.Nodes) byName.TryAdd(n.Name, n);

        var roots = new List<string>();
        foreach (var s in g.Signatures)
        {
            roots.AddRange(s.Inputs.Concat(s.Outputs).Where(t => t.TensorName.Length > 0).Select(t => TfNode.NodeOf(t.TensorName)));
        }

        foreach (var (key, c) in metaGraph.CollectionDef)
        {
            if (LoaderCollections.Contains(key) && c.KindCase == CollectionDef.KindOneofCase.NodeList)
            {
                roots.AddRange(c.NodeList.Value.Select(TfNode.NodeOf));
            }
        }

        // Assets: the loader feeds each asset's path into its tensor.
        roots.AddRange(metaGraph.AssetFileDef.Where(a => a.TensorInfo is { Name.Length: > 0 }).Select(a => TfNode.NodeOf(a.TensorInfo.Name)));

        var saverRoots = new List<string>();
        if (metaGraph.SaverDef is { } sd)
        {
            foreach (string t in new[] { sd.FilenameTensorName, sd.SaveTensorName, sd.RestoreOpName })
            {
                if (t.Length > 0 && byName.ContainsKey(TfNode.NodeOf(t))) saverRoots.Add(TfNode.NodeOf(t));
            }
        }

        var variableDefs = VariableDefs(metaGraph);
        var reach = Closure(roots, byName);
        ExtendWithInitializers(reach, variableDefs, byName);
        var keptVariableNodes = new HashSet<string>(reach.Where(n => byName.TryGetValue(n, out var node) && VariableOps.Contains(node.Op)), StringComparer.Ordinal);

        var saverNodes = Closure(saverRoots, byName);
        bool functionSaver = saverNodes.Any(n => byName[n].Op is "StatefulPartitionedCall" or "PartitionedCall");
        HashSet<string>? restoredKeys = null;
        var droppedKeys = new HashSet<string>(StringComparer.Ordinal);
        if (functionSaver)
        {
            // TF2: training state no signature reads (optimizer slots and iterations, Keras metrics) leaves the traced
            // save/restore functions and the checkpoint; the object graphs keep their nodes (ids unchanged) but lose
            // the edges and slot references to them (see PruneObjectGraphs).
            var candidates = new HashSet<string>(g.Variables.Where(v => v.IsTrainingState && (v.NodeName is null || !reach.Contains(v.NodeName)))
                .Select(v => v.Name), StringComparer.Ordinal);
            var saverFunctions = saverNodes.Select(n => byName[n]).Where(n => n.Op is "StatefulPartitionedCall" or "PartitionedCall")
                .Select(n => n.Attributes.TryGetValue("f", out var f) ? f.Func?.Name : null).OfType<string>().ToHashSet(StringComparer.Ordinal);
            if (candidates.Count > 0)
            {
                foreach (var f in g.Functions.Where(f => saverFunctions.Contains(f.Name))) RewriteFunctionSaver(f, candidates);

                // A key some restore op still lists (one this pass could not rewrite) stays in the checkpoint.
                candidates.ExceptWith(g.Functions.SelectMany(f => RestoredNames(f.Nodes)).Concat(RestoredNames(g.Nodes)));
                droppedKeys = candidates;
            }

            if (droppedKeys.Count == 0) notes.Add("the saver restores through traced functions (TF2) and every variable is model state: all variables kept");
        }
        else if (saverNodes.Count > 0)
        {
            restoredKeys = RewriteSaver(g, byName, saverNodes, keptVariableNodes);
        }

        var final = Closure(roots.Concat(saverRoots), byName);
        ExtendWithInitializers(final, variableDefs, byName);
        var removedNodes = g.Nodes.Where(n => !final.Contains(n.Name)).Select(n => n.Name).ToList();
        g.Nodes.RemoveAll(n => !final.Contains(n.Name));
        foreach (var n in g.Nodes) n.Inputs.RemoveAll(i => i.StartsWith('^') && !final.Contains(i[1..]));

        var keptFunctions = ReachableFunctions(g, metaGraph);
        var removedFunctions = g.Functions.Where(f => !keptFunctions.Contains(f.Name)).Select(f => f.Name).ToList();
        g.Functions.RemoveAll(f => !keptFunctions.Contains(f.Name));

        var removedVariables = new List<string>();
        if (!functionSaver && !g.IsObjectGraph)
        {
            g.Variables.RemoveAll(v =>
            {
                bool keep = restoredKeys is not null ? restoredKeys.Contains(v.Name)
                    : v.NodeName is null ? !v.IsTrainingState : final.Contains(v.NodeName);
                if (!keep) removedVariables.Add(v.Name);
                return !keep;
            });
        }
        else if (droppedKeys.Count > 0)
        {
            g.Variables.RemoveAll(v => droppedKeys.Contains(v.Name));
            removedVariables.AddRange(droppedKeys.Order(StringComparer.Ordinal));
        }

        return new Result(g, removedNodes, removedFunctions, removedVariables, notes);
    }

    /// <summary>The checkpoint keys the <c>RestoreV2</c> ops among <paramref name="nodes"/> list.</summary>
    private static IEnumerable<string> RestoredNames(List<TfNode> nodes)
    {
        var byName = new Dictionary<string, TfNode>(StringComparer.Ordinal);
        foreach (var n in nodes) byName.TryAdd(n.Name, n);
        return nodes.Where(n => n.Op == "RestoreV2").SelectMany(n => ConstStrings(n, 1, byName) ?? [])
            .Select(b => System.Text.Encoding.UTF8.GetString(b)).ToList();
    }

    /// <summary>
    /// Rewrites a TF2 traced save/restore function so it no longer saves or restores <paramref name="dropped"/>:
    /// the <c>RestoreV2</c>/<c>SaveV2</c> names, slices and dtypes, the restore's Identity/AssignVariableOp chains of
    /// the dropped keys (and control inputs to them), and the saved tensors.
    /// </summary>
    private static void RewriteFunctionSaver(TfFunction f, HashSet<string> dropped)
    {
        var byName = new Dictionary<string, TfNode>(StringComparer.Ordinal);
        foreach (var n in f.Nodes) byName.TryAdd(n.Name, n);
        var consumers = new Dictionary<string, List<TfNode>>(StringComparer.Ordinal);
        foreach (var n in f.Nodes)
        {
            foreach (string i in n.DataInputs)
            {
                string p = TfNode.NodeOf(i);
                if (!consumers.TryGetValue(p, out var list)) consumers[p] = list = [];
                if (!list.Contains(n)) list.Add(n);
            }
        }

        var removed = new HashSet<string>(StringComparer.Ordinal);
        var rewritten = new Dictionary<string, TfTensor>(StringComparer.Ordinal);
        foreach (var node in f.Nodes.Where(n => n.Op is "RestoreV2" or "SaveV2").ToList())
        {
            if (ConstStrings(node, 1, byName) is not { } names) continue;
            var keep = names.Select(b => !dropped.Contains(System.Text.Encoding.UTF8.GetString(b))).ToArray();
            if (keep.All(x => x)) continue;
            if (node.Op == "RestoreV2")
            {
                var map = Renumber(keep);
                for (int k = 0; k < keep.Length; k++)
                {
                    if (keep[k]) continue;
                    foreach (var (_, chain) in AssignTargets(node.Name, k, consumers, byName)) removed.UnionWith(chain.Select(c => c.Name));
                }

                foreach (var c in consumers.GetValueOrDefault(node.Name) ?? [])
                {
                    for (int i = 0; i < c.Inputs.Count; i++)
                    {
                        string input = c.Inputs[i];
                        if (input.StartsWith('^') || TfNode.NodeOf(input) != node.Name) continue;
                        int colon = input.LastIndexOf(':');
                        int k = TfNode.OutputIndexOf(input);
                        if (colon > 0 && map[k] >= 0) c.Inputs[i] = input[..(colon + 1)] + map[k].ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }
                }

                FilterShapes(node, keep);
            }
            else
            {
                var data = node.Inputs.Where(i => !i.StartsWith('^')).ToList();
                if (data.Count - 3 != keep.Length) continue;
                var controls = node.Inputs.Where(i => i.StartsWith('^'));
                node.Inputs = [.. data.Take(3), .. data.Skip(3).Where((_, k) => keep[k]), .. controls];
            }

            FilterStringConst(node, 1, keep, byName, rewritten);
            FilterStringConst(node, 2, keep, byName, rewritten);
            FilterListAttr(node, "dtypes", keep);
        }

        if (removed.Count == 0) return;
        f.Nodes.RemoveAll(n => removed.Contains(n.Name));
        foreach (var n in f.Nodes) n.Inputs.RemoveAll(i => i.StartsWith('^') && removed.Contains(i[1..]));
    }

    /// <summary>
    /// Removes <paramref name="droppedKeys"/> from a TF2 model's object graphs without renumbering them: in the
    /// checkpoint's <c>TrackableObjectGraph</c> the attributes with those keys go, and so do the child edges and slot
    /// references to nodes left without attributes; the same nodes (found by their path of child names from the
    /// root) lose their edges and slot references in the <c>SavedObjectGraph</c>. Returns the new checkpoint object
    /// graph, or null when nothing changed.
    /// </summary>
    public static TrackableObjectGraph? PruneObjectGraphs(MetaGraphDef metaGraph, TrackableObjectGraph checkpoint, IReadOnlySet<string> droppedKeys)
    {
        if (droppedKeys.Count == 0) return null;
        var tog = checkpoint.Clone();
        var droppedIds = new HashSet<int>();
        for (int i = 0; i < tog.Nodes.Count; i++)
        {
            var node = tog.Nodes[i];
            int before = node.Attributes.Count;
            var kept = node.Attributes.Where(a => !droppedKeys.Contains(a.CheckpointKey)).ToList();
            if (kept.Count == before) continue;
            node.Attributes.Clear();
            node.Attributes.AddRange(kept);
            if (kept.Count == 0) droppedIds.Add(i);
        }

        if (droppedIds.Count == 0) return null;
        var paths = Paths(tog.Nodes.Count, i => tog.Nodes[i].Children.Select(c => (c.LocalName, c.NodeId)));
        foreach (var node in tog.Nodes) Cut(node.Children, node.SlotVariables, droppedIds);

        if (metaGraph.ObjectGraphDef is { } og)
        {
            var savedIds = new HashSet<int>();
            foreach (int id in droppedIds)
            {
                if (!paths.TryGetValue(id, out var path)) continue;
                int at = 0;
                foreach (string step in path)
                {
                    var child = og.Nodes[at].Children.FirstOrDefault(c => c.LocalName == step);
                    if (child is null || child.NodeId < 0 || child.NodeId >= og.Nodes.Count)
                    {
                        at = -1;
                        break;
                    }

                    at = child.NodeId;
                }

                if (at > 0 && og.Nodes[at].KindCase == SavedObject.KindOneofCase.Variable) savedIds.Add(at);
            }

            foreach (var node in og.Nodes) Cut(node.Children, node.SlotVariables, savedIds);
        }

        return tog;
    }

    private static void Cut(Google.Protobuf.Collections.RepeatedField<TrackableObjectGraph.Types.TrackableObject.Types.ObjectReference> children,
        Google.Protobuf.Collections.RepeatedField<TrackableObjectGraph.Types.TrackableObject.Types.SlotVariableReference> slots, HashSet<int> ids)
    {
        var keptChildren = children.Where(c => !ids.Contains(c.NodeId)).ToList();
        if (keptChildren.Count != children.Count)
        {
            children.Clear();
            children.AddRange(keptChildren);
        }

        var keptSlots = slots.Where(s => !ids.Contains(s.SlotVariableNodeId) && !ids.Contains(s.OriginalVariableNodeId)).ToList();
        if (keptSlots.Count != slots.Count)
        {
            slots.Clear();
            slots.AddRange(keptSlots);
        }
    }

    /// <summary>The first path of child names from node 0 to every node (breadth first).</summary>
    private static Dictionary<int, List<string>> Paths(int count, Func<int, IEnumerable<(string Name, int Id)>> children)
    {
        var paths = new Dictionary<int, List<string>> { [0] = [] };
        var queue = new Queue<int>([0]);
        while (queue.Count > 0)
        {
            int at = queue.Dequeue();
            foreach (var (name, id) in children(at))
            {
                if (id < 0 || id >= count || paths.ContainsKey(id)) continue;
                paths[id] = [.. paths[at], name];
                queue.Enqueue(id);
            }
        }

        return paths;
    }

    /// <summary>
    /// Makes the collections of <paramref name="metaGraph"/> agree with the pruned graph: node lists keep the nodes
    /// that still exist (an emptied list is removed), variable collections keep the <c>VariableDef</c>s of kept variables.
    /// </summary>
    public static void PruneCollections(MetaGraphDef metaGraph, TfGraph pruned)
    {
        var names = new HashSet<string>(pruned.Nodes.Select(n => n.Name), StringComparer.Ordinal);
        foreach (var key in metaGraph.CollectionDef.Keys.ToList())
        {
            var c = metaGraph.CollectionDef[key];
            if (c.KindCase == CollectionDef.KindOneofCase.NodeList)
            {
                var kept = c.NodeList.Value.Where(v => names.Contains(TfNode.NodeOf(v))).ToList();
                if (kept.Count == c.NodeList.Value.Count) continue;
                if (kept.Count == 0)
                {
                    metaGraph.CollectionDef.Remove(key);
                    continue;
                }

                c.NodeList.Value.Clear();
                c.NodeList.Value.AddRange(kept);
            }
            else if (c.KindCase == CollectionDef.KindOneofCase.BytesList && VariableCollections.Contains(key))
            {
                var kept = c.BytesList.Value.Where(b => ParseVariableDef(b) is not { } vd || names.Contains(TfNode.NodeOf(vd.Variable))).ToList();
                if (kept.Count == c.BytesList.Value.Count) continue;
                if (kept.Count == 0)
                {
                    metaGraph.CollectionDef.Remove(key);
                    continue;
                }

                c.BytesList.Value.Clear();
                c.BytesList.Value.AddRange(kept);
            }
        }
    }

    private static HashSet<string> Closure(IEnumerable<string> roots, Dictionary<string, TfNode> byName)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Extend(seen, roots, byName);
        return seen;
    }

    private static void Extend(HashSet<string> seen, IEnumerable<string> roots, Dictionary<string, TfNode> byName)
    {
        var stack = new Stack<string>(roots);
        while (stack.Count > 0)
        {
            string name = stack.Pop();
            if (!byName.TryGetValue(name, out var node) || !seen.Add(name)) continue;
            foreach (string i in node.Inputs) stack.Push(TfNode.NodeOf(i));
        }
    }

    /// <summary>Adds the initializer and snapshot of every kept TF1 variable (the loader's <c>import_meta_graph</c> looks them up).</summary>
    private static void ExtendWithInitializers(HashSet<string> reach, List<VariableDefInfo> defs, Dictionary<string, TfNode> byName)
    {
        var extra = new List<string>();
        foreach (var d in defs)
        {
            if (!reach.Contains(TfNode.NodeOf(d.Variable))) continue;
            foreach (string t in new[] { d.Initializer, d.Snapshot, d.InitialValue })
            {
                if (t.Length > 0) extra.Add(TfNode.NodeOf(t));
            }
        }

        Extend(reach, extra, byName);
    }

    /// <summary>
    /// Rewrites the TF1 saver among <paramref name="saverNodes"/> so it saves and restores only the variables in
    /// <paramref name="kept"/>; returns the checkpoint keys the rewritten restore ops still read.
    /// </summary>
    private static HashSet<string> RewriteSaver(TfGraph g, Dictionary<string, TfNode> byName, HashSet<string> saverNodes, HashSet<string> kept)
    {
        var consumers = new Dictionary<string, List<TfNode>>(StringComparer.Ordinal);
        foreach (var n in g.Nodes)
        {
            foreach (string i in n.DataInputs)
            {
                string p = TfNode.NodeOf(i);
                if (!consumers.TryGetValue(p, out var list)) consumers[p] = list = [];
                if (!list.Contains(n)) list.Add(n);
            }
        }

        var dropped = new HashSet<string>(StringComparer.Ordinal);
        var rewritten = new Dictionary<string, TfTensor>(StringComparer.Ordinal);
        var restoredKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var node in g.Nodes.Where(n => saverNodes.Contains(n.Name)).ToList())
        {
            if (node.Op == "RestoreV2")
            {
                var names = ConstStrings(node, 1, byName);
                int count = names?.Count ?? 0;
                var keep = new bool[count];
                var chains = new List<TfNode>[count];
                for (int k = 0; k < count; k++)
                {
                    chains[k] = [];
                    bool any = false;
                    bool allDropped = true;
                    foreach (var (target, chain) in AssignTargets(node.Name, k, consumers, byName))
                    {
                        any = true;
                        chains[k].AddRange(chain);
                        if (target is null || kept.Contains(target)) allDropped = false;
                    }

                    keep[k] = !any || !allDropped;
                }

                if (names is null) continue;
                for (int k = 0; k < count; k++)
                {
                    if (keep[k]) restoredKeys.Add(System.Text.Encoding.UTF8.GetString(names[k]));
                }

                if (keep.All(x => x)) continue;
                var map = Renumber(keep);
                for (int k = 0; k < count; k++)
                {
                    if (!keep[k]) dropped.UnionWith(chains[k].Select(c => c.Name));
                }

                foreach (var c in consumers.GetValueOrDefault(node.Name) ?? [])
                {
                    for (int i = 0; i < c.Inputs.Count; i++)
                    {
                        if (c.Inputs[i].StartsWith('^') || TfNode.NodeOf(c.Inputs[i]) != node.Name) continue;
                        int k = TfNode.OutputIndexOf(c.Inputs[i]);
                        if (map[k] >= 0) c.Inputs[i] = map[k] == 0 ? node.Name : $"{node.Name}:{map[k]}";
                    }
                }

                FilterStringConst(node, 1, keep, byName, rewritten);
                FilterStringConst(node, 2, keep, byName, rewritten);
                FilterListAttr(node, "dtypes", keep);
                FilterShapes(node, keep);
            }
            else if (node.Op == "SaveV2")
            {
                var data = node.Inputs.Where(i => !i.StartsWith('^')).ToList();
                if (data.Count < 3) continue;
                var keep = data.Skip(3).Select(i => VariableNode(i, byName) is not { } v || kept.Contains(v)).ToArray();
                if (keep.All(x => x)) continue;
                var controls = node.Inputs.Where(i => i.StartsWith('^'));
                node.Inputs = [.. data.Take(3), .. data.Skip(3).Where((_, k) => keep[k]), .. controls];
                FilterStringConst(node, 1, keep, byName, rewritten);
                FilterStringConst(node, 2, keep, byName, rewritten);
                FilterListAttr(node, "dtypes", keep);
            }
        }

        foreach (var n in g.Nodes) n.Inputs.RemoveAll(i => i.StartsWith('^') && dropped.Contains(i[1..]));
        foreach (string d in dropped) byName.Remove(d);
        return restoredKeys;
    }

    /// <summary>The variables output <paramref name="k"/> of a restore op is assigned to, with the nodes on the way (Identity chains and the assign).</summary>
    private static IEnumerable<(string? Target, List<TfNode> Chain)> AssignTargets(string restore, int k, Dictionary<string, List<TfNode>> consumers,
        Dictionary<string, TfNode> byName)
    {
        var start = (Node: restore, Output: k, Chain: new List<TfNode>());
        var stack = new Stack<(string Node, int Output, List<TfNode> Chain)>();
        stack.Push(start);
        while (stack.Count > 0)
        {
            var (producer, output, chain) = stack.Pop();
            foreach (var c in consumers.GetValueOrDefault(producer) ?? [])
            {
                var data = c.DataInputs.ToList();
                for (int j = 0; j < data.Count; j++)
                {
                    if (TfNode.NodeOf(data[j]) != producer || TfNode.OutputIndexOf(data[j]) != output) continue;
                    var path = new List<TfNode>(chain) { c };
                    if (PassThroughOps.Contains(c.Op) && chain.Count < 16)
                    {
                        stack.Push((c.Name, 0, path));
                    }
                    else if (c.Op is "Assign" or "AssignVariableOp" && j == 1)
                    {
                        yield return (VariableNode(data[0], byName), path);
                    }
                    else
                    {
                        yield return (null, path); // used by something else: keep it
                    }
                }
            }
        }
    }

    /// <summary>The variable node behind a tensor (through Identity / ReadVariableOp), or null.</summary>
    private static string? VariableNode(string input, Dictionary<string, TfNode> byName)
    {
        for (int depth = 0; depth < 16; depth++)
        {
            if (!byName.TryGetValue(TfNode.NodeOf(input), out var n)) return null;
            if (VariableOps.Contains(n.Op)) return n.Name;
            if (!PassThroughOps.Contains(n.Op) || !n.DataInputs.Any()) return null;
            input = n.DataInputs.First();
        }

        return null;
    }

    private static int[] Renumber(bool[] keep)
    {
        var map = new int[keep.Length];
        for (int k = 0, next = 0; k < keep.Length; k++) map[k] = keep[k] ? next++ : -1;
        return map;
    }

    private static TfNode? ConstInput(TfNode node, int dataIndex, Dictionary<string, TfNode> byName)
    {
        var input = node.DataInputs.ElementAtOrDefault(dataIndex);
        return input is not null && byName.TryGetValue(TfNode.NodeOf(input), out var c) && c.Op == "Const" ? c : null;
    }

    private static IReadOnlyList<byte[]>? ConstStrings(TfNode node, int dataIndex, Dictionary<string, TfNode> byName)
        => ConstInput(node, dataIndex, byName) is { } c && c.Attributes.TryGetValue("value", out var v) && v.Tensor?.StringValues is { } s ? s : null;

    private static void FilterStringConst(TfNode node, int dataIndex, bool[] keep, Dictionary<string, TfNode> byName, Dictionary<string, TfTensor> rewritten)
    {
        if (ConstInput(node, dataIndex, byName) is not { } c || !c.Attributes.TryGetValue("value", out var v) || v.Tensor?.StringValues is not { } values)
        {
            throw SavedModelErrors.Unsupported(node.Name, $"'{node.Name}' ({node.Op}) does not take its tensor names from a string constant; the saver cannot be pruned.");
        }

        if (values.Count != keep.Length)
        {
            if (rewritten.TryGetValue(c.Name, out var done) && done.StringValues!.Count == keep.Count(x => x)) return;
            throw SavedModelErrors.Unsupported(node.Name, $"'{c.Name}' holds {values.Count} names but '{node.Name}' has {keep.Length} tensors; the saver cannot be pruned.");
        }

        var filtered = values.Where((_, k) => keep[k]).ToList();
        var tensor = new TfTensor { DataType = v.Tensor.DataType, Shape = new TfShape([filtered.Count]), StringValues = filtered };
        c.Attributes["value"] = new TfAttrValue { Kind = TfAttrKind.Tensor, Tensor = tensor };
        if (c.Attributes.ContainsKey("_output_shapes"))
        {
            c.Attributes["_output_shapes"] = new TfAttrValue { Kind = TfAttrKind.List, List = new TfAttrList { Shapes = [tensor.Shape] } };
        }

        rewritten[c.Name] = tensor;
    }

    private static void FilterListAttr(TfNode node, string attr, bool[] keep)
    {
        if (!node.Attributes.TryGetValue(attr, out var a) || a.List is not { } list || list.Types.Count != keep.Length) return;
        node.Attributes[attr] = new TfAttrValue { Kind = TfAttrKind.List, List = new TfAttrList { Types = list.Types.Where((_, k) => keep[k]).ToList() } };
    }

    private static void FilterShapes(TfNode node, bool[] keep)
    {
        if (!node.Attributes.TryGetValue("_output_shapes", out var a) || a.List is not { } list || list.Shapes.Count != keep.Length) return;
        node.Attributes["_output_shapes"] = new TfAttrValue { Kind = TfAttrKind.List, List = new TfAttrList { Shapes = list.Shapes.Where((_, k) => keep[k]).ToList() } };
    }

    /// <summary>The functions the kept main-graph nodes call (directly, by attribute, or by op name) and the object graph names, transitively.</summary>
    private static HashSet<string> ReachableFunctions(TfGraph g, MetaGraphDef mg)
    {
        var byName = new Dictionary<string, TfFunction>(StringComparer.Ordinal);
        foreach (var f in g.Functions) byName.TryAdd(f.Name, f);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        foreach (var n in g.Nodes) Push(n, stack, byName);
        if (mg.ObjectGraphDef is { } og)
        {
            foreach (string name in og.ConcreteFunctions.Keys) stack.Push(name);
            foreach (var o in og.Nodes)
            {
                if (o.KindCase == SavedObject.KindOneofCase.Function) foreach (string name in o.Function.ConcreteFunctions) stack.Push(name);
            }
        }

        while (stack.Count > 0)
        {
            string name = stack.Pop();
            if (!byName.TryGetValue(name, out var f) || !seen.Add(name)) continue;
            foreach (var n in f.Nodes) Push(n, stack, byName);
            foreach (var a in f.Attributes.Values) PushAttr(a, stack);
        }

        return seen;

        static void Push(TfNode n, Stack<string> stack, Dictionary<string, TfFunction> fns)
        {
            if (fns.ContainsKey(n.Op)) stack.Push(n.Op);
            foreach (var a in n.Attributes.Values) PushAttr(a, stack);
        }

        static void PushAttr(TfAttrValue a, Stack<string> stack)
        {
            if (a.Func is { } f)
            {
                stack.Push(f.Name);
                foreach (var inner in f.Attributes.Values) PushAttr(inner, stack);
            }

            if (a.List is { } l) foreach (var lf in l.Funcs) stack.Push(lf.Name);
        }
    }

    /// <summary>The node/tensor names a serialized <c>VariableDef</c> refers to (empty when it does not parse).</summary>
    public static IReadOnlyList<string> VariableDefNames(ByteString bytes)
        => ParseVariableDef(bytes) is { } d ? [d.Variable, d.Initializer, d.Snapshot, d.InitialValue] : [];

    private sealed record VariableDefInfo(string Variable, string Initializer, string Snapshot, string InitialValue);

    private static List<VariableDefInfo> VariableDefs(MetaGraphDef mg)
    {
        var list = new List<VariableDefInfo>();
        foreach (var (key, c) in mg.CollectionDef)
        {
            if (!VariableCollections.Contains(key) || c.KindCase != CollectionDef.KindOneofCase.BytesList) continue;
            foreach (var b in c.BytesList.Value)
            {
                if (ParseVariableDef(b) is { } d) list.Add(d);
            }
        }

        return list;
    }

    /// <summary>The names in a serialized <c>VariableDef</c> (fields 1, 2, 3 and 6), or null when it does not parse.</summary>
    private static VariableDefInfo? ParseVariableDef(ByteString bytes)
    {
        string variable = "", initializer = "", snapshot = "", initial = "";
        try
        {
            var input = new CodedInputStream(bytes.ToByteArray());
            uint tag;
            while ((tag = input.ReadTag()) != 0)
            {
                switch (tag)
                {
                    case 10: variable = input.ReadString(); break;
                    case 18: initializer = input.ReadString(); break;
                    case 26: snapshot = input.ReadString(); break;
                    case 50: initial = input.ReadString(); break;
                    default: input.SkipLastField(); break;
                }
            }
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }

        return variable.Length == 0 ? null : new VariableDefInfo(variable, initializer, snapshot, initial);
    }
}
