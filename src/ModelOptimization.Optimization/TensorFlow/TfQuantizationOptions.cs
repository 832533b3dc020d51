using ModelOptimization.Core.Quantization;
using ModelOptimization.Optimization.Quantization;

namespace ModelOptimization.Optimization.TensorFlow;

/// <summary>Settings of one <see cref="TfQuantizer.QuantizeDynamicRange"/> run. Immutable.</summary>
public sealed record TfQuantizationOptions
{
    /// <summary>The type the int8 weights are dequantized to at run time (default float32).</summary>
    public TfComputeType ComputeType { get; init; } = TfComputeType.Float32;

    /// <summary>One scale per output channel (default) or per weight tensor. Blockwise is not available for TensorFlow graphs.</summary>
    public WeightGranularity Granularity { get; init; } = WeightGranularity.PerChannel;

    /// <summary>
    /// Exclusion rules (null: the model's own <c>Plan</c>). Layers are the graph nodes that consume a weight, named by
    /// node name with their TensorFlow op type (e.g. <c>dense_1/MatMul</c>, <c>MatMul</c>); a rule may also name the
    /// variable itself (checkpoint key or variable name, op type <c>Variable</c>). A weight stays float when a rule
    /// excludes any of its layers or the variable.
    /// </summary>
    public QuantizationPlan? Plan { get; init; }

    /// <summary>Weights with fewer elements stay float (default 1024, as TFLite's dynamic-range quantizer; biases stay float).</summary>
    public long MinWeightElements { get; init; } = 1024;

    /// <summary>
    /// The variables bound to functions that no call in the graph reaches (TF2 Keras <c>__call__</c> traces), from
    /// <c>SavedModelFunctionCaptures.Of(model)</c> in ModelOptimization.Formats. With them those functions are
    /// rewritten too; without them they keep reading float and fail if called (the signatures work either way).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? FunctionCaptures { get; init; }
}
