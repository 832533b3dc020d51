using System.Management.Automation;

namespace ModelOptimization.PowerShell.Commands;

using ModelOptimization.Core.Data;
using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Datasets;
using ModelOptimization.Formats.SavedModel.Conversion;
using ModelOptimization.Optimization.Debugging;
using ModelOptimization.Optimization.TensorFlow;
using ModelOptimization.PowerShell.Debugging;

/// <summary>
/// <c>Measure-QuantizationError</c>: the quantization debugger. Runs a quantized model and its float twin on the same
/// samples and writes one <see cref="LayerErrorRecord"/> per quantized layer (graph order, named as Get-ModelLayer and
/// Set-LayerExclusion name layers), a per-output summary (with -Summary as objects, otherwise on the information
/// stream), and optionally a plot and the layers worth excluding.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "QuantizationError")]
[OutputType(typeof(LayerErrorRecord), typeof(OutputErrorSummary))]
public sealed class MeasureQuantizationErrorCommand : ModelCmdletBase
{
    private const int ProgressId = 50;

    /// <summary>The quantized model (from Invoke-Quantization, or imported from disk with -Reference).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public Model InputObject { get; set; } = null!;

    /// <summary>The float model it was made from; default: the quantized model's Source.</summary>
    [Parameter]
    [ValidateNotNull]
    public Model? Reference { get; set; }

    /// <summary>Float samples for the reference model: a dataset from Import-Dataset, one sample or an array of samples.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("Input", "CalibrationData")]
    public object Dataset { get; set; } = null!;

    /// <summary>Accumulated (end to end, errors propagate) or Isolated (each op on the float model's inputs).</summary>
    [Parameter]
    public ErrorMeasurementMode Mode { get; set; } = ErrorMeasurementMode.Accumulated;

    /// <summary>Use at most this many samples.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int MaxSamples { get; set; }

    /// <summary>Write the per-output summary objects instead of the layer records.</summary>
    [Parameter]
    public SwitchParameter Summary { get; set; }

    /// <summary>Write only the layers worth excluding (RmseOverScale above -Threshold, or SQNR below -MinSqnrDb for float outputs).</summary>
    [Parameter]
    public SwitchParameter SuggestExclusion { get; set; }

    /// <summary>With -SuggestExclusion: the RMSE/scale above which a layer is suggested.</summary>
    [Parameter]
    [ValidateRange(0.0, double.MaxValue)]
    public double Threshold { get; set; } = QuantizationDebugger.DefaultRmseOverScaleThreshold;

    /// <summary>With -SuggestExclusion: the SQNR (dB) below which a layer without an output scale is suggested.</summary>
    [Parameter]
    public double MinSqnrDb { get; set; } = QuantizationDebugger.DefaultMinSqnrDb;

    /// <summary>Also give every channel's weight scale and zero point (WeightScales, WeightZeroPoints).</summary>
    [Parameter]
    public SwitchParameter PerChannelDetail { get; set; }

    /// <summary>Draw per-layer RMSE/scale and SQNR into this PNG file.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Plot { get; set; }

    /// <summary>Threads the interpreter may use.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThreadCount { get; set; }

