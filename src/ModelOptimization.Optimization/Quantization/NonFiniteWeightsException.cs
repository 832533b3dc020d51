namespace ModelOptimization.Optimization.Quantization;

/// <summary>A weight holds NaN or infinity: the layer stays float (thrown before the graph is changed).</summary>
internal sealed class NonFiniteWeightsException(string? tensor) : Exception($"the weight '{tensor}' holds NaN or infinity")
{
    public string? Tensor { get; } = tensor;
}
