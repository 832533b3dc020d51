using ModelOptimization.Core.Quantization;

namespace ModelOptimization.Core.Graph;

/// <summary>A tensor of a subgraph (TFLite <c>Tensor</c>): shape, type, buffer reference and parameters.</summary>
public sealed class Tensor
{
    /// <summary>The static shape (row-major, NHWC for images). Empty for scalars and unknown ranks.</summary>
    public int[] Shape { get; set; } = [];

    /// <summary>The shape with -1 for unknown dimensions, or null when the file has none.</summary>
    public int[]? ShapeSignature { get; set; }

    public TensorType Type { get; set; }

    /// <summary>Index into <see cref="Model.Buffers"/>; 0 is the empty sentinel (no constant data).</summary>
    public uint Buffer { get; set; }

    public string? Name { get; set; }

    public QuantizationParameters? Quantization { get; set; }

    public bool IsVariable { get; set; }

    public SparsityParameters? Sparsity { get; set; }

    /// <summary>Distinguishes scalars (true, shape []) from unknown rank (false, shape []).</summary>
    public bool HasRank { get; set; }

    public List<VariantSubType>? VariantTensors { get; set; }

    /// <summary>Reference to <see cref="Model.ExternalBuffers"/> by id; 0 = data in <see cref="Buffer"/>.</summary>
    public uint ExternalBuffer { get; set; }

    /// <summary>Number of elements of the static shape (1 for scalars).</summary>
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (int d in Shape) n *= Math.Max(d, 0);
            return n;
        }
    }

    public Tensor Clone() => new()
    {
        Shape = Shape.ToArray(),
        ShapeSignature = ShapeSignature?.ToArray(),
        Type = Type,
        Buffer = Buffer,
        Name = Name,
        Quantization = Quantization,
        IsVariable = IsVariable,
        Sparsity = Sparsity?.Clone(),
        HasRank = HasRank,
        VariantTensors = VariantTensors?.Select(v => v.Clone()).ToList(),
        ExternalBuffer = ExternalBuffer,
    };

    public override string ToString() => $"{Name} {TensorTypeInfo.ShortName(Type)}[{string.Join(", ", Shape)}]";
}
