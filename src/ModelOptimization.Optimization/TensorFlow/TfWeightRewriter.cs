using System.Runtime.InteropServices;
using ModelOptimization.Core.TensorFlow;

namespace ModelOptimization.Optimization.TensorFlow;

/// <summary>
/// Retypes one float variable of a TensorFlow graph to int8 and inserts the dequantization where its value is used,
/// with standard ops only (Cast, Mul, Const) so stock TensorFlow runs the result. It follows the variable from its
/// node through every use: resource handles (ReadVariableOp, AssignVariableOp, calls into function bodies), TF1 ref
/// reads (the <c>/read</c> Identity), Identity chains, and the save/restore plumbing (SaveV2/RestoreV2 dtypes, call
/// argument types). Plumbing is retyped to int8; every other consumer gets the dequantized value. TF1 training updates
/// of the variable (ApplyMomentum...) are removed, since they cannot update an int8 variable. The same walk runs
/// first without changes, to find the layers and anything that blocks the rewrite.
/// </summary>
internal sealed class TfWeightRewriter
{
    private static readonly HashSet<string> IdentityOps = new(StringComparer.Ordinal) { "Identity", "Snapshot", "StopGradient" };
    private static readonly HashSet<string> CallOps = new(StringComparer.Ordinal) { "StatefulPartitionedCall", "PartitionedCall" };
    private static readonly HashSet<string> IgnoredResourceOps = new(StringComparer.Ordinal)
    {
        "VarIsInitializedOp", "DisableCopyOnRead", "DestroyResourceOp",
    };

    private readonly TfGraphContext _main;
    private readonly Dictionary<string, TfGraphContext> _functions = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _captures;

    public TfWeightRewriter(TfGraph graph, IReadOnlyDictionary<string, IReadOnlyList<string>>? captures)
    {
        _captures = captures ?? new Dictionary<string, IReadOnlyList<string>>();
        _main = new TfGraphContext(null, graph.Nodes) { InferenceNodes = InferenceNodes(graph) };
        foreach (var f in graph.Functions) _functions.TryAdd(f.Name, new TfGraphContext(f, f.Nodes));
    }

    /// <summary>A use of the variable's value by an op that computes with it (it gets the dequantized value).</summary>
    public sealed record ComputeSite(TfGraphContext Context, TfNode? Node, int Input, string? ReturnKey)
    {
        public bool IsInference => Node is null || Context.IsInference(Node);
    }

    /// <summary>What a walk found.</summary>
    public sealed class Uses
    {
        public List<ComputeSite> Compute { get; } = [];

        public List<string> Blockers { get; } = [];

        /// <summary>Function arguments the variable (or its value) is passed to.</summary>
        public HashSet<(string Function, int Argument)> Bindings { get; } = [];
    }

    /// <summary>The dequantization to insert: int8 × scales (of shape <see cref="ScaleShape"/>) in the compute type.</summary>
    public sealed record Dequantization(TfComputeType Compute, float[] Scales, int[] ScaleShape);

    /// <summary>Finds the uses of <paramref name="v"/> without changing anything.</summary>
    public Uses Analyze(TfVariable v) => new Walk(this, v, null).Run();

    /// <summary>Retypes <paramref name="v"/>'s graph to int8 and inserts <paramref name="dequantization"/> before each computing use.</summary>
    public Uses Apply(TfVariable v, Dequantization dequantization) => new Walk(this, v, dequantization).Run();

    /// <summary>Removes the training updates marked by <see cref="Apply"/> and everything that needs their outputs.</summary>
    public void Finish()
    {
        var removed = new HashSet<string>(_main.Removed.Select(n => n.Name), StringComparer.Ordinal);
        if (removed.Count == 0) return;
        bool grew = true;
        while (grew)
        {
            grew = false;
            foreach (var n in _main.Nodes)
            {
                if (!removed.Contains(n.Name) && n.DataInputs.Any(i => removed.Contains(TfNode.NodeOf(i))))
                {
                    removed.Add(n.Name);
                    grew = true;
                }
            }
        }

        _main.Nodes.RemoveAll(n => removed.Contains(n.Name));
        foreach (var n in _main.Nodes) n.Inputs.RemoveAll(i => i.StartsWith('^') && removed.Contains(i[1..]));
    }

