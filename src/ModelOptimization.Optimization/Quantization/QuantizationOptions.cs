using ModelOptimization.Core.Data;
using ModelOptimization.Core.Errors;
using ModelOptimization.Optimization.Calibration;

namespace ModelOptimization.Optimization.Quantization;

/// <summary>Settings of one <see cref="ModelQuantizer.Quantize"/> run. Immutable.</summary>
public sealed record QuantizationOptions
{
    public QuantizationMode Mode { get; init; } = QuantizationMode.DynamicRange;

    /// <summary>Weight scale layout (default per channel). Blockwise only with <see cref="QuantizationMode.WeightOnly"/>.</summary>
    public WeightGranularity Granularity { get; init; } = WeightGranularity.PerChannel;

    /// <summary>Weight bits for <see cref="QuantizationMode.WeightOnly"/>: 8 (default) or 4.</summary>
    public int WeightBits { get; init; } = 8;

    /// <summary>Block size for <see cref="WeightGranularity.Blockwise"/>: 32 (default), 64, 128 or 256.</summary>
    public int BlockSize { get; init; } = 32;

    /// <summary>Type of the model inputs for modes that quantize activations (default float32).</summary>
    public IoType InputType { get; init; } = IoType.Float32;

    /// <summary>Type of the model outputs for modes that quantize activations (default float32).</summary>
    public IoType OutputType { get; init; } = IoType.Float32;

    /// <summary>Samples to calibrate on (FullInteger, Int16x8) when no <see cref="Statistics"/> are given.</summary>
    public IDataset? CalibrationData { get; init; }

    /// <summary>Statistics of an earlier calibration of the same model (reused instead of running the data again).</summary>
    public CalibrationStatistics? Statistics { get; init; }

    /// <summary>How calibration runs and how ranges are chosen.</summary>
    public CalibrationOptions Calibration { get; init; } = new();

    /// <summary>An op that must stay float (no integer kernel) is an error instead of a warning.</summary>
    public bool Strict { get; init; }

    /// <summary>
    /// Weights with fewer elements stay float (TFLite's dynamic-range quantizer uses 1024; the default 0 quantizes all).
    /// </summary>
    public int MinWeightElements { get; init; }

    /// <summary>
    /// FullInteger/Int16x8: correct each bias for the mean shift its weights' quantization error causes (using the
    /// calibrated mean of every input channel), as NNCF and AIMET do; the TFLite converter does not. Default true.
    /// </summary>
    public bool BiasCorrection { get; init; } = true;

    /// <summary>
    /// How weights are rounded once their scales are fixed (default <see cref="WeightRounding.Nearest"/>).
    /// <see cref="WeightRounding.Adaptive"/> (GPTQ) needs <see cref="CalibrationData"/> in every mode, to sum each
    /// CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED input's Hessian; other ops round to nearest.
    /// </summary>
    public WeightRounding WeightRounding { get; init; } = WeightRounding.Nearest;

    /// <summary>Ignore the model's plan (exclusion rules) and quantize every layer the mode can.</summary>
    public bool IgnorePlan { get; init; }

    /// <summary>True for modes that quantize activations and therefore need calibration.</summary>
    public static bool NeedsCalibration(QuantizationMode mode) => mode is QuantizationMode.FullInteger or QuantizationMode.Int16x8;

