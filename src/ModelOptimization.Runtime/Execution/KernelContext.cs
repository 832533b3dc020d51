using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Runtime.Execution;

/// <summary>
/// What an operator kernel sees of its node: its inputs, outputs, options, version and the interpreter
/// settings. One context per node, used both in prepare and in eval.
/// </summary>
internal sealed class KernelContext
{
    public KernelContext(SubgraphExecutor graph, int index, Operator op, OperatorCode code)
    {
        Graph = graph;
        Index = index;
        Op = op;
        Code = code;
    }

    public SubgraphExecutor Graph { get; }

    /// <summary>The operator's index in its subgraph.</summary>
    public int Index { get; }

    public Operator Op { get; }

    public OperatorCode Code { get; }

    public int Version => Code.Version;

    public string OpName => Code.Name;

    public OperatorOptions? Options => Op.BuiltinOptions;

    public int InputCount => Op.Inputs.Length;

    public int OutputCount => Op.Outputs.Length;

    public int Threads => Graph.Session.ThreadCount;

    public CancellationToken CancellationToken => Graph.Session.CancellationToken;

    /// <summary>True when the node must use the scalar reference kernels.</summary>
    public bool UseReference => Graph.Session.UseReferenceKernels;

    /// <summary>True when 8-bit nodes the XNNPACK delegate would take must reproduce its float requantization.</summary>
    public bool LiteRtArithmetic => Graph.Session.QuantizedArithmetic == QuantizedArithmetic.LiteRt;

    /// <summary>True while the node is re-prepared during invoke (all input values are available).</summary>
    public bool Evaluating { get; internal set; }

    /// <summary>Set by a kernel whose output shapes depend on input values not known in prepare.</summary>
    internal bool RequestedDynamic { get; private set; }

    public RuntimeTensor Input(int i)
    {
        if (i >= Op.Inputs.Length || Op.Inputs[i] < 0) throw NotSupported($"input {i} is missing");
        return Graph.Tensors[Op.Inputs[i]];
    }

    /// <summary>An optional input (-1 or absent) as null.</summary>
    public RuntimeTensor? OptionalInput(int i)
        => i < Op.Inputs.Length && Op.Inputs[i] >= 0 ? Graph.Tensors[Op.Inputs[i]] : null;

    public RuntimeTensor Output(int i)
    {
        if (i >= Op.Outputs.Length || Op.Outputs[i] < 0) throw NotSupported($"output {i} is missing");
        return Graph.Tensors[Op.Outputs[i]];
    }

    /// <summary>True when the tensor's value can be read now (always during eval; constants in prepare).</summary>
    public bool HasValue(RuntimeTensor t) => Evaluating || t.IsConstantValue;

    /// <summary>Sets an output's shape (and sizes its buffer when it is dynamic and we are evaluating).</summary>
    public void SetOutputShape(int i, int[] shape)
    {
        var t = Output(i);
        t.Shape = shape;
        if (Evaluating && t.Storage == TensorStorage.Dynamic) t.EnsureOwned();
    }

    /// <summary>Marks the outputs as dynamic: their shapes are computed when the node runs.</summary>
    public void SetOutputsDynamic() => RequestedDynamic = true;

    /// <summary>Throws OperatorNotSupported unless <paramref name="condition"/> holds.</summary>
    public void Require(bool condition, string detail)
    {
        if (!condition) throw NotSupported(detail);
    }

    /// <summary>An OperatorNotSupported error naming the op, version, types and operator index.</summary>
    public ModelOptimizationException NotSupported(string detail)
    {
        string types = DescribeTypes();
        string where = Graph.SubgraphIndex == 0 ? $"operator {Index}" : $"operator {Index} of subgraph {Graph.SubgraphIndex}";
        return new ModelOptimizationException(ErrorIds.OperatorNotSupported, ErrorKind.NotImplemented,
            $"{OpName} version {Version} ({where}, types {types}) is not supported: {detail}.",
            $"{OpName} v{Version} #{Index}",
            "Use a model whose operators the interpreter supports, or run it in TFLite/LiteRT.");
    }

    public string DescribeTypes()
    {
        string Ts(int[] idx) => string.Join(",", idx.Select(i => i < 0 || i >= Graph.Tensors.Length
            ? "none" : TensorTypeInfo.ShortName(Graph.Tensors[i].Type)));
        return $"({Ts(Op.Inputs)}) -> ({Ts(Op.Outputs)})";
    }

    /// <summary>The fused activation of the node's options (NONE when it has none).</summary>
    public ActivationFunctionType FusedActivation => Options?.FusedActivation ?? ActivationFunctionType.NONE;

    public int GetInt(string field, int fallback = 0) => Options?.GetInt32(field, fallback) ?? fallback;

    public bool GetBool(string field, bool fallback = false) => Options?.GetBoolean(field, fallback) ?? fallback;

    public float GetFloat(string field, float fallback = 0) => Options?.GetSingle(field, fallback) ?? fallback;
}
