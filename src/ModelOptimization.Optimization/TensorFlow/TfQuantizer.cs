using System.Runtime.InteropServices;
using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.TensorFlow;
using ModelOptimization.Optimization.Quantization;

namespace ModelOptimization.Optimization.TensorFlow;

/// <summary>
/// Dynamic-range weight quantization of a SavedModel's TensorFlow graph ("bf16 × int8" for TensorFlow): every float
/// model variable with at least <see cref="TfQuantizationOptions.MinWeightElements"/> elements becomes an int8
/// variable (symmetric, per output channel or per tensor) and each of its uses reads
/// <c>Cast(int8 → float32|bfloat16) · scales</c> (then <c>Cast → float32</c> for bfloat16), built from standard ops
/// so stock TensorFlow loads and runs the result. The checkpoint shrinks about 4×. The input model is not changed;
/// the result remembers it as its <see cref="Model.Source"/>. Write the result with <c>SavedModelGraphWriter</c>
/// (ModelOptimization.Formats), which writes the edited graph as well as the variables.
/// </summary>
public static class TfQuantizer
{
    /// <summary>Quantizes the weights of <paramref name="savedModel"/>; see <see cref="Quantize"/>.</summary>
    public static Model QuantizeDynamicRange(Model savedModel, TfQuantizationOptions? options = null) => Quantize(savedModel, options).Model;

