namespace ModelOptimization.PowerShell.Model;

using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;

/// <summary>
/// One tensor of a model as <c>Get-ModelTensor</c> writes it: shape, type, role (input, output, constant,
/// variable), quantization parameters, sparsity and size.
/// </summary>
public sealed class ModelTensor
{
    /// <summary>Index of the tensor in its subgraph.</summary>
    public int Index { get; init; }

    /// <summary>The subgraph the tensor belongs to.</summary>
    public int Subgraph { get; init; }

    /// <summary>The tensor name (empty when the file has none).</summary>
    public string Name { get; init; } = "";

    /// <summary>The static shape.</summary>
    public int[] Shape { get; init; } = [];

    /// <summary>The shape with -1 for dynamic dimensions, or null when the file has none.</summary>
    public int[]? ShapeSignature { get; init; }

    /// <summary>The element type.</summary>
    public TensorType DataType { get; init; }

    /// <summary>True when the tensor is an input of its subgraph.</summary>
    public bool IsInput { get; init; }

    /// <summary>True when the tensor is an output of its subgraph.</summary>
    public bool IsOutput { get; init; }

    /// <summary>True when the tensor holds constant data.</summary>
    public bool IsConstant { get; init; }

    /// <summary>True for variable tensors (state, e.g. of an LSTM).</summary>
    public bool IsVariable { get; init; }

    /// <summary>The quantization scales (one, or one per channel), or null.</summary>
    public float[]? Scale { get; init; }

    /// <summary>The quantization zero points, or null.</summary>
    public long[]? ZeroPoint { get; init; }

    /// <summary>The quantized dimension of per-channel parameters, or null when not per-channel.</summary>
    public int? QuantizedDimension { get; init; }

    /// <summary>How the quantization parameters are laid out (<c>None</c> for float tensors).</summary>
    public QuantizationGranularity Granularity { get; init; }

    /// <summary>The full quantization parameters, or null when the tensor is not quantized (no scale, no min/max).</summary>
    public QuantizationParameters? Quantization { get; init; }

    /// <summary>A sparsity summary, e.g. <c>sparse (1 CSR dim, block 1x4)</c>, or null for dense tensors.</summary>
    public string? Sparsity { get; init; }

    /// <summary>
    /// Bytes of the tensor: the length of its constant data for constant tensors, otherwise the dense size its
    /// shape and type take at run time (0 when the type has no fixed width).
    /// </summary>
    public long SizeBytes { get; init; }

    /// <summary>The model the tensor belongs to.</summary>
    public Model Model { get; init; } = null!;

    /// <summary>The view of tensor <paramref name="index"/> of subgraph <paramref name="subgraph"/>.</summary>
    public static ModelTensor Of(Model model, int subgraph, int index)
    {
        var sg = model.Subgraphs[subgraph];
        var t = sg.Tensors[index];
        bool constant = model.IsConstant(t);
        var q = t.Quantization;
        var granularity = q?.Granularity ?? QuantizationGranularity.None;
        return new ModelTensor
        {
            Index = index,
            Subgraph = subgraph,
            Name = t.Name ?? "",
            Shape = t.Shape.ToArray(),
            ShapeSignature = t.ShapeSignature?.ToArray(),
            DataType = t.Type,
            IsInput = sg.Inputs.Contains(index),
            IsOutput = sg.Outputs.Contains(index),
            IsConstant = constant,
            IsVariable = t.IsVariable,
            Scale = q?.Scale?.ToArray(),
            ZeroPoint = q?.ZeroPoint?.ToArray(),
            QuantizedDimension = granularity == QuantizationGranularity.PerChannel ? q!.QuantizedDimension : null,
            Granularity = granularity,
            Quantization = granularity == QuantizationGranularity.None ? null : q,
            Sparsity = t.Sparsity?.ToString(),
            SizeBytes = constant ? model.DataOf(t).Length : Math.Max(0, TensorTypeInfo.ByteCount(t.Type, t.ElementCount)),
            Model = model,
        };
    }

    /// <summary>E.g. <c>[0:3] conv2d/Conv2D float32[32, 3, 3, 1] constant</c>.</summary>
    public override string ToString()
    {
        string role = IsInput ? " input" : IsOutput ? " output" : IsConstant ? " constant" : IsVariable ? " variable" : "";
        string quant = Quantization is null ? "" : " " + Quantization;
        return $"[{Subgraph}:{Index}] {Name} {TensorTypeInfo.ShortName(DataType)}[{string.Join(", ", Shape)}]{role}{quant}";
    }
}
