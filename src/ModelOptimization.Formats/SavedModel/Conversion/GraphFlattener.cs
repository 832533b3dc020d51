using System.Globalization;
using ModelOptimization.Core.TensorFlow;

namespace ModelOptimization.Formats.SavedModel.Conversion;

/// <summary>
/// Builds the flat graph of one signature: walks back from the signature's outputs to its inputs through the main
/// graph, inlining <c>StatefulPartitionedCall</c>/<c>PartitionedCall</c> bodies from the function library
/// (arguments map to the call's inputs, captured resources to the variables passed in), resolving variables to
/// their saved values and dropping Identity-like nodes. Only nodes the outputs depend on are visited, so training
/// and saving ops elsewhere in the graph do not matter. The nodes come out in topological order.
/// </summary>
internal sealed class GraphFlattener
{
    /// <summary>The TensorFlow ops the lowering understands (besides the structural ones handled here).</summary>
    public static readonly IReadOnlySet<string> LoweredOps = new HashSet<string>(StringComparer.Ordinal)
    {
        "Const", "MatMul", "BatchMatMul", "BatchMatMulV2", "BatchMatMulV3", "Conv2D", "DepthwiseConv2dNative",
        "BiasAdd", "BiasAddV1", "Add", "AddV2", "Sub", "Mul", "RealDiv", "Maximum", "Minimum", "Relu", "Relu6",
        "Sigmoid", "Tanh", "Softmax", "MaxPool", "AvgPool", "Reshape", "Squeeze", "ExpandDims", "ConcatV2", "Mean",
        "Pad", "PadV2", "Transpose", "Cast", "FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3", "Shape",
        "StridedSlice", "Pack", "RandomUniform", "Floor", "Rsqrt", "Sqrt",
    };

    /// <summary>Ops that forward their input unchanged.</summary>
    public static readonly IReadOnlySet<string> PassThroughOps = new HashSet<string>(StringComparer.Ordinal)
    {
        "Identity", "Snapshot", "StopGradient", "PreventGradient", "EnsureShape", "CheckNumerics",
    };

    private static readonly string[] BatchNormOutputs = ["y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2", "reserve_space_3"];

