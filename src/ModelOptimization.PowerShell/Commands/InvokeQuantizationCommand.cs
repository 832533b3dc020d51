using System.Management.Automation;

namespace ModelOptimization.PowerShell.Commands;

using ModelOptimization.Core.Data;
using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Datasets;
using ModelOptimization.Formats.SavedModel.Conversion;
using ModelOptimization.Optimization.Calibration;
using ModelOptimization.Optimization.Debugging;
using ModelOptimization.Optimization.Quantization;
using ModelOptimization.Optimization.TensorFlow;

/// <summary>
/// <c>Invoke-Quantization</c>: post-training quantization. Writes a new model per input (its <c>Source</c> is the
/// input model, which is not changed) that carries the per-layer report (<c>QuantizationReport</c>) and the
/// calibration statistics used (<c>CalibrationStatistics</c>) as note properties. A SavedModel is quantized in its
/// TensorFlow graph (-Mode DynamicRange only: int8 weights, <c>TfQuantizer</c>); its note property
/// <c>QuantizationReport</c> holds one <c>TfWeightReport</c> per float variable.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "Quantization")]
[OutputType(typeof(Model))]
public sealed class InvokeQuantizationCommand : ModelCmdletBase
{
    private const int ProgressId = 40;
    private QuantizationOptions _options = new();
    private ModelOptimizationException? _tfliteOptionsInvalid; // SavedModels are checked on their own

    /// <summary>The float model to quantize.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public Model InputObject { get; set; } = null!;

    /// <summary>What to quantize and how.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public QuantizationMode Mode { get; set; }

    /// <summary>Weight scale layout.</summary>
    [Parameter]
    public WeightGranularity Granularity { get; set; } = WeightGranularity.PerChannel;

    /// <summary>Weight bits for -Mode WeightOnly.</summary>
    [Parameter]
    [ValidateSet("8", "4")]
    public int WeightBits { get; set; } = 8;

    /// <summary>Elements per block for -Granularity Blockwise.</summary>
    [Parameter]
    [ValidateSet("32", "64", "128", "256")]
    public int BlockSize { get; set; } = 32;

    /// <summary>Type of the model inputs (FullInteger, Int16x8).</summary>
    [Parameter]
    public IoType InputType { get; set; } = IoType.Float32;

    /// <summary>Type of the model outputs (FullInteger, Int16x8).</summary>
    [Parameter]
    public IoType OutputType { get; set; } = IoType.Float32;

    /// <summary>Samples to calibrate activations on: a dataset from Import-Dataset, one sample or an array of samples.</summary>
    [Parameter]
    [Alias("Dataset")]
    public object? CalibrationData { get; set; }

    /// <summary>Statistics of an earlier calibration of the same model (Get-CalibrationStatistics).</summary>
    [Parameter]
    public CalibrationStatistics? CalibrationStatistics { get; set; }

    /// <summary>How activation ranges are chosen.</summary>
    [Parameter]
    public CalibrationMethod CalibrationMethod { get; set; } = CalibrationMethod.MinMax;

    /// <summary>For -CalibrationMethod Percentile: the share of values kept.</summary>
    [Parameter]
    [ValidateRange(50.0, 100.0)]
    public double Percentile { get; set; } = 99.99;

    /// <summary>At most this many calibration samples.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int CalibrationSamples { get; set; }

    /// <summary>Weights with fewer elements stay float.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MinWeightElements { get; set; }

    /// <summary>Keep biases as TFLite's converter does (no correction for the weights' quantization error).</summary>
    [Parameter]
    public SwitchParameter NoBiasCorrection { get; set; }

    /// <summary>How weights are rounded at fixed scales: Nearest (default) or Adaptive (GPTQ, needs -CalibrationData).</summary>
    [Parameter]
    public WeightRounding WeightRounding { get; set; } = WeightRounding.Nearest;

    /// <summary>SavedModels only: the type int8 weights are dequantized to at run time (default Float32).</summary>
    [Parameter]
    public TfComputeType ComputeType { get; set; } = TfComputeType.Float32;

    /// <summary>Fail (OperatorNotQuantizable) instead of leaving an op float.</summary>
    [Parameter]
    public SwitchParameter Strict { get; set; }

    /// <summary>Accuracy-aware: exclude the most harmful layers until the first output's SQNR (dB) against the float model reaches this.</summary>
    [Parameter]
    public double TargetSqnrDb { get; set; }

    /// <summary>Accuracy-aware: exclude layers until top-1 accuracy on labelled -ValidationData drops at most this many percentage points.</summary>
    [Parameter]
    [ValidateRange(0.0, 100.0)]
    public double MaxAccuracyDrop { get; set; }

    /// <summary>Accuracy-aware: the samples the targets are measured on (default: -CalibrationData).</summary>
    [Parameter]
    public object? ValidationData { get; set; }

    /// <summary>Accuracy-aware: exclude at most this many layers.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int MaxExcludedLayers { get; set; }

    private bool AccuracyAware => IsBound(nameof(TargetSqnrDb)) || IsBound(nameof(MaxAccuracyDrop));