    /// <summary>The main-graph nodes any signature output depends on (data and control inputs).</summary>
    private static HashSet<string> InferenceNodes(TfGraph graph)
    {
        var byName = new Dictionary<string, TfNode>(StringComparer.Ordinal);
        foreach (var n in graph.Nodes) byName.TryAdd(n.Name, n);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(graph.Signatures.SelectMany(s => s.Outputs).Where(o => o.TensorName.Length > 0)
            .Select(o => TfNode.NodeOf(o.TensorName)));
        while (stack.Count > 0)
        {
            string name = stack.Pop();
            if (!seen.Add(name) || !byName.TryGetValue(name, out var node)) continue;
            foreach (string i in node.Inputs) stack.Push(TfNode.NodeOf(i));
        }

        return seen;
    }

    private static TfAttrValue TypeValue(TfDataType t) => new() { Kind = TfAttrKind.Type, Type = t };

    private sealed class Walk(TfWeightRewriter owner, TfVariable variable, Dequantization? dequantization)
    {
        private readonly Uses _uses = new();
        private readonly HashSet<(TfGraphContext, int)> _args = [];
        private readonly HashSet<(TfGraphContext, string, int)> _values = [];
        private readonly Dictionary<(TfGraphContext, string), string> _dequantized = [];

        private bool Applying => dequantization is not null;

        public Uses Run()
        {
            var main = owner._main;
            if (variable.NodeName is null || !main.ByName.TryGetValue(variable.NodeName, out var node))
            {
                _uses.Blockers.Add("the variable has no node in the graph");
                return _uses;
            }

            switch (node.Op)
            {
                case "VarHandleOp":
                    SetType(node, "dtype");
                    ResourceFlow(main, node.Name);
                    break;
                case "VariableV2" or "Variable":
                    SetType(node, "dtype");
                    RefFlow(main, node);
                    break;
                default:
                    _uses.Blockers.Add($"its node '{node.Name}' is a {node.Op}, not a variable");
                    return _uses;
            }

            foreach (var (fn, keys) in owner._captures)
            {
                if (!owner._functions.TryGetValue(fn, out var ctx)) continue;
                for (int j = 0; j < keys.Count; j++)
                {
                    if (keys[j] != variable.Name) continue;
                    int arg = ctx.Function!.Inputs.Count - keys.Count + j;
                    if (arg >= 0 && ctx.Function.Inputs[arg].DataType == TfDataType.Resource) ResourceArgument(ctx, arg);
                }
            }

            return _uses;
        }

        private void ResourceArgument(TfGraphContext ctx, int arg)
        {
            _uses.Bindings.Add((ctx.Function!.Name, arg));
            if (_args.Add((ctx, arg))) ResourceFlow(ctx, ctx.Function.Inputs[arg].Name);
        }

        private void ResourceFlow(TfGraphContext ctx, string producer)
        {
            foreach (var (c, i) in ctx.ConsumersOf(producer))
            {
                if (ctx.Removed.Contains(c)) continue;
                switch (c.Op)
                {
                    case "ReadVariableOp":
                        SetType(c, "dtype");
                        ValueFlow(ctx, c.Name, 0);
                        break;
                    case "AssignVariableOp":
                        SetType(c, "dtype");
                        Assigned(ctx, c);
                        break;
                    case "Identity":
                        ResourceFlow(ctx, c.Name);
                        break;
                    case var op when IgnoredResourceOps.Contains(op):
                        break;
                    case var op when CallOps.Contains(op):
                        if (Callee(ctx, c) is { } callee) ResourceArgument(callee, TfGraphContext.DataIndex(c, i));
                        break;
                    default:
                        _uses.Blockers.Add($"{c.Op} '{c.Name}' in {ctx.Label} uses the variable's handle directly");
                        break;
                }
            }
        }

        private void RefFlow(TfGraphContext main, TfNode variableNode)
        {
            foreach (var (c, i) in main.ConsumersOf(variableNode.Name))
            {
                if (main.Removed.Contains(c) || TfNode.OutputIndexOf(c.Inputs[i]) != 0) continue;
                int k = TfGraphContext.DataIndex(c, i);
                switch (c.Op)
                {
                    case var op when IdentityOps.Contains(op):
                        SetType(c, "T");
                        ValueFlow(main, c.Name, 0);
                        break;
                    case "Assign" when k == 0:
                        SetType(c, "T");
                        Assigned(main, c);
                        break;
                    case "SaveV2":
                        SetListType(c, "dtypes", k - 3);
                        break;
                    case "IsVariableInitialized":
                        SetType(c, "dtype");
                        break;
                    case var op when k == 0 && (op.StartsWith("Apply", StringComparison.Ordinal) || op.StartsWith("Scatter", StringComparison.Ordinal)
                                                || op is "AssignAdd" or "AssignSub" or "CountUpTo"):
                        if (Applying) main.Removed.Add(c);
                        break;
                    default:
                        Compute(main, c, i);
                        break;
                }
            }
        }

