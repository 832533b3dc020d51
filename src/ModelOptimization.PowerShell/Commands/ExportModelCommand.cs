using System.Management.Automation;

namespace ModelOptimization.PowerShell.Commands;

using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats;
using ModelOptimization.Formats.SavedModel;
using ModelOptimization.Formats.SavedModel.Conversion;
using ModelOptimization.Formats.Tflite;

/// <summary>
/// <c>Export-Model</c>: writes a model to a TFLite file or a SavedModel folder. The writer builds the output in a
/// temporary sibling and moves it into place, so a failure leaves nothing behind and never touches the input.
/// Refuses to overwrite an existing item (including the file the model was read from) without -Force.
/// </summary>
[Cmdlet(VerbsData.Export, "Model", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(FileInfo), typeof(DirectoryInfo))]
public sealed class ExportModelCommand : ModelCmdletBase
{
    private string _outputPath = "";

    /// <summary>The model to write.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public Model InputObject { get; set; } = null!;

    /// <summary>The output file (TFLite) or folder (SavedModel). Taken literally: no wildcard expansion.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [Alias("LiteralPath")]
    public string Path { get; set; } = "";

    /// <summary>The output format; by default TFLite for a .tflite path, otherwise the model's own format.</summary>
    [Parameter]
    public ModelFormat Format { get; set; }

    /// <summary>Where a TFLite file keeps its buffers: Auto (inline below 2 GB), Inline, or External (after the FlatBuffer).</summary>
    [Parameter]
    public BufferLayout BufferLayout { get; set; }

    /// <summary>Overwrite an existing file or folder, including the file the model was read from.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>
    /// SavedModel output: keep only what the signatures reach and what loading needs (training ops, optimizer slot
    /// variables and their saver entries are dropped), also for a model as read. The default after a transformation.
    /// </summary>
    [Parameter]
    public SwitchParameter ServingOnly { get; set; }

    /// <summary>SavedModel output: keep every node, function and variable, also after a transformation.</summary>
    [Parameter]
    public SwitchParameter KeepTrainingState { get; set; }

    /// <summary>Write the FileInfo (TFLite) or DirectoryInfo (SavedModel) of the output.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        _outputPath = ResolveOutputPath(Path);
        if (IsBound(nameof(Format)) && Format == ModelFormat.SavedModel && IsBound(nameof(BufferLayout)))
        {
            ThrowModelError(InvalidCombination("-BufferLayout applies to TFLite output only; the output format is SavedModel.",
                "Drop -BufferLayout, or use -Format Tflite.", Path));
        }

        if (ServingOnly && KeepTrainingState)
        {
            ThrowModelError(InvalidCombination("-ServingOnly and -KeepTrainingState contradict each other.",
                "Give one of them, or neither (serving-only after a transformation, everything for a model as read).", Path));
        }

        if (IsBound(nameof(Format)) && Format == ModelFormat.Tflite && (ServingOnly || KeepTrainingState))
        {
            ThrowModelError(InvalidCombination("-ServingOnly and -KeepTrainingState apply to SavedModel output only; the output format is Tflite.",
                "Drop the switch, or use -Format SavedModel.", Path));
        }
    }

    protected override void ProcessRecord()
    {
        ThrowIfStopping();
        var model = InputObject;
        var format = OutputFormat(model);
        if (format == ModelFormat.SavedModel && IsBound(nameof(BufferLayout)))
        {
            ThrowModelError(InvalidCombination($"-BufferLayout applies to TFLite output only; model '{model.Name}' would be written as a SavedModel.",
                "Drop -BufferLayout, or use -Format Tflite.", Path));
        }

        if (format != ModelFormat.SavedModel && (ServingOnly || KeepTrainingState))
        {
            ThrowModelError(InvalidCombination($"-ServingOnly and -KeepTrainingState apply to SavedModel output only; model '{model.Name}' would be written as {format}.",
                "Drop the switch, or use -Format SavedModel.", Path));
        }

        bool exists = File.Exists(_outputPath) || Directory.Exists(_outputPath);
        bool isOwnInput = model.SourcePath is { } source && SamePath(source, _outputPath);
        if (exists && !Force)
        {
            string what = isOwnInput
                ? $"'{_outputPath}' is the file model '{model.Name}' was read from"
                : $"'{_outputPath}' already exists";
            WriteModelError(new ModelOptimizationException(ErrorIds.OutputFileExists, ErrorKind.ResourceExists,
                $"Cannot export model '{model.Name}': {what}.", _outputPath,
                "Use -Force to replace it, or give another -Path."), _outputPath);
            return;
        }

        string action = exists ? $"Overwrite with model '{model.Name}' as {format}" : $"Export model '{model.Name}' as {format}";
        if (!ShouldProcess(_outputPath, action)) return;

        WriteVerbose($"{action} to '{_outputPath}'" + (format == ModelFormat.Tflite ? $" (buffers {BufferLayout})." : "."));
        try
        {
            if (format == ModelFormat.SavedModel && model.Format == ModelFormat.SavedModel)
            {
                var pruning = ServingOnly ? SavedModelPruning.ServingOnly : KeepTrainingState ? SavedModelPruning.KeepTrainingState : SavedModelPruning.Auto;
                var summary = SavedModelGraphWriter.Write(model, _outputPath, new SavedModelWriteOptions { Overwrite = true, Pruning = pruning }, CancellationToken);
                WriteVerbose(summary.Applied
                    ? $"Model '{model.Name}': {summary}." + string.Concat(summary.Notes.Select(n => $" Kept: {n}."))
                    : $"Model '{model.Name}': training state kept (" + (KeepTrainingState ? "-KeepTrainingState" : "unchanged model; -ServingOnly drops it") + ").");
            }
            else
            {
                var options = new TfliteWriteOptions { Layout = BufferLayout, CancellationToken = CancellationToken };
                ModelIO.Export(model, _outputPath, format, options);
            }
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteModelError(ex, _outputPath, ErrorIds.ModelWriteFailed, ErrorCategory.WriteError);
            return;
        }

        if (PassThru) WriteItem(_outputPath);
    }

    private ModelFormat OutputFormat(Model model)
    {
        if (IsBound(nameof(Format))) return Format;
        if (string.Equals(System.IO.Path.GetExtension(_outputPath), ".tflite", StringComparison.OrdinalIgnoreCase)) return ModelFormat.Tflite;
        return model.Format;
    }

    private bool IsBound(string parameter) => MyInvocation.BoundParameters.ContainsKey(parameter);

    private static bool SamePath(string a, string b)
    {
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return string.Equals(System.IO.Path.GetFullPath(a).TrimEnd(System.IO.Path.DirectorySeparatorChar),
            System.IO.Path.GetFullPath(b).TrimEnd(System.IO.Path.DirectorySeparatorChar), comparison);
    }
}