    /// <summary>
    /// Quantizes the weights of <paramref name="savedModel"/> and reports, per float variable, whether it became int8
    /// and why not. Output-channel axes: Conv2D filter axis 3 (HWIO), DepthwiseConv2dNative axes 2 and 3 (HWIM),
    /// MatMul the output axis (1, or 0 with transpose_b), BatchMatMul the last (or second-last with adj_y); a weight
    /// whose layers disagree, or used by other ops, is quantized per tensor.
    /// </summary>
    /// <exception cref="ModelOptimizationException">UnsupportedModelFormat (not a SavedModel), ParameterCombinationInvalid (blockwise granularity).</exception>
    public static TfQuantizationResult Quantize(Model savedModel, TfQuantizationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(savedModel);
        options ??= new TfQuantizationOptions();
        if (savedModel.TensorFlowGraph is null)
        {
            throw new ModelOptimizationException(ErrorIds.UnsupportedModelFormat, ErrorKind.InvalidArgument,
                $"The model '{savedModel.Name}' has no TensorFlow graph; TensorFlow weight quantization needs a model read from a SavedModel.",
                savedModel.Name, "Quantize TFLite models with Invoke-Quantization (ModelQuantizer).");
        }

        if (options.Granularity is not (WeightGranularity.PerChannel or WeightGranularity.PerTensor))
        {
            throw new ModelOptimizationException(ErrorIds.ParameterCombinationInvalid, ErrorKind.InvalidArgument,
                $"Granularity {options.Granularity} is not available for TensorFlow graphs.", options.Granularity, "Use PerChannel or PerTensor.");
        }

        if (!Enum.IsDefined(options.ComputeType))
        {
            throw new ModelOptimizationException(ErrorIds.ParameterCombinationInvalid, ErrorKind.InvalidArgument,
                $"Unknown compute type {options.ComputeType}.", options.ComputeType, "Use Float32 or BFloat16.");
        }

        var result = savedModel.Clone();
        var graph = result.TensorFlowGraph!;
        var plan = options.Plan ?? savedModel.Plan;
        var rewriter = new TfWeightRewriter(graph, options.FunctionCaptures);
        var floats = FloatWeights(graph);
        var uses = floats.ToDictionary(v => v, rewriter.Analyze);
        var layerRefs = LayerRefs(floats, uses);

        // A function argument that receives two different variables cannot hold one variable's scales.
        var bound = new Dictionary<(string, int), HashSet<TfVariable>>();
        foreach (var (v, u) in uses)
        {
            foreach (var b in u.Bindings)
            {
                if (!bound.TryGetValue(b, out var set)) bound[b] = set = [];
                set.Add(v);
            }
        }

        var reports = new List<TfWeightReport>();
        foreach (var v in floats)
        {
            var u = uses[v];
            var layers = u.Compute.Where(s => s.IsInference && s.Node is not null).Select(s => s.Node!.Name).Distinct().ToList();
            long before = v.Data.Length;
            string? reason = null;
            if (!v.Shape.IsFullyDefined) reason = $"its shape {v.Shape} is not fully defined";
            else if (v.ElementCount < options.MinWeightElements) reason = $"it has fewer than {options.MinWeightElements} elements";
            else if (v.Data.Length != v.ElementCount * 4) reason = "its saved value does not match its shape";
            else if (u.Blockers.Count > 0) reason = u.Blockers[0];
            else if (u.Bindings.FirstOrDefault(b => bound[b].Count > 1) is var (fn, arg) && fn is not null)
                reason = $"argument {arg} of function '{fn}' also receives another variable";
            else if (Excluded(plan, v, u, layerRefs) is { } rule) reason = $"excluded by the plan ({rule})";

            var shape = v.Shape.Dimensions?.ToArray() ?? [];
            if (reason is not null)
            {
                reports.Add(new TfWeightReport(v.Name, shape, false, "", layers, reason, before, before));
                continue;
            }

            var dims = shape.Select(d => checked((int)d)).ToArray();
            var axes = options.Granularity == WeightGranularity.PerTensor ? [] : ChannelAxes(u, dims.Length);
            var q = Int8WeightQuantizer.Quantize(MemoryMarshal.Cast<byte, float>(v.Data.Span), dims, axes, options.ComputeType);
            rewriter.Apply(v, new TfWeightRewriter.Dequantization(options.ComputeType, q.Scales, q.ScaleShape));
            v.Data = MemoryMarshal.AsBytes(q.Values.AsSpan()).ToArray();
            v.DataType = TfDataType.Int8;
            long scaleBytes = q.Scales.Length * (options.ComputeType == TfComputeType.BFloat16 ? 2 : 4);
            string granularity = axes.Length == 0 ? "per-tensor" : $"per-channel (axis {string.Join(",", axes)})";
            reports.Add(new TfWeightReport(v.Name, shape, true, granularity, layers, null, before, q.Values.Length + scaleBytes));
        }

        rewriter.Finish();
        int count = reports.Count(r => r.Quantized);
        result.Source = savedModel;
        result.SourcePath = null;
        result.FileSize = 0;
        result.Plan = plan.Clone();
        result.Transform = $"Quantization DynamicRange (TensorFlow int8 weights, {(options.ComputeType == TfComputeType.BFloat16 ? "bfloat16" : "float32")} compute, "
                           + $"{count} of {reports.Count} weights)";
        return new TfQuantizationResult(result, reports);
    }

    /// <summary>
    /// The layers of <paramref name="savedModel"/>'s graph that exclusion rules match (besides the variables
    /// themselves, op type <c>Variable</c>): every node the signatures run that computes with a float model variable,
    /// once per node name and op type, numbered in order. Pass the same <paramref name="functionCaptures"/> as to
    /// <see cref="Quantize"/>.
    /// </summary>
    public static IReadOnlyList<TfLayer> Layers(Model savedModel, IReadOnlyDictionary<string, IReadOnlyList<string>>? functionCaptures = null)
    {
        ArgumentNullException.ThrowIfNull(savedModel);
        if (savedModel.TensorFlowGraph is not { } graph) return [];
        var rewriter = new TfWeightRewriter(graph, functionCaptures);
        var floats = FloatWeights(graph);
        var uses = floats.ToDictionary(v => v, rewriter.Analyze);
        var refs = LayerRefs(floats, uses);
        var variables = new Dictionary<(string, string), List<TfVariable>>();
        foreach (var v in floats)
        {
            foreach (var key in InferenceLayers(uses[v]))
            {
                if (!variables.TryGetValue(key, out var list)) variables[key] = list = [];
                if (!list.Contains(v)) list.Add(v);
            }
        }

        return refs.Values.OrderBy(r => r.Index)
            .Select(r => new TfLayer(r, variables[(r.Name, r.OpType)].Select(v => v.Name).ToArray(), variables[(r.Name, r.OpType)].Sum(v => v.ElementCount)))
            .ToArray();
    }