    protected override void BeginProcessing()
    {
        if (!AccuracyAware && (IsBound(nameof(ValidationData)) || IsBound(nameof(MaxExcludedLayers))))
        {
            ThrowModelError(InvalidCombination("-ValidationData and -MaxExcludedLayers apply to accuracy-aware quantization only.",
                "Add -TargetSqnrDb or -MaxAccuracyDrop, or drop them."));
        }

        if (AccuracyAware && ValidationData is null && CalibrationData is null)
        {
            ThrowModelError(InvalidCombination("Accuracy-aware quantization (-TargetSqnrDb, -MaxAccuracyDrop) needs samples to measure on.",
                "Give -ValidationData (labelled for -MaxAccuracyDrop) or -CalibrationData."));
        }

        _options = new QuantizationOptions
        {
            Mode = Mode,
            Granularity = Granularity,
            WeightBits = WeightBits,
            BlockSize = BlockSize,
            InputType = InputType,
            OutputType = OutputType,
            Statistics = CalibrationStatistics,
            Calibration = new CalibrationOptions
            {
                Method = CalibrationMethod,
                Percentile = Percentile,
                MaxSamples = MyInvocation.BoundParameters.ContainsKey(nameof(CalibrationSamples)) ? CalibrationSamples : null,
            },
            MinWeightElements = MinWeightElements,
            BiasCorrection = !NoBiasCorrection,
            WeightRounding = WeightRounding,
            Strict = Strict,
        };

        try
        {
            // The data are converted per model (they must fit its inputs); a placeholder checks the combination now.
            (_options with { CalibrationData = CalibrationData is null ? null : new InMemoryDataset([]) }).Validate();
        }
        catch (ModelOptimizationException ex)
        {
            _tfliteOptionsInvalid = ex;
        }

        if (IsBound(nameof(ComputeType)) && Mode != QuantizationMode.DynamicRange)
        {
            ThrowModelError(InvalidCombination($"-ComputeType applies to -Mode DynamicRange of a SavedModel only, not to -Mode {Mode}.",
                "Drop -ComputeType, or use -Mode DynamicRange on a SavedModel.", ComputeType));
        }

        if (CalibrationData is not null && !QuantizationOptions.NeedsCalibration(Mode) && WeightRounding != WeightRounding.Adaptive)
        {
            WriteVerbose($"-Mode {Mode} quantizes no activations; -CalibrationData is used only by plan rules that ask for FullInteger or Int16x8.");
        }
    }

    protected override void ProcessRecord()
    {
        ThrowIfStopping();
        var model = InputObject;
        if (model.Format == ModelFormat.SavedModel)
        {
            QuantizeSavedModel(model);
            return;
        }

        if (_tfliteOptionsInvalid is not null) ThrowModelError(_tfliteOptionsInvalid);
        if (IsBound(nameof(ComputeType)))
        {
            WriteModelError(InvalidCombination($"-ComputeType applies to SavedModels only; '{model.Name}' is a {model.Format} model.",
                "Drop -ComputeType (TFLite dynamic-range kernels compute in float32).", model), model);
            return;
        }

        var options = _options;
        if (CalibrationData is not null && (options.Statistics is null || options.WeightRounding == WeightRounding.Adaptive))
        {
            try
            {
                options = options with { CalibrationData = ToDataset(CalibrationData, model) };
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteModelError(ex, CalibrationData, ErrorIds.CalibrationDataInvalid, ErrorCategory.InvalidData);
                return;
            }
        }

        if (AccuracyAware)
        {
            QuantizeToTarget(model, options);
            return;
        }

        WriteVerbose($"Quantizing '{model.Name}' ({Mode}).");
        var progress = new QuantizationProgressReporter(this, ProgressId, $"Invoke-Quantization: {model.Name}");
        QuantizationResult result;
        try
        {
            result = ModelQuantizer.Quantize(model, options, progress, CancellationToken);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteModelError(ex, model, ErrorIds.ParameterCombinationInvalid, ErrorCategory.InvalidOperation);
            return;
        }
        finally
        {
            progress.Complete();
        }

        WriteObject(Annotate(result));
    }

    private PSObject Annotate(QuantizationResult result)
    {
        foreach (var layer in result.Layers)
        {
            WriteVerbose($"{layer.Index} {layer.OpType} '{layer.Name}': {layer.Decision} — {layer.Reason}");
            foreach (var w in layer.Warnings) WriteWarning($"{layer.OpType} '{layer.Name}' (layer {layer.Index}): {w}");
        }

        var output = PSObject.AsPSObject(result.Model);
        output.Properties.Add(new PSNoteProperty("QuantizationReport", result.Layers.ToArray()));
        output.Properties.Add(new PSNoteProperty("CalibrationStatistics", result.Statistics));
        WriteVerbose($"'{result.Model.Name}': {result}.");
        return output;
    }

