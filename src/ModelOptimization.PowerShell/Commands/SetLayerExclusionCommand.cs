using System.Management.Automation;
using System.Text.RegularExpressions;

namespace ModelOptimization.PowerShell.Commands;

using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.TensorFlow;
using ModelOptimization.Formats.SavedModel.Conversion;
using ModelOptimization.Optimization.TensorFlow;
using ModelOptimization.Optimization.Quantization;
using ModelOptimization.PowerShell.Completion;

/// <summary>
/// <c>Set-LayerExclusion</c>: adds a rule to the model's quantization plan — layers it matches stay float
/// (or, with -Include, are quantized, optionally with their own -Mode). Changes the plan of the given model object
/// and writes nothing unless -PassThru. On a SavedModel the rules match the TensorFlow nodes that compute with a
/// weight (node names, TF op types such as MatMul or Conv2D) and the weights themselves (checkpoint key or variable
/// name, op type Variable).
/// </summary>
[Cmdlet(VerbsCommon.Set, "LayerExclusion", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(Model))]
public sealed class SetLayerExclusionCommand : ModelCmdletBase
{
    /// <summary>The model whose plan gets the rule.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public Model InputObject { get; set; } = null!;

    /// <summary>Layer names (first output tensor), wildcards allowed.</summary>
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(LayerNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>
    /// Literal layer names from piped records (Measure-QuantizationError -SuggestExclusion); a separate parameter so a
    /// piped model's own Name property never binds as a layer name.
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? LayerName { get; set; }

    /// <summary>A regular expression searched in layer names (AI Edge Quantizer's regex).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Pattern { get; set; }

    /// <summary>Op types, e.g. SOFTMAX.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(OpTypeCompleter))]
    public string[]? OpType { get; set; }

    /// <summary>Operator indices.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateRange(0, int.MaxValue)]
    public int[]? Index { get; set; }

    /// <summary>The subgraph -Index refers to (default: every subgraph).</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Subgraph { get; set; }

    /// <summary>Why; shown beside every decision the rule makes.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Reason { get; set; }

    /// <summary>Quantize the matched layers instead (undoes a broader exclusion).</summary>
    [Parameter]
    public SwitchParameter Include { get; set; }

    /// <summary>With -Include: the mode for these layers only (mixed precision).</summary>
    [Parameter]
    public QuantizationMode Mode { get; set; }

    /// <summary>Write the model after changing its plan.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private bool ModeBound => MyInvocation.BoundParameters.ContainsKey(nameof(Mode));

    protected override void BeginProcessing()
    {
        // Names may still come from piped records (Measure-QuantizationError -SuggestExclusion): checked per record then.
        if (!MyInvocation.ExpectingInput) RequireSelector();

        if (ModeBound && !Include)
        {
            ThrowModelError(InvalidCombination("-Mode applies only with -Include (excluded layers stay float).", "Add -Include, or drop -Mode."));
        }

        if (Pattern is not null)
        {
            try
            {
                _ = new Regex(Pattern, RegexOptions.CultureInvariant);
            }
            catch (ArgumentException ex)
            {
                ThrowModelError(InvalidCombination($"-Pattern '{Pattern}' is not a valid regular expression: {ex.Message}", "Fix the regular expression.", Pattern));
            }
        }
    }

    protected override void ProcessRecord()
    {
        ThrowIfStopping();
        RequireSelector();
        var model = InputObject;
        var layers = LayersOf(model);
        int? subgraph = MyInvocation.BoundParameters.ContainsKey(nameof(Subgraph)) ? Subgraph : null;

        // Literal selectors must name something in this model; wildcards and patterns may match nothing (a warning).
        var names = Name is null && LayerName is null ? null : (Name ?? []).Concat(LayerName ?? []).ToArray();
        foreach (var n in names ?? [])
        {
            if (Wildcard.HasWildcard(n))
            {
                if (!layers.Any(l => Wildcard.IsMatch(l.Name, n))) WriteWarning($"-Name '{n}' matches no layer of '{model.Name}'.");
            }
            else if (!layers.Any(l => string.Equals(l.Name, n, StringComparison.OrdinalIgnoreCase)))
            {
                WriteModelError(NotFound($"Model '{model.Name}' has no layer named '{n}'.", n), n);
                return;
            }
        }

        foreach (var t in OpType ?? [])
        {
            if (!layers.Any(l => string.Equals(l.OpType, t, StringComparison.OrdinalIgnoreCase)))
            {
                WriteModelError(NotFound($"Model '{model.Name}' has no {t} layer.", t), t);
                return;
            }
        }

        foreach (int i in Index ?? [])
        {
            if (!layers.Any(l => l.Index == i && (subgraph is null || l.Subgraph == subgraph)))
            {
                WriteModelError(NotFound($"Model '{model.Name}' has no layer {i}{(subgraph is null ? "" : $" in subgraph {subgraph}")}.", i), i);
                return;
            }
        }

        var rule = new LayerRule
        {
            Name = names,
            Pattern = Pattern,
            OpType = OpType,
            Index = Index,
            Subgraph = subgraph,
            Action = Include ? LayerRuleAction.Include : LayerRuleAction.Exclude,
            Mode = ModeBound ? Mode.ToString() : null,
            Reason = Reason,
        };
        var matched = layers.Where(rule.Matches).ToList();
        if (Pattern is not null && matched.Count == 0) WriteWarning($"The rule '{rule}' matches no layer of '{model.Name}'.");

        if (ShouldProcess(model.Name, $"Add rule '{rule}' ({matched.Count} layer{(matched.Count == 1 ? "" : "s")})"))
        {
            model.Plan.Rules.Add(rule);
            WriteVerbose($"'{model.Name}': {rule} — matches {string.Join(", ", matched.Select(l => $"{l.Index} {l.OpType} '{l.Name}'").Take(20))}{(matched.Count > 20 ? ", ..." : "")}.");
        }

        if (PassThru) WriteObject(model);
    }

    private void RequireSelector()
    {
        if (Name is null && LayerName is null && Pattern is null && OpType is null && Index is null)
        {
            ThrowModelError(InvalidCombination("Set-LayerExclusion needs at least one of -Name, -Pattern, -OpType or -Index to select layers.",
                "Select layers, e.g. -OpType SOFTMAX or -Name 'dense*', or pipe records with a LayerName (Measure-QuantizationError -SuggestExclusion)."));
        }
    }

    /// <summary>The layers rules can match: the operators of a TFLite model; the weight layers and weights of a SavedModel.</summary>
    private static List<LayerRef> LayersOf(Model model)
    {
        if (model.Format != ModelFormat.SavedModel || model.TensorFlowGraph is not { } graph) return LayerRef.All(model).ToList();
        var layers = TfQuantizer.Layers(model, SavedModelFunctionCaptures.Of(model)).Select(l => l.Layer).ToList();
        foreach (var v in graph.Variables.Where(v => TfDataTypeInfo.BaseType(v.DataType) == TfDataType.Float && !v.IsTrainingState))
        {
            foreach (string name in new[] { v.Name, v.VariableName, v.NodeName }.OfType<string>().Distinct())
            {
                layers.Add(new LayerRef(0, -1, name, "Variable"));
            }
        }

        return layers;
    }

    private static ModelOptimizationException NotFound(string message, object target)
        => new(ErrorIds.LayerNotFound, ErrorKind.ObjectNotFound, message, target,
            "List the layers with Get-ModelLayer (names are the first output tensor of each operator); use wildcards or -Pattern for partial names.");
}