    private static List<TfVariable> FloatWeights(TfGraph graph)
        => graph.Variables.Where(v => TfDataTypeInfo.BaseType(v.DataType) == TfDataType.Float && !v.IsTrainingState).ToList();

    private static IEnumerable<(string Name, string Op)> InferenceLayers(TfWeightRewriter.Uses uses)
        => uses.Compute.Where(s => s.IsInference && s.Node is not null).Select(s => (s.Node!.Name, s.Node.Op)).Distinct();

    private static Dictionary<(string, string), LayerRef> LayerRefs(List<TfVariable> floats, Dictionary<TfVariable, TfWeightRewriter.Uses> uses)
    {
        var refs = new Dictionary<(string, string), LayerRef>();
        foreach (var v in floats)
        {
            foreach (var (name, op) in InferenceLayers(uses[v])) refs.TryAdd((name, op), new LayerRef(0, refs.Count, name, op));
        }

        return refs;
    }

    private static string? Excluded(QuantizationPlan plan, TfVariable v, TfWeightRewriter.Uses uses, Dictionary<(string, string), LayerRef> layers)
    {
        foreach (var name in new[] { v.Name, v.VariableName, v.NodeName }.OfType<string>().Distinct())
        {
            var d = plan.Decide(new LayerRef(0, -1, name, "Variable"));
            if (d.Excluded) return d.Rule?.ToString() ?? "excluded";
        }

        foreach (var key in InferenceLayers(uses))
        {
            var d = plan.Decide(layers[key]);
            if (d.Excluded) return d.Rule?.ToString() ?? "excluded";
        }

        return null;
    }

    /// <summary>The output-channel axes the inference layers agree on, or none (per tensor).</summary>
    private static int[] ChannelAxes(TfWeightRewriter.Uses uses, int rank)
    {
        int[]? agreed = null;
        foreach (var site in uses.Compute.Where(s => s.IsInference && s.Node is not null))
        {
            var axes = WeightAxes(site.Node!, TfGraphContext.DataIndex(site.Node!, site.Input), rank);
            if (axes is null) continue;
            if (agreed is null) agreed = axes;
            else if (!agreed.SequenceEqual(axes)) return [];
        }

        return agreed is not null && agreed.All(a => a >= 0 && a < rank) ? agreed : [];
    }

    private static bool Flag(TfNode node, string name) => node.Attributes.TryGetValue(name, out var a) && a.Kind == TfAttrKind.Bool && a.Bool;

    /// <summary>The output-channel axes of a weight used as input <paramref name="input"/> of <paramref name="node"/>; null when the op says nothing.</summary>
    private static int[]? WeightAxes(TfNode node, int input, int rank) => (node.Op, input) switch
    {
        ("Conv2D", 1) when rank == 4 => [3],
        ("Conv3D", 1) when rank == 5 => [4],
        ("DepthwiseConv2dNative", 1) when rank == 4 => [2, 3],
        ("Conv2DBackpropInput", 2) => null,
        ("Conv2DBackpropInput", 1) when rank == 4 => [2],
        ("MatMul", 1) when rank == 2 => Flag(node, "transpose_b") ? [0] : [1],
        ("MatMul", 0) when rank == 2 => Flag(node, "transpose_a") ? [1] : [0],
        ("BatchMatMul" or "BatchMatMulV2" or "BatchMatMulV3", 1) when rank >= 2 => Flag(node, "adj_y") ? [rank - 2] : [rank - 1],
        ("BatchMatMul" or "BatchMatMulV2" or "BatchMatMulV3", 0) when rank >= 2 => Flag(node, "adj_x") ? [rank - 1] : [rank - 2],
        ("GatherV2" or "Gather" or "ResourceGather", 0) => [0],
        _ => null,
    };
}
