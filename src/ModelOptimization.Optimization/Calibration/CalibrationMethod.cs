namespace ModelOptimization.Optimization.Calibration;

/// <summary>How an activation's quantization range is chosen from what calibration saw.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value over all samples (TFLite's converter).</summary>
    MinMax,

    /// <summary>
    /// An exponential moving average of each sample's min and max (constant
    /// <see cref="CalibrationOptions.MovingAverageConstant"/>), as ONNX Runtime's CalibMovingAverage and TF-MOT's
    /// MovingAverageQuantizer do: single outliers move the range less.
    /// </summary>
    MovingAverage,

    /// <summary>The range that holds <see cref="CalibrationOptions.Percentile"/> % of all values (tails cut equally).</summary>
    Percentile,

    /// <summary>The clipping range whose quantization has the smallest mean squared error over the value histogram.</summary>
    Mse,

    /// <summary>The clipping threshold that minimizes the KL divergence between the value histogram and its quantized form (TensorRT's entropy calibration).</summary>
    Entropy,
}
