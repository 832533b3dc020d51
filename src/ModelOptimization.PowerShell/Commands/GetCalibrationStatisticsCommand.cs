using System.Management.Automation;

namespace ModelOptimization.PowerShell.Commands;

using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Datasets;
using ModelOptimization.Optimization.Calibration;

/// <summary>
/// <c>Get-CalibrationStatistics</c>: runs calibration samples through a float model and writes the per-tensor
/// statistics (reusable by Invoke-Quantization -CalibrationStatistics for every mode and range method), optionally
/// saving them as JSON; or reads statistics saved earlier.
/// </summary>
[Cmdlet(VerbsCommon.Get, "CalibrationStatistics", DefaultParameterSetName = CalibrateSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(CalibrationStatistics))]
public sealed class GetCalibrationStatisticsCommand : ModelCmdletBase
{
    private const string CalibrateSet = "Calibrate";
    private const string FileSet = "File";
    private const int ProgressId = 50;

    /// <summary>The float model to calibrate.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = CalibrateSet)]
    [ValidateNotNull]
    public Model InputObject { get; set; } = null!;

    /// <summary>The samples: a dataset from Import-Dataset, one sample or an array of samples.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = CalibrateSet)]
    [Alias("Dataset")]
    [ValidateNotNull]
    public object CalibrationData { get; set; } = null!;

    /// <summary>At most this many samples.</summary>
    [Parameter(ParameterSetName = CalibrateSet)]
    [ValidateRange(1, int.MaxValue)]
    public int CalibrationSamples { get; set; }

    /// <summary>Also save the statistics to this JSON file.</summary>
    [Parameter(ParameterSetName = CalibrateSet)]
    [ValidateNotNullOrEmpty]
    public string? OutFile { get; set; }

    /// <summary>Overwrite an existing -OutFile.</summary>
    [Parameter(ParameterSetName = CalibrateSet)]
    public SwitchParameter Force { get; set; }

    /// <summary>Statistics files saved earlier (-OutFile); wildcards are expanded.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    protected override void ProcessRecord()
    {
        ThrowIfStopping();
        if (ParameterSetName == FileSet)
        {
            foreach (var file in ResolveInputPaths(Path, literal: false))
            {
                try
                {
                    WriteObject(CalibrationStatistics.Load(file));
                }
                catch (Exception ex) when (ex is not PipelineStoppedException)
                {
                    WriteModelError(ex, file, ErrorIds.CalibrationDataInvalid, ErrorCategory.InvalidData);
                }
            }

            return;
        }

        var model = InputObject;
        string? outPath = OutFile is null ? null : ResolveOutputPath(OutFile);
        if (outPath is not null && File.Exists(outPath) && !Force)
        {
            WriteModelError(new ModelOptimizationException(ErrorIds.OutputFileExists, ErrorKind.ResourceExists,
                $"Cannot save the statistics of '{model.Name}': '{outPath}' already exists.", outPath, "Use -Force to replace it, or give another -OutFile."), outPath);
            return;
        }

        var progress = new QuantizationProgressReporter(this, ProgressId, $"Get-CalibrationStatistics: {model.Name}");
        CalibrationStatistics stats;
        try
        {
            var data = ToDataset(CalibrationData, model);
            var options = new CalibrationOptions { MaxSamples = MyInvocation.BoundParameters.ContainsKey(nameof(CalibrationSamples)) ? CalibrationSamples : null };
            stats = Calibrator.Calibrate(model, data, options, progress, CancellationToken);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteModelError(ex, model, ErrorIds.CalibrationDataInvalid, ErrorCategory.InvalidData);
            return;
        }
        finally
        {
            progress.Complete();
        }

        WriteVerbose($"Calibrated '{model.Name}': {stats}.");
        if (outPath is not null && ShouldProcess(outPath, $"Save the calibration statistics of '{model.Name}'"))
        {
            try
            {
                stats.Save(outPath);
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteModelError(ex, outPath, ErrorIds.ModelWriteFailed, ErrorCategory.WriteError);
            }
        }

        WriteObject(stats);
    }
}
