using System.Management.Automation;

namespace ModelOptimization.PowerShell.Commands;

using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.PowerShell.Completion;
using ModelOptimization.Runtime;

/// <summary>
/// <c>Set-ModelInputShape</c>: fixes the shape of a model input (e.g. a dynamic batch of -1 to 1) and propagates
/// it through the graph. Models are immutable, so it writes a new model (whose <c>Source</c> is the input model)
/// and leaves the input unchanged; unlike the plan-editing Set-* commands it therefore always writes its result.
/// </summary>
[Cmdlet(VerbsCommon.Set, "ModelInputShape")]
[OutputType(typeof(Model))]
public sealed class SetModelInputShapeCommand : ModelCmdletBase
{
    /// <summary>The model to reshape; it is not changed.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public Model InputObject { get; set; } = null!;

    /// <summary>The new shape, one value per dimension, e.g. 1,28,28,1.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public int[] Shape { get; set; } = [];

    /// <summary>The input tensor to reshape; may be omitted when the model has one input.</summary>
    [Parameter(Position = 1)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(InputNameCompleter))]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        ThrowIfStopping();
        var model = InputObject;
        string shape = "[" + string.Join(", ", Shape) + "]";
        WriteVerbose($"Setting input {(Name is null ? "" : $"'{Name}' ")}of model '{model.Name}' to {shape}.");
        Model result;
        try
        {
            result = ShapeInference.SetInputShape(model, Name, Shape);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteModelError(ex, (object?)Name ?? model, ErrorIds.ShapeMismatch, ErrorCategory.InvalidArgument);
            return;
        }

        WriteObject(result);
    }
}