    /// <summary>Accuracy-aware quantization: greedy exclusion (AccuracyAwareQuantizer) until the target holds.</summary>
    private void QuantizeToTarget(Model model, QuantizationOptions options)
    {
        IDataset validation;
        try
        {
            validation = ToDataset(ValidationData ?? CalibrationData, model);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteModelError(ex, ValidationData ?? CalibrationData, ErrorIds.InputDataInvalid, ErrorCategory.InvalidData);
            return;
        }

        var target = new AccuracyTarget
        {
            MinSqnrDb = IsBound(nameof(TargetSqnrDb)) ? TargetSqnrDb : null,
            MaxAccuracyDrop = IsBound(nameof(MaxAccuracyDrop)) ? MaxAccuracyDrop : null,
            MaxExcludedLayers = IsBound(nameof(MaxExcludedLayers)) ? MaxExcludedLayers : null,
        };
        WriteVerbose($"Quantizing '{model.Name}' ({Mode}) to the target {target}.");
        var activity = $"Invoke-Quantization: {model.Name} (accuracy-aware)";
        var progress = new StatusProgress(this, ProgressId, activity);
        AccuracyAwareResult result;
        try
        {
            result = AccuracyAwareQuantizer.Quantize(model, options, validation, target, progress, CancellationToken);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteModelError(ex, model, ErrorIds.AccuracyTargetUnreachable, ErrorCategory.LimitsExceeded);
            return;
        }
        finally
        {
            WriteProgress(new ProgressRecord(ProgressId, activity, "Done") { RecordType = ProgressRecordType.Completed });
        }

        foreach (var step in result.Steps) WriteInformation(new InformationRecord(step.ToString(), "Invoke-Quantization") { Tags = { "AccuracyAware" } });
        WriteInformation(new InformationRecord($"'{model.Name}': {result}.", "Invoke-Quantization") { Tags = { "AccuracyAware" } });
        var output = Annotate(result.Result);
        output.Properties.Add(new PSNoteProperty("AccuracyAware", result));
        WriteObject(output);
    }

    /// <summary>Status lines of a long library call as one progress record (only from the pipeline thread, at most every 200 ms).</summary>
    private sealed class StatusProgress(Cmdlet cmdlet, int id, string activity) : IProgress<string>
    {
        private readonly int _thread = Environment.CurrentManagedThreadId;
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();

        public void Report(string value)
        {
            if (Environment.CurrentManagedThreadId != _thread || _clock.ElapsedMilliseconds < 200) return;
            _clock.Restart();
            cmdlet.WriteProgress(new ProgressRecord(id, activity, value) { PercentComplete = -1 });
        }
    }

    /// <summary>Dynamic-range quantization of a SavedModel's TensorFlow graph (int8 variables, dequantized at run time).</summary>
    private void QuantizeSavedModel(Model model)
    {
        if (Mode != QuantizationMode.DynamicRange)
        {
            WriteModelError(InvalidCombination(
                $"Model '{model.Name}' is a SavedModel: its TensorFlow graph can be quantized with -Mode DynamicRange only, not {Mode}.",
                "Use -Mode DynamicRange, or convert it first: Export-Model -Format Tflite, then Import-Model the .tflite and quantize that.", model), model);
            return;
        }

        var unused = new[] { nameof(WeightBits), nameof(BlockSize), nameof(InputType), nameof(OutputType), nameof(CalibrationData),
            nameof(CalibrationStatistics), nameof(NoBiasCorrection), nameof(WeightRounding), nameof(Strict), nameof(TargetSqnrDb), nameof(MaxAccuracyDrop) }.Where(IsBound).ToArray();
        if (unused.Length > 0 || Granularity is not (WeightGranularity.PerChannel or WeightGranularity.PerTensor))
        {
            string what = unused.Length > 0 ? string.Join(", ", unused.Select(p => "-" + p)) : $"-Granularity {Granularity}";
            WriteModelError(InvalidCombination($"{what}: not available for SavedModel '{model.Name}' (TensorFlow dynamic-range quantization).",
                "For a SavedModel use -Granularity PerChannel|PerTensor, -ComputeType and -MinWeightElements only.", model), model);
            return;
        }

        var tfOptions = new TfQuantizationOptions
        {
            ComputeType = ComputeType,
            Granularity = Granularity,
            FunctionCaptures = SavedModelFunctionCaptures.Of(model),
        };
        if (IsBound(nameof(MinWeightElements))) tfOptions = tfOptions with { MinWeightElements = MinWeightElements };

        WriteVerbose($"Quantizing the TensorFlow graph of SavedModel '{model.Name}' (DynamicRange, {ComputeType} compute, {Granularity}).");
        TfQuantizationResult result;
        try
        {
            result = TfQuantizer.Quantize(model, tfOptions);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteModelError(ex, model, ErrorIds.ParameterCombinationInvalid, ErrorCategory.InvalidOperation);
            return;
        }

        foreach (var w in result.Weights) WriteVerbose($"{w} — {w.BytesBefore:N0} → {w.BytesAfter:N0} bytes.");
        var output = PSObject.AsPSObject(result.Model);
        output.Properties.Add(new PSNoteProperty("QuantizationReport", result.Weights.ToArray()));
        WriteVerbose($"'{result.Model.Name}': {result.Model.Transform}; float variables {result.CompressionRatio:0.00}× smaller.");
        WriteObject(output);
    }

    private bool IsBound(string parameter) => MyInvocation.BoundParameters.ContainsKey(parameter);
}