    private readonly TfGraph _graph;
    private readonly TfSignature _signature;
    private readonly Dictionary<string, TfFunction> _functions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TfVariable> _variablesByNode = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TfVariable> _variablesByName = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Node, int Index), FlatNode> _signatureInputs = [];
    private readonly List<FlatNode> _nodes = [];
    private readonly Dictionary<TfVariable, FlatNode> _variableNodes = [];
    private readonly Scope _main;
    private int _depth;

    private GraphFlattener(TfGraph graph, TfSignature signature)
    {
        _graph = graph;
        _signature = signature;
        foreach (var f in graph.Functions) _functions.TryAdd(f.Name, f);
        foreach (var v in graph.Variables)
        {
            if (v.NodeName is { } n) _variablesByNode.TryAdd(n, v);
            if (v.VariableName is { } vn) _variablesByName.TryAdd(vn, v);
            _variablesByName.TryAdd(v.Name, v);
        }

        var byName = new Dictionary<string, TfNode>(StringComparer.Ordinal);
        foreach (var n in graph.Nodes) byName.TryAdd(n.Name, n);
        _main = new Scope(null, byName, null, "");
    }

    public List<FlatNode> Nodes => _nodes;

    public List<FlatNode> Inputs { get; } = [];

    public List<FlatRef> Outputs { get; } = [];

    /// <summary>Flattens <paramref name="signature"/> of <paramref name="graph"/>.</summary>
    public static GraphFlattener Flatten(TfGraph graph, TfSignature signature)
    {
        var f = new GraphFlattener(graph, signature);
        f.Run();
        return f;
    }

    private void Run()
    {
        for (int i = 0; i < _signature.Inputs.Count; i++)
        {
            var spec = _signature.Inputs[i];
            if (spec.IsComposite || spec.TensorName.Length == 0)
            {
                throw ConversionErrors.Unsupported($"signature '{_signature.Key}' input '{spec.Key}' is a sparse or composite tensor", spec.Key);
            }

            var (node, index) = ParseMainRef(spec.TensorName);
            var input = Add(new FlatNode
            {
                Name = spec.TensorName,
                Op = FlatNode.InputOp,
                Where = $"signature input '{spec.Key}'",
                InputIndex = i,
            });
            _signatureInputs[(node, index)] = input;
            Inputs.Add(input);
        }

        foreach (var spec in _signature.Outputs)
        {
            if (spec.IsComposite || spec.TensorName.Length == 0)
            {
                throw ConversionErrors.Unsupported($"signature '{_signature.Key}' output '{spec.Key}' is a sparse or composite tensor", spec.Key);
            }

            Outputs.Add(Resolve(_main, spec.TensorName));
        }
    }

    private FlatNode Add(FlatNode node)
    {
        node.Id = _nodes.Count;
        _nodes.Add(node);
        return node;
    }

    private static (string Node, int Index) ParseMainRef(string reference)
    {
        string r = reference.TrimStart('^');
        int colon = r.LastIndexOf(':');
        if (colon > 0 && int.TryParse(r.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int k)) return (r[..colon], k);
        return (r, 0);
    }

    /// <summary>Resolves a tensor reference (<c>node:k</c> in the main graph; <c>arg</c> or <c>node:out:k</c> in a function body).</summary>
    private FlatRef Resolve(Scope scope, string reference)
    {
        if (scope.Function is null)
        {
            var (name, index) = ParseMainRef(reference);
            if (_signatureInputs.TryGetValue((name, index), out var input)) return new FlatRef(input, 0);
            if (!scope.ByName.TryGetValue(name, out var node))
            {
                throw ConversionErrors.Structure($"the graph refers to '{reference}', but has no node '{name}'", reference);
            }

            return ResolveNode(scope, node, index);
        }

        var parts = reference.Split(':');
        if (parts.Length == 1)
        {
            if (scope.ArgIndex.TryGetValue(parts[0], out int arg)) return scope.ResolveArg(this, arg);
            if (scope.ByName.TryGetValue(parts[0], out var bare)) return ResolveNode(scope, bare, 0);
            throw ConversionErrors.Structure($"function '{scope.Function.Name}' refers to '{reference}', which is neither an argument nor a node", reference);
        }

        if (!scope.ByName.TryGetValue(parts[0], out var fnode))
        {
            throw ConversionErrors.Structure($"function '{scope.Function.Name}' refers to '{reference}', but has no node '{parts[0]}'", reference);
        }

        int k = parts.Length >= 3 && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out int kk) ? kk : 0;
        if (parts.Length == 2 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int k2)) return ResolveNode(scope, fnode, k2);
        int flat = fnode.Op.StartsWith("FusedBatchNorm", StringComparison.Ordinal) && Array.IndexOf(BatchNormOutputs, parts[1]) is int bn and >= 0 ? bn + k : k;
        return ResolveNode(scope, fnode, flat);
    }

    private FlatRef ResolveNode(Scope scope, TfNode node, int index)
    {
        if (++_depth > 20000) throw ConversionErrors.Structure("the graph is too deep to convert (more than 20,000 nested nodes)", node.Name);
        try
        {
            return ResolveNodeCore(scope, node, index);
        }
        finally
        {
            _depth--;
        }
    }

    private FlatRef ResolveNodeCore(Scope scope, TfNode node, int index)
    {
        var data = node.DataInputs.ToList();
        string op = node.Op;
        if (PassThroughOps.Contains(op))
        {
            if (data.Count == 0) throw ConversionErrors.Structure($"{Where(scope, node)} has no input", node.Name);
            return Resolve(scope, data[0]);
        }

        switch (op)
        {
            case "IdentityN":
                if (index >= data.Count) throw ConversionErrors.Structure($"{Where(scope, node)} has no input {index}", node.Name);
                return Resolve(scope, data[index]);
            case "PlaceholderWithDefault":
                return Resolve(scope, data[0]);
            case "StatefulPartitionedCall" or "PartitionedCall":
                return ResolveCall(scope, node, data, index);
            case "ReadVariableOp":
                return Resolve(scope, data[0]);
            case "VarHandleOp" or "VariableV2" or "Variable":
                return new FlatRef(VariableNode(scope, node), 0);
            case "Placeholder":
                throw ConversionErrors.InputMissing(
                    $"The outputs of signature '{_signature.Key}' depend on {Where(scope, node)}, which is not an input of the signature.", node.Name);
        }

        if (!LoweredOps.Contains(op)) throw ConversionErrors.OperatorNotSupported(op, Where(scope, node), node.Name);
        if (scope.Nodes.TryGetValue(node.Name, out var done)) return new FlatRef(done, index);
        if (!scope.InProgress.Add(node.Name)) throw ConversionErrors.Unsupported($"{Where(scope, node)} is part of a cycle (control flow is not supported)", node.Name);
        var attrs = scope.BindAttributes(node, Where(scope, node));
        var inputs = new List<FlatRef>(data.Count);
        foreach (string d in data) inputs.Add(Resolve(scope, d));
        var flat = new FlatNode
        {
            Name = scope.Prefix + node.Name,
            Op = op,
            Where = Where(scope, node),
            Attributes = attrs,
        };
        flat.Inputs.AddRange(inputs);
        Add(flat);
        scope.InProgress.Remove(node.Name);
        scope.Nodes[node.Name] = flat;
        return new FlatRef(flat, index);
    }

    private FlatRef ResolveCall(Scope scope, TfNode node, List<string> data, int index)
    {
        if (!scope.Calls.TryGetValue(node.Name, out var callee))
        {
            var f = node.Attributes.TryGetValue("f", out var fa) && fa.Kind == TfAttrKind.Func ? fa.Func : null;
            if (f is null || !_functions.TryGetValue(f.Name, out var fn))
            {
                throw ConversionErrors.Structure($"{Where(scope, node)} calls '{f?.Name}', which is not in the function library", node.Name);
            }

            if (fn.Inputs.Count != data.Count)
            {
                throw ConversionErrors.Structure($"{Where(scope, node)} passes {data.Count} arguments to '{fn.Name}', which takes {fn.Inputs.Count}", node.Name);
            }

            var byName = new Dictionary<string, TfNode>(StringComparer.Ordinal);
            foreach (var n in fn.Nodes) byName.TryAdd(n.Name, n);
            callee = new Scope(fn, byName, new CallArgs(scope, data), scope.Prefix + node.Name + "/")
            {
                FunctionAttributes = f.Attributes,
            };
            scope.Calls[node.Name] = callee;
        }

        var fnc = callee.Function!;
        if (index >= fnc.Outputs.Count) throw ConversionErrors.Structure($"{Where(scope, node)} has no output {index}", node.Name);
        string outName = fnc.Outputs[index].Name;
        if (!fnc.Returns.TryGetValue(outName, out var ret))
        {
            throw ConversionErrors.Structure($"function '{fnc.Name}' does not return its output '{outName}'", fnc.Name);
        }

        return Resolve(callee, ret);
    }

    private FlatNode VariableNode(Scope scope, TfNode node)
    {
        TfVariable? v = null;
        if (scope.Function is null) _variablesByNode.TryGetValue(node.Name, out v);
        if (v is null && node.Attributes.TryGetValue("shared_name", out var sn) && sn.String is { Length: > 0 } shared) _variablesByName.TryGetValue(shared, out v);
        if (v is null && scope.Function is null) _variablesByName.TryGetValue(node.Name, out v);
        if (v is null)
        {
            throw ConversionErrors.Structure($"{Where(scope, node)} is a variable without a saved value in the checkpoint", node.Name);
        }

        if (_variableNodes.TryGetValue(v, out var existing)) return existing;
        var flat = Add(new FlatNode
        {
            Name = v.VariableName ?? v.NodeName ?? v.Name,
            Op = FlatNode.VariableOp,
            Where = $"variable '{v.Name}'",
            Variable = v,
        });
        _variableNodes[v] = flat;
        return flat;
    }

    private static string Where(Scope scope, TfNode node)
        => scope.Function is null ? $"node '{node.Name}' ({node.Op})" : $"node '{node.Name}' ({node.Op}) in function '{scope.Function.Name}'";

    /// <summary>The arguments of one call: resolved in the caller's scope when first needed.</summary>
    private sealed class CallArgs(Scope caller, List<string> references)
    {
        public Scope Caller { get; } = caller;

        public List<string> References { get; } = references;

        public FlatRef?[] Resolved { get; } = new FlatRef?[references.Count];
    }

    /// <summary>The main graph, or one inlined call of a function.</summary>
    private sealed class Scope
    {
        public Scope(TfFunction? function, Dictionary<string, TfNode> byName, CallArgs? args, string prefix)
        {
            Function = function;
            ByName = byName;
            Args = args;
            Prefix = prefix;
            if (function is not null)
            {
                for (int i = 0; i < function.Inputs.Count; i++) ArgIndex.TryAdd(function.Inputs[i].Name, i);
            }
        }

        public TfFunction? Function { get; }

        public Dictionary<string, TfNode> ByName { get; }

        public CallArgs? Args { get; }

        public string Prefix { get; }

        public IReadOnlyDictionary<string, TfAttrValue>? FunctionAttributes { get; init; }

        public Dictionary<string, int> ArgIndex { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, FlatNode> Nodes { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Scope> Calls { get; } = new(StringComparer.Ordinal);

        public HashSet<string> InProgress { get; } = new(StringComparer.Ordinal);

        public FlatRef ResolveArg(GraphFlattener owner, int index)
        {
            var args = Args!;
            if (args.Resolved[index] is { } r) return r;
            var resolved = owner.Resolve(args.Caller, args.References[index]);
            args.Resolved[index] = resolved;
            return resolved;
        }

        /// <summary>The node's attributes with function-attribute placeholders (<c>$T</c>) bound from the call.</summary>
        public IReadOnlyDictionary<string, TfAttrValue> BindAttributes(TfNode node, string where)
        {
            if (!node.Attributes.Values.Any(a => a.Kind == TfAttrKind.Placeholder)) return node.Attributes;
            var bound = new Dictionary<string, TfAttrValue>(node.Attributes, StringComparer.Ordinal);
            foreach (var (key, value) in node.Attributes)
            {
                if (value.Kind != TfAttrKind.Placeholder) continue;
                if (FunctionAttributes is null || !FunctionAttributes.TryGetValue(value.Placeholder ?? "", out var v))
                {
                    throw ConversionErrors.Structure($"{where}: attribute '{key}' is the function parameter '{value.Placeholder}', which the call does not set", node.Name);
                }

                bound[key] = v;
            }

            return bound;
        }
    }
}
