namespace ModelOptimization.PowerShell.Model;

using ModelOptimization.Core.Graph;

/// <summary>
/// One input or output of a layer, as <see cref="ModelLayer.Inputs"/> and <see cref="ModelLayer.Outputs"/> list
/// them: the tensor's index, name, shape, type and a quantization summary. An absent optional input (-1 in the
/// file) keeps its position with <see cref="Index"/> -1.
/// </summary>
public sealed class ModelLayerTensor
{
    /// <summary>Index of the tensor in its subgraph; -1 for an absent optional input.</summary>
    public int Index { get; init; }

    /// <summary>The tensor name; null for an absent optional input.</summary>
    public string? Name { get; init; }

    /// <summary>The static shape.</summary>
    public int[] Shape { get; init; } = [];

    /// <summary>The element type; null for an absent optional input.</summary>
    public TensorType? DataType { get; init; }

    /// <summary>True when the tensor holds constant data (weights, biases, constant shapes).</summary>
    public bool IsConstant { get; init; }

    /// <summary>A quantization summary (e.g. <c>per-tensor s=0.0039 zp=-128</c>), or null when not quantized.</summary>
    public string? Quantization { get; init; }

    /// <summary>The view of tensor <paramref name="index"/> of subgraph <paramref name="subgraph"/> (-1: absent).</summary>
    public static ModelLayerTensor Of(Model model, int subgraph, int index)
    {
        var sg = model.Subgraphs[subgraph];
        if (index < 0 || index >= sg.Tensors.Count) return new ModelLayerTensor { Index = index };
        var t = sg.Tensors[index];
        return new ModelLayerTensor
        {
            Index = index,
            Name = t.Name,
            Shape = t.Shape.ToArray(),
            DataType = t.Type,
            IsConstant = model.IsConstant(t),
            Quantization = t.Quantization is { Granularity: not Core.Quantization.QuantizationGranularity.None } q ? q.ToString() : null,
        };
    }

    /// <summary>E.g. <c>conv2d/Relu float32[1, 26, 26, 32]</c> or <c>(none)</c>.</summary>
    public override string ToString() => DataType is null
        ? "(none)"
        : $"{Name} {TensorTypeInfo.ShortName(DataType.Value)}[{string.Join(", ", Shape)}]{(Quantization is null ? "" : " " + Quantization)}";
}
