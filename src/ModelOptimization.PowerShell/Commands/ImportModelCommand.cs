using System.Management.Automation;

namespace ModelOptimization.PowerShell.Commands;

using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats;

/// <summary>
/// <c>Import-Model</c>: reads TFLite files and SavedModel folders into model objects, one per file. The format is
/// decided from the content, not the extension.
/// </summary>
[Cmdlet(VerbsData.Import, "Model", DefaultParameterSetName = PathSet)]
[OutputType(typeof(Model))]
public sealed class ImportModelCommand : ModelCmdletBase
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>Paths of model files or SavedModel folders; wildcards are expanded.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary>Paths taken exactly as written (no wildcard expansion); binds PSPath from Get-ChildItem output.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    protected override void ProcessRecord()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        foreach (string file in ResolveInputPaths(literal ? LiteralPath : Path, literal))
        {
            ThrowIfStopping();
            WriteVerbose($"Importing model '{file}'.");
            Model model;
            try
            {
                model = ModelIO.Import(file);
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                WriteModelError(ex, file, ErrorIds.ModelParseFailed, ErrorCategory.ReadError);
                continue;
            }

            WriteVerbose($"Imported {model}.");
            WriteObject(model);
        }
    }
}
