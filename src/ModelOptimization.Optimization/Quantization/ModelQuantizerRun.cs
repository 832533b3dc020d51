using ModelOptimization.Core.Graph;
using ModelOptimization.Optimization.Calibration;

namespace ModelOptimization.Optimization.Quantization;

/// <summary>State shared by the subgraphs of one quantization run.</summary>
internal sealed class ModelQuantizerRun
{
    private readonly Dictionary<int, HashSet<string>> _names = [];

    public ModelQuantizerRun(Model model, QuantizationOptions options, CalibrationStatistics? statistics,
        IReadOnlyDictionary<(int Subgraph, int Operator), LayerHessian>? hessians = null)
    {
        Hessians = hessians;
        Model = model;
        Options = options;
        Statistics = statistics;
    }

    /// <summary>The model being rewritten (a clone of the input).</summary>
    public Model Model { get; }

    public QuantizationOptions Options { get; }

    public CalibrationStatistics? Statistics { get; }

    /// <summary>Input Hessians by (subgraph, operator) for adaptive weight rounding, or null.</summary>
    public IReadOnlyDictionary<(int Subgraph, int Operator), LayerHessian>? Hessians { get; }

    /// <summary>
    /// Quantized weights by source buffer: subgraphs (signatures) that share a float weight buffer share its
    /// quantized buffer too, instead of each storing a copy.
    /// </summary>
    public Dictionary<(uint Buffer, WeightSpec Spec), SharedWeight> SharedWeights { get; } = [];

    /// <summary>Float16/BFloat16 copies by source buffer, shared across subgraphs likewise.</summary>
    public Dictionary<(uint Buffer, Core.Graph.TensorType Type), uint> SharedReducedFloats { get; } = [];

    /// <summary>A tensor name not yet used in the subgraph (adds _2, _3 ... when taken).</summary>
    public string UniqueName(int subgraph, string name)
    {
        if (!_names.TryGetValue(subgraph, out var set))
        {
            _names[subgraph] = set = new HashSet<string>(Model.Subgraphs[subgraph].Tensors.Select(t => t.Name ?? ""), StringComparer.Ordinal);
        }

        string candidate = name;
        for (int i = 2; !set.Add(candidate); i++) candidate = $"{name}_{i}";
        return candidate;
    }
}

/// <summary>A quantized weight buffer and what a tensor needs to use it (blockwise: the scale buffer and its shape).</summary>
internal sealed record SharedWeight(uint Buffer, Core.Quantization.QuantizationParameters Parameters, float[] Scales, uint ScaleBuffer = 0, int[]? ScaleShape = null);
