using ModelOptimization.Core.Graph;

namespace ModelOptimization.Optimization.TensorFlow;

/// <summary>
/// A layer of a SavedModel's TensorFlow graph as the quantization plan sees it: a node the signatures run that
/// computes with a float model variable (e.g. <c>dense_1/MatMul</c>, op type <c>MatMul</c>).
/// </summary>
/// <param name="Layer">Name (the node name), TensorFlow op type and position in <see cref="TfQuantizer.Layers"/>'s list; subgraph 0.</param>
/// <param name="Variables">The checkpoint keys of the float variables the node reads.</param>
/// <param name="ParameterCount">Elements of those variables.</param>
public sealed record TfLayer(LayerRef Layer, IReadOnlyList<string> Variables, long ParameterCount)
{
    public override string ToString() => $"{Layer.Name} {Layer.OpType} ({string.Join(", ", Variables)})";
}
