using ModelOptimization.Core.Graph;

namespace ModelOptimization.Optimization.Quantization;

/// <summary>How one constant weight is quantized: element type, scale layout, channel axis, block size.</summary>
internal sealed record WeightSpec(TensorType Type, WeightGranularity Granularity, int Axis, int BlockSize = 0)
{
    /// <summary>Largest magnitude of the symmetric range: 127 for int8 (narrow range), 7 for int4.</summary>
    public int QMax => Type == TensorType.Int4 ? 7 : 127;

    /// <summary>Smallest quantized value: −127 for int8 (narrow), −8 for int4 (full range, as AI Edge Quantizer).</summary>
    public int QMin => Type == TensorType.Int4 ? -8 : -127;
}

/// <summary>A weight that was replaced by its quantized form.</summary>
internal sealed record QuantizedWeight(int Tensor, float[] Scales, int Axis);
