using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;

namespace ModelOptimization.Runtime;

/// <summary>An input or output of the interpreted subgraph: name, shape, element type and quantization.</summary>
public sealed class TensorInfo
{
    public TensorInfo(string name, int[] shape, TensorType dataType, QuantizationParameters? quantization, int tensorIndex,
        int[]? shapeSignature = null, string? signatureName = null)
    {
        Name = name;
        Shape = shape;
        DataType = dataType;
        Quantization = quantization;
        TensorIndex = tensorIndex;
        ShapeSignature = shapeSignature;
        SignatureName = signatureName;
    }

    /// <summary>The tensor's name in the model.</summary>
    public string Name { get; }

    /// <summary>The static shape the interpreter runs with.</summary>
    public int[] Shape { get; }

    public TensorType DataType { get; }

    public QuantizationParameters? Quantization { get; }

    /// <summary>Index of the tensor in its subgraph.</summary>
    public int TensorIndex { get; }

    /// <summary>The model's shape signature (-1 = dynamic), if any.</summary>
    public int[]? ShapeSignature { get; }

    /// <summary>The tensor's alias in the selected signature, if any.</summary>
    public string? SignatureName { get; }

    /// <summary>Number of elements of <see cref="Shape"/>.</summary>
    public int ElementCount => Shape.Aggregate(1, (a, d) => a * d);

    public override string ToString()
        => $"{Name} {TensorTypeInfo.ShortName(DataType)}[{string.Join(", ", Shape)}]" + (Quantization is { IsQuantized: true } q ? $" {q}" : "");
}