        private void ValueFlow(TfGraphContext ctx, string producer, int output)
        {
            if (!_values.Add((ctx, producer, output))) return;
            foreach (var (c, i) in ctx.ConsumersOf(producer))
            {
                if (ctx.Removed.Contains(c) || TfNode.OutputIndexOf(c.Inputs[i]) != output) continue;
                int k = TfGraphContext.DataIndex(c, i);
                switch (c.Op)
                {
                    case var op when IdentityOps.Contains(op):
                        SetType(c, "T");
                        ValueFlow(ctx, c.Name, 0);
                        break;
                    case "IdentityN":
                        SetListType(c, "T", k);
                        ValueFlow(ctx, c.Name, k);
                        break;
                    case "SaveV2":
                        SetListType(c, "dtypes", k - 3);
                        break;
                    case var op when CallOps.Contains(op):
                        if (Callee(ctx, c) is not { } callee) break;
                        SetListType(c, "Tin", k);
                        _uses.Bindings.Add((callee.Function!.Name, k));
                        if (k >= callee.Function.Inputs.Count)
                        {
                            _uses.Blockers.Add($"'{c.Name}' in {ctx.Label} passes more arguments than '{callee.Function.Name}' takes");
                            break;
                        }

                        if (Applying) callee.Function.Inputs[k].DataType = TfDataType.Int8;
                        if (_args.Add((callee, k))) ValueFlow(callee, callee.Function.Inputs[k].Name, 0);
                        break;
                    default:
                        Compute(ctx, c, i);
                        break;
                }
            }

            if (ctx.Function is { } f)
            {
                foreach (var (key, r) in f.Returns.ToList())
                {
                    if (TfNode.NodeOf(r) != producer || TfNode.OutputIndexOf(r) != output) continue;
                    _uses.Compute.Add(new ComputeSite(ctx, null, -1, key));
                    if (Applying) f.Returns[key] = Dequantize(ctx, r);
                }
            }
        }

        /// <summary>The value an Assign/AssignVariableOp writes: restored from the checkpoint (retype the plumbing) or an initializer (cast it to int8).</summary>
        private void Assigned(TfGraphContext ctx, TfNode assign)
        {
            int input = -1;
            for (int i = 0, k = 0; i < assign.Inputs.Count; i++)
            {
                if (assign.Inputs[i].StartsWith('^')) continue;
                if (k++ == 1) input = i;
            }

            if (input < 0)
            {
                _uses.Blockers.Add($"'{assign.Name}' in {ctx.Label} has no value input");
                return;
            }

            var chain = new List<TfNode>();
            string r = assign.Inputs[input];
            TfNode? p = ctx.ByName.GetValueOrDefault(TfNode.NodeOf(r));
            while (p is not null && IdentityOps.Contains(p.Op) && p.Inputs.Count > 0 && chain.Count < 64)
            {
                chain.Add(p);
                r = p.Inputs[0];
                p = ctx.ByName.GetValueOrDefault(TfNode.NodeOf(r));
            }

            if (p is { Op: "RestoreV2" })
            {
                foreach (var n in chain) SetType(n, "T");
                SetListType(p, "dtypes", TfNode.OutputIndexOf(r));
                return;
            }

            if (!Applying) return;
            string name = ctx.UniqueName(assign.Name + "/quantized_initial_value");
            ctx.Add(new TfNode
            {
                Name = name,
                Op = "Cast",
                Inputs = [assign.Inputs[input]],
                Attributes = new Dictionary<string, TfAttrValue>(StringComparer.Ordinal)
                {
                    ["SrcT"] = TypeValue(TfDataType.Float),
                    ["DstT"] = TypeValue(TfDataType.Int8),
                    ["Truncate"] = new TfAttrValue { Kind = TfAttrKind.Bool, Bool = false },
                },
            });
            assign.Inputs[input] = ctx.OutputRef(name, "y");
        }

        private TfGraphContext? Callee(TfGraphContext ctx, TfNode call)
        {
            var f = call.Attributes.TryGetValue("f", out var fa) && fa.Kind == TfAttrKind.Func ? fa.Func : null;
            if (f is not null && owner._functions.TryGetValue(f.Name, out var callee)) return callee;
            _uses.Blockers.Add($"'{call.Name}' in {ctx.Label} calls '{f?.Name}', which is not in the function library");
            return null;
        }

