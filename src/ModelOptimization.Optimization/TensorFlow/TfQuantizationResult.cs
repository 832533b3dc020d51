using ModelOptimization.Core.Graph;

namespace ModelOptimization.Optimization.TensorFlow;

/// <summary>The quantized SavedModel and what happened to each float variable.</summary>
public sealed record TfQuantizationResult(Model Model, IReadOnlyList<TfWeightReport> Weights)
{
    /// <summary>Bytes of all float variables before over after (≈ 4 when every large weight was quantized).</summary>
    public double CompressionRatio
    {
        get
        {
            long after = Weights.Sum(w => w.BytesAfter);
            return after == 0 ? 1 : (double)Weights.Sum(w => w.BytesBefore) / after;
        }
    }
}