    /// <summary>Throws <see cref="ErrorIds.ParameterCombinationInvalid"/> for settings that cannot work together.</summary>
    public void Validate()
    {
        static ModelOptimizationException Bad(string message, string action)
            => new(ErrorIds.ParameterCombinationInvalid, ErrorKind.InvalidArgument, message, null, action);

        if (!Enum.IsDefined(Mode)) throw Bad($"Unknown quantization mode {Mode}.", "Use one of " + string.Join(", ", Enum.GetNames<QuantizationMode>()) + ".");
        if (WeightBits is not (8 or 4)) throw Bad($"-WeightBits {WeightBits} is not supported.", "Use -WeightBits 8 or 4.");
        if (WeightBits == 4 && Mode != QuantizationMode.WeightOnly)
            throw Bad($"-WeightBits 4 works only with -Mode WeightOnly, not {Mode}.", "Use -Mode WeightOnly -WeightBits 4, or omit -WeightBits.");
        if (Granularity == WeightGranularity.Blockwise)
        {
            if (Mode != QuantizationMode.WeightOnly)
                throw Bad($"-Granularity Blockwise works only with -Mode WeightOnly, not {Mode}.", "Use -Mode WeightOnly -Granularity Blockwise, or -Granularity PerChannel.");
            if (WeightBits != 4)
                throw Bad("-Granularity Blockwise needs -WeightBits 4: LiteRT reads blockwise weights only as int4 (XNNPACK rejects int8 blockwise, and DEQUANTIZE ignores block scales).",
                    "Use -WeightBits 4 with -Granularity Blockwise, or -Granularity PerChannel for 8-bit weights.");
            if (BlockSize is not (32 or 64 or 128 or 256))
                throw Bad($"-BlockSize {BlockSize} is not supported.", "Use -BlockSize 32, 64, 128 or 256.");
        }

        if (Mode is QuantizationMode.Float16 or QuantizationMode.BFloat16 && Granularity != WeightGranularity.PerChannel)
            throw Bad($"-Granularity does not apply to -Mode {Mode} (every constant is converted).", "Omit -Granularity.");

        bool activations = NeedsCalibration(Mode);
        if (!activations && (InputType != IoType.Float32 || OutputType != IoType.Float32))
            throw Bad($"-InputType/-OutputType apply only to FullInteger and Int16x8, not {Mode}: its activations stay float32.", "Omit -InputType and -OutputType, or use -Mode FullInteger.");
        if (Mode == QuantizationMode.FullInteger && (InputType == IoType.Int16 || OutputType == IoType.Int16))
            throw Bad("Int16 inputs/outputs need -Mode Int16x8.", "Use Int8, UInt8 or Float32 with FullInteger.");
        if (Mode == QuantizationMode.Int16x8 && (InputType is IoType.Int8 or IoType.UInt8 || OutputType is IoType.Int8 or IoType.UInt8))
            throw Bad("Int16x8 models take and give int16 (or float32), not 8-bit values.", "Use -InputType/-OutputType Int16 or Float32.");
        if (activations && CalibrationData is null && Statistics is null)
            throw Bad($"-Mode {Mode} quantizes activations and needs their ranges: give -CalibrationData (samples) or -CalibrationStatistics.",
                "Pass a few hundred representative samples with -CalibrationData, or statistics from Get-CalibrationStatistics.");
        if (!Enum.IsDefined(WeightRounding)) throw Bad($"Unknown weight rounding {WeightRounding}.", "Use Nearest or Adaptive.");
        if (WeightRounding == WeightRounding.Adaptive)
        {
            if (Mode is QuantizationMode.Float16 or QuantizationMode.BFloat16)
                throw Bad($"-WeightRounding Adaptive does not apply to -Mode {Mode} (weights are converted, not rounded to integer levels).", "Omit -WeightRounding.");
            if (Granularity == WeightGranularity.Blockwise)
                throw Bad("-WeightRounding Adaptive works with -Granularity PerChannel or PerTensor, not Blockwise.", "Use -Granularity PerChannel, or -WeightRounding Nearest.");
            if (CalibrationData is null)
                throw Bad($"-WeightRounding Adaptive needs -CalibrationData (samples) to measure each layer's inputs; statistics alone do not hold them"
                    + (NeedsCalibration(Mode) ? "." : $", and -Mode {Mode} does not calibrate otherwise."),
                    "Pass a few dozen representative samples with -CalibrationData, or use -WeightRounding Nearest.");
        }

        if (MinWeightElements < 0) throw Bad("MinWeightElements must not be negative.", "Use 0 or more.");
        try
        {
            Calibration.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw Bad(e.Message, "Fix the calibration setting.");
        }
    }
}
