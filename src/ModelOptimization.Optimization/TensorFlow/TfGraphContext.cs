using System.Globalization;
using ModelOptimization.Core.TensorFlow;

namespace ModelOptimization.Optimization.TensorFlow;

/// <summary>
/// The main graph or one function body of a TensorFlow graph, with what a rewrite needs: nodes by name, the data
/// consumers of every node (and argument), and unique names for new nodes. Tensor references are <c>node:k</c> in
/// the main graph and <c>node:out_arg:k</c> or <c>arg</c> in function bodies.
/// </summary>
internal sealed class TfGraphContext
{
    private readonly Dictionary<string, List<(TfNode Node, int Input)>> _consumers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    public TfGraphContext(TfFunction? function, List<TfNode> nodes)
    {
        Function = function;
        Nodes = nodes;
        foreach (var n in nodes)
        {
            ByName.TryAdd(n.Name, n);
            _names.Add(n.Name);
            for (int i = 0; i < n.Inputs.Count; i++)
            {
                if (n.Inputs[i].StartsWith('^')) continue;
                string producer = TfNode.NodeOf(n.Inputs[i]);
                if (!_consumers.TryGetValue(producer, out var list)) _consumers[producer] = list = [];
                list.Add((n, i));
            }
        }

        if (function is not null) foreach (var a in function.Inputs) _names.Add(a.Name);
    }

    public TfFunction? Function { get; }

    public List<TfNode> Nodes { get; }

    public bool IsFunction => Function is not null;

    public Dictionary<string, TfNode> ByName { get; } = new(StringComparer.Ordinal);

    public HashSet<TfNode> Removed { get; } = [];

    /// <summary>Nodes the signatures depend on (main graph); null means all (function bodies).</summary>
    public HashSet<string>? InferenceNodes { get; set; }

    public string Label => Function is null ? "the graph" : $"function '{Function.Name}'";

    public bool IsInference(TfNode node) => InferenceNodes is null || InferenceNodes.Contains(node.Name);

    /// <summary>The data consumers of a node or argument, as (node, index into its inputs).</summary>
    public IReadOnlyList<(TfNode Node, int Input)> ConsumersOf(string producer)
        => _consumers.TryGetValue(producer, out var list) ? list : [];

    /// <summary>The position of input <paramref name="input"/> among the node's data inputs.</summary>
    public static int DataIndex(TfNode node, int input)
    {
        int k = 0;
        for (int i = 0; i < input; i++) if (!node.Inputs[i].StartsWith('^')) k++;
        return k;
    }

    /// <summary>A name no node or argument has yet, based on <paramref name="name"/>.</summary>
    public string UniqueName(string name)
    {
        string candidate = name;
        for (int k = 1; _names.Contains(candidate); k++) candidate = $"{name}_{k}";
        _names.Add(candidate);
        return candidate;
    }

    /// <summary>The reference to the first value of output argument <paramref name="outArg"/> of a node.</summary>
    public string OutputRef(string node, string outArg) => IsFunction ? $"{node}:{outArg}:0" : node;

    public void Add(TfNode node)
    {
        Nodes.Add(node);
        ByName[node.Name] = node;
    }
}
