using System.Management.Automation;

namespace ModelOptimization.PowerShell.Commands;

using ModelOptimization.Core.Graph;

/// <summary>
/// <c>Clear-LayerExclusion</c>: removes every rule (exclusions and includes) from the model's quantization plan, so
/// every layer is quantized with the run's mode again. Writes nothing unless -PassThru.
/// </summary>
[Cmdlet(VerbsCommon.Clear, "LayerExclusion", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Model))]
public sealed class ClearLayerExclusionCommand : ModelCmdletBase
{
    /// <summary>The model whose plan is cleared.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public Model InputObject { get; set; } = null!;

    /// <summary>Write the model after clearing its plan.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        ThrowIfStopping();
        var model = InputObject;
        int n = model.Plan.Rules.Count;
        if (n > 0 && ShouldProcess(model.Name, $"Remove {n} quantization rule{(n == 1 ? "" : "s")}"))
        {
            model.Plan.Rules.Clear();
            WriteVerbose($"Removed {n} rule{(n == 1 ? "" : "s")} from the plan of '{model.Name}'.");
        }

        if (PassThru) WriteObject(model);
    }
}
