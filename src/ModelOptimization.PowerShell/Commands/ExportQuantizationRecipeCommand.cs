using System.Management.Automation;

namespace ModelOptimization.PowerShell.Commands;

using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Optimization.Quantization;

/// <summary>
/// <c>Export-QuantizationRecipe</c>: saves a model's quantization plan (or a plan object) as a JSON recipe. Writes
/// through a temporary sibling and refuses to overwrite without -Force.
/// </summary>
[Cmdlet(VerbsData.Export, "QuantizationRecipe", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ModelSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportQuantizationRecipeCommand : ModelCmdletBase
{
    private const string ModelSet = "Model";
    private const string PlanSet = "Plan";
    private string _outputPath = "";

    /// <summary>The model whose plan is saved.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ModelSet)]
    [ValidateNotNull]
    public Model InputObject { get; set; } = null!;

    /// <summary>A plan to save (e.g. from Import-QuantizationRecipe without -InputObject).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = PlanSet)]
    [ValidateNotNull]
    public QuantizationPlan Plan { get; set; } = null!;

    /// <summary>The recipe file (taken literally).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [Alias("LiteralPath")]
    public string Path { get; set; } = "";

    /// <summary>Overwrite an existing file.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Write the FileInfo of the recipe.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing() => _outputPath = ResolveOutputPath(Path);

    protected override void ProcessRecord()
    {
        ThrowIfStopping();
        var plan = ParameterSetName == PlanSet ? Plan : InputObject.Plan;
        string what = ParameterSetName == PlanSet ? "the plan" : $"the plan of model '{InputObject.Name}'";
        bool exists = File.Exists(_outputPath) || Directory.Exists(_outputPath);
        if (exists && !Force)
        {
            WriteModelError(new ModelOptimizationException(ErrorIds.OutputFileExists, ErrorKind.ResourceExists,
                $"Cannot export {what}: '{_outputPath}' already exists.", _outputPath, "Use -Force to replace it, or give another -Path."), _outputPath);
            return;
        }

        if (!ShouldProcess(_outputPath, $"{(exists ? "Overwrite with" : "Export")} {what} ({plan})")) return;
        try
        {
            QuantizationRecipe.Save(plan, _outputPath);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteModelError(ex, _outputPath, ErrorIds.ModelWriteFailed, ErrorCategory.WriteError);
            return;
        }

        WriteVerbose($"Wrote {what} ({plan}) to '{_outputPath}'.");
        if (PassThru) WriteItem(_outputPath);
    }
}