        private void Compute(TfGraphContext ctx, TfNode node, int input)
        {
            _uses.Compute.Add(new ComputeSite(ctx, node, input, null));
            if (Applying) node.Inputs[input] = Dequantize(ctx, node.Inputs[input]);
        }

        private void SetType(TfNode node, string attr)
        {
            if (Applying) node.Attributes[attr] = TypeValue(TfDataType.Int8);
        }

        private void SetListType(TfNode node, string attr, int index)
        {
            if (!node.Attributes.TryGetValue(attr, out var a) || a.Kind != TfAttrKind.List || index < 0 || index >= a.List!.Types.Count)
            {
                _uses.Blockers.Add($"'{node.Name}' ({node.Op}) has no type {index} in its '{attr}' list");
                return;
            }

            if (!Applying) return;
            var types = a.List.Types.ToArray();
            types[index] = TfDataType.Int8;
            node.Attributes[attr] = new TfAttrValue { Kind = TfAttrKind.List, List = new TfAttrList { Types = types } };
        }

        /// <summary>The reference to the dequantized value of <paramref name="source"/> in <paramref name="ctx"/> (made once).</summary>
        private string Dequantize(TfGraphContext ctx, string source)
        {
            if (_dequantized.TryGetValue((ctx, source), out var done)) return done;
            var dq = dequantization!;
            var compute = dq.Compute == TfComputeType.BFloat16 ? TfDataType.BFloat16 : TfDataType.Float;
            string baseName = ctx.UniqueName(TfNode.NodeOf(source) + "/dequantize");
            string scale = ctx.UniqueName(baseName + "/scale");
            string cast = ctx.UniqueName(baseName + "/cast");
            string mul = dq.Compute == TfComputeType.BFloat16 ? ctx.UniqueName(baseName + "/mul") : baseName;
            ctx.Add(new TfNode
            {
                Name = scale,
                Op = "Const",
                Attributes = new Dictionary<string, TfAttrValue>(StringComparer.Ordinal)
                {
                    ["dtype"] = TypeValue(compute),
                    ["value"] = new TfAttrValue { Kind = TfAttrKind.Tensor, Tensor = ScaleTensor(dq, compute) },
                },
            });
            ctx.Add(new TfNode
            {
                Name = cast,
                Op = "Cast",
                Inputs = [source],
                Attributes = new Dictionary<string, TfAttrValue>(StringComparer.Ordinal)
                {
                    ["SrcT"] = TypeValue(TfDataType.Int8),
                    ["DstT"] = TypeValue(compute),
                    ["Truncate"] = new TfAttrValue { Kind = TfAttrKind.Bool, Bool = false },
                },
            });
            ctx.Add(new TfNode
            {
                Name = mul,
                Op = "Mul",
                Inputs = [ctx.OutputRef(cast, "y"), ctx.OutputRef(scale, "output")],
                Attributes = new Dictionary<string, TfAttrValue>(StringComparer.Ordinal) { ["T"] = TypeValue(compute) },
            });
            string result = ctx.OutputRef(mul, "z");
            if (dq.Compute == TfComputeType.BFloat16)
            {
                ctx.Add(new TfNode
                {
                    Name = baseName,
                    Op = "Cast",
                    Inputs = [result],
                    Attributes = new Dictionary<string, TfAttrValue>(StringComparer.Ordinal)
                    {
                        ["SrcT"] = TypeValue(TfDataType.BFloat16),
                        ["DstT"] = TypeValue(TfDataType.Float),
                        ["Truncate"] = new TfAttrValue { Kind = TfAttrKind.Bool, Bool = false },
                    },
                });
                result = ctx.OutputRef(baseName, "y");
            }

            _dequantized[(ctx, source)] = result;
            return result;
        }

        private static TfTensor ScaleTensor(Dequantization dq, TfDataType type)
        {
            byte[] bytes;
            if (type == TfDataType.BFloat16)
            {
                bytes = new byte[dq.Scales.Length * 2];
                for (int i = 0; i < dq.Scales.Length; i++)
                {
                    ushort b = (ushort)(BitConverter.SingleToUInt32Bits(Int8WeightQuantizer.ToBFloat16(dq.Scales[i])) >> 16);
                    bytes[2 * i] = (byte)b;
                    bytes[(2 * i) + 1] = (byte)(b >> 8);
                }
            }
            else
            {
                bytes = MemoryMarshal.AsBytes(dq.Scales.AsSpan()).ToArray();
            }

            return new TfTensor
            {
                DataType = type,
                Shape = new TfShape(dq.ScaleShape.Select(d => (long)d).ToArray()),
                Content = bytes,
                IsDense = true,
            };
        }
    }
}
