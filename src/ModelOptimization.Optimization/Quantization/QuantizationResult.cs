using ModelOptimization.Core.Graph;
using ModelOptimization.Optimization.Calibration;

namespace ModelOptimization.Optimization.Quantization;

/// <summary>The result of <see cref="ModelQuantizer.Quantize"/>: the new model and what happened to each layer.</summary>
public sealed class QuantizationResult
{
    public QuantizationResult(Model model, IReadOnlyList<LayerQuantizationReport> layers, CalibrationStatistics? statistics)
    {
        Model = model;
        Layers = layers;
        Statistics = statistics;
    }

    /// <summary>The quantized model; its <see cref="Model.Source"/> is the input model.</summary>
    public Model Model { get; }

    /// <summary>One report per layer of the input model, in graph order.</summary>
    public IReadOnlyList<LayerQuantizationReport> Layers { get; }

    /// <summary>The calibration statistics used (null for modes without activations).</summary>
    public CalibrationStatistics? Statistics { get; }

    /// <summary>All layer warnings, each prefixed with its layer.</summary>
    public IEnumerable<string> Warnings => Layers.SelectMany(l => l.Warnings.Select(w => $"{l.OpType} '{l.Name}': {w}"));

    public override string ToString()
        => $"{Model.Name}: {Layers.Count(l => l.Decision == LayerQuantizationDecision.Quantized)} quantized, "
           + $"{Layers.Count(l => l.Decision == LayerQuantizationDecision.Float)} float, {Layers.Count(l => l.Decision == LayerQuantizationDecision.Unchanged)} unchanged";
}
