using System.Management.Automation;

namespace ModelOptimization.PowerShell.Commands;

using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Optimization.Quantization;

/// <summary>
/// <c>Import-QuantizationRecipe</c>: reads a JSON recipe. With -InputObject it becomes the plan of each model
/// (replacing its rules, or after them with -Append) and nothing is written unless -PassThru; without, the plan
/// object is written.
/// </summary>
[Cmdlet(VerbsData.Import, "QuantizationRecipe", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = PathSet)]
[OutputType(typeof(QuantizationPlan), typeof(Model))]
public sealed class ImportQuantizationRecipeCommand : ModelCmdletBase
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private List<(string Path, QuantizationPlan Plan)>? _plans;

    /// <summary>Recipe files; wildcards are expanded.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    /// <summary>Recipe files taken exactly as written; binds PSPath from Get-ChildItem output.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>Models that get the recipe as their plan.</summary>
    [Parameter(ValueFromPipeline = true)]
    public Model? InputObject { get; set; }

    /// <summary>Add the recipe's rules after the model's existing rules instead of replacing them.</summary>
    [Parameter]
    public SwitchParameter Append { get; set; }

    /// <summary>With -InputObject: write each model after setting its plan.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        ThrowIfStopping();
        if (InputObject is null)
        {
            foreach (var (path, plan) in Load(terminating: false)) WriteObject(plan);
            return;
        }

        var plans = _plans ??= Load(terminating: true);
        var model = InputObject;
        var rules = plans.SelectMany(p => p.Plan.Rules).ToList();
        string action = Append ? $"Append {rules.Count} rule{(rules.Count == 1 ? "" : "s")}" : $"Replace the plan ({model.Plan}) by {rules.Count} rule{(rules.Count == 1 ? "" : "s")}";
        if (ShouldProcess(model.Name, $"{action} from {string.Join(", ", plans.Select(p => p.Path))}"))
        {
            if (!Append) model.Plan.Rules.Clear();
            model.Plan.Rules.AddRange(rules);
            WriteVerbose($"'{model.Name}': plan now has {model.Plan.Rules.Count} rule{(model.Plan.Rules.Count == 1 ? "" : "s")}.");
        }

        if (PassThru) WriteObject(model);
    }

    private List<(string, QuantizationPlan)> Load(bool terminating)
    {
        var result = new List<(string, QuantizationPlan)>();
        var paths = ResolveInputPaths(ParameterSetName == LiteralPathSet ? LiteralPath : Path, ParameterSetName == LiteralPathSet).ToList();
        foreach (var path in paths)
        {
            try
            {
                result.Add((path, QuantizationRecipe.Load(path)));
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                var error = ex is ModelOptimizationException ? ex
                    : new ModelOptimizationException(ErrorIds.RecipeInvalid, ErrorKind.InvalidData, $"Cannot read the recipe '{path}': {ex.Message}", path, "Check the file.", ex);
                if (terminating) ThrowModelError(error, path, ErrorIds.RecipeInvalid, ErrorCategory.InvalidData);
                WriteModelError(error, path, ErrorIds.RecipeInvalid, ErrorCategory.InvalidData);
            }
        }

        if (terminating && result.Count == 0)
        {
            ThrowModelError(new ModelOptimizationException(ErrorIds.RecipeInvalid, ErrorKind.ObjectNotFound, "No recipe could be read.", null,
                "Give the path of a recipe written by Export-QuantizationRecipe."));
        }

        return result;
    }
}
