using ModelOptimization.Core.Graph;

namespace ModelOptimization.Runtime.Execution;

/// <summary>The value of a resource variable: what the last ASSIGN_VARIABLE stored.</summary>
internal sealed class ResourceVariable(TensorType type, int[] shape, byte[] data)
{
    public TensorType Type { get; } = type;

    public int[] Shape { get; } = shape;

    public byte[] Data { get; } = data;
}