    protected override void ProcessRecord()
    {
        ThrowIfStopping();
        var quantized = InputObject;
        var reference = Reference ?? quantized.Source;
        if (reference is null)
        {
            WriteModelError(InvalidCombination(
                $"'{quantized.Name}' does not remember the float model it was made from (it was not quantized in this session).",
                "Give the float model with -Reference (Import-Model the float file).", quantized), quantized);
            return;
        }

        if ((quantized.Format == ModelFormat.SavedModel) != (reference.Format == ModelFormat.SavedModel))
        {
            WriteModelError(InvalidCombination(
                $"'{quantized.Name}' is a {quantized.Format} model but the reference '{reference.Name}' is a {reference.Format} model.",
                "Compare a quantized SavedModel with the float SavedModel (or two TFLite models).", quantized), quantized);
            return;
        }

        // SavedModels run through their TFLite conversion (as Invoke-Model runs them); layers are the TensorFlow nodes
        // Get-ModelLayer shows on the float SavedModel, so suggestions pipe into Set-LayerExclusion on it.
        IReadOnlyDictionary<int, LayerRef>? tfLayers = null;
        if (quantized.Format == ModelFormat.SavedModel)
        {
            try
            {
                var convertedReference = SavedModelConverter.ToTflite(reference);
                var convertedQuantized = SavedModelConverter.ToTflite(quantized);
                tfLayers = TfDebugLayers.Map(convertedQuantized, convertedReference,
                    TfQuantizer.Layers(reference, SavedModelFunctionCaptures.Of(reference)));
                WriteVerbose($"Converted both SavedModels to TFLite; {tfLayers.Count} layers read changed (quantized) weights.");
                quantized = convertedQuantized;
                reference = convertedReference;
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteModelError(ex, InputObject, ErrorIds.OperatorNotSupported, ErrorCategory.NotImplemented);
                return;
            }
        }

        IDataset data;
        try
        {
            data = ToDataset(Dataset, reference);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteModelError(ex, Dataset, ErrorIds.InputDataInvalid, ErrorCategory.InvalidData);
            return;
        }

        var options = new QuantizationDebugOptions
        {
            Mode = Mode,
            MaxSamples = MyInvocation.BoundParameters.ContainsKey(nameof(MaxSamples)) ? MaxSamples : null,
            IncludeChannelDetail = PerChannelDetail,
            Layers = tfLayers,
            ThreadCount = MyInvocation.BoundParameters.ContainsKey(nameof(ThreadCount)) ? ThreadCount : Environment.ProcessorCount,
        };
        string? plotPath = Plot is null ? null : ResolveOutputPath(Plot);

        WriteVerbose($"Measuring '{quantized.Name}' against '{reference.Name}' ({Mode}) on {data.Name}.");
        var activity = $"Measure-QuantizationError: {quantized.Name}";
        int? total = options.MaxSamples is int m && data.Count is int c ? Math.Min(m, c) : options.MaxSamples ?? data.Count;
        var progress = new SampleProgressReporter(this, ProgressId, activity, total);
        QuantizationErrorReport report;
        try
        {
            report = QuantizationDebugger.Measure(quantized, reference, data, options, progress, CancellationToken);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteModelError(ex, quantized, ErrorIds.GraphStructureMismatch, ErrorCategory.InvalidOperation);
            return;
        }
        finally
        {
            progress.Complete();
        }

        foreach (var o in report.Outputs)
        {
            WriteInformation(new InformationRecord(o.ToString(), "Measure-QuantizationError") { Tags = { "Summary" } });
        }

        if (plotPath is not null)
        {
            try
            {
                if (!ErrorPlot.Write(report, $"{quantized.Name} vs {reference.Name} ({report.Mode}, {report.Samples} samples)", plotPath, Threshold))
                {
                    WriteWarning("No TrueType font was found on this machine, so the plot has no text (install e.g. fonts-dejavu-core).");
                }

                WriteVerbose($"Wrote the plot to '{plotPath}'.");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                WriteModelError(ex, plotPath, ErrorIds.ModelWriteFailed, ErrorCategory.WriteError);
            }
        }

        if (Summary)
        {
            WriteObject(report.Outputs, enumerateCollection: true);
            return;
        }

        if (!SuggestExclusion)
        {
            WriteObject(report.Layers, enumerateCollection: true);
            return;
        }

        // Each suggestion says why, so piping it into Set-LayerExclusion gives the rule that reason.
        foreach (var layer in QuantizationDebugger.SuggestExclusions(report.Layers, Threshold, MinSqnrDb))
        {
            string why = double.IsNaN(layer.RmseOverScale) || layer.OutputType == "int16"
                ? FormattableString.Invariant($"SQNR {layer.SqnrDb:0.#} dB < {MinSqnrDb:0.#} dB")
                : FormattableString.Invariant($"RMSE/scale {layer.RmseOverScale:0.###} > {Threshold:0.###}");
            var output = PSObject.AsPSObject(layer);
            output.Properties.Add(new PSNoteProperty("Reason", $"Measure-QuantizationError ({report.Mode}): {why}"));
            WriteObject(output);
        }
    }
}
