namespace ModelOptimization.PowerShell.Completion;

using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;

/// <summary>
/// Completes op types: every TFLite builtin operator name, plus the custom op names of the model on the command
/// line (if any).
/// </summary>
public sealed class OpTypeCompleter : ModelCompleter
{
    private static readonly string[] Builtins = Enum.GetNames<BuiltinOperator>()
        .Where(n => n != nameof(BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES)).ToArray();

    protected override IEnumerable<string> GetNames(IReadOnlyList<Model> models)
        => Builtins.Concat(models.SelectMany(m => m.OperatorCodes).Select(c => c.Name));
}
