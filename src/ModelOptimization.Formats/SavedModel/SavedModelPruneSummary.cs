namespace ModelOptimization.Formats.SavedModel;

/// <summary>What a serving-only SavedModel export drops (see <see cref="SavedModelPruning"/>).</summary>
public sealed class SavedModelPruneSummary
{
    /// <summary>Nothing pruned: the export keeps the whole graph.</summary>
    public static readonly SavedModelPruneSummary None = new();

    /// <summary>True when serving-only pruning applies to the export.</summary>
    public bool Applied { get; init; }

    /// <summary>Main-graph nodes dropped (training ops, optimizer slots, their initializers and saver entries).</summary>
    public int RemovedNodes { get; init; }

    /// <summary>Library functions no kept node or object-graph entry calls.</summary>
    public int RemovedFunctions { get; init; }

    /// <summary>Checkpoint keys of the variables dropped from the bundle.</summary>
    public IReadOnlyList<string> RemovedVariables { get; init; } = [];

    /// <summary>Bytes of variable data dropped.</summary>
    public long RemovedVariableBytes { get; init; }

    /// <summary>What was deliberately kept, and why (e.g. a TF2 saver restoring through traced functions).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public override string ToString() => Applied
        ? $"serving-only: {RemovedNodes} nodes, {RemovedFunctions} functions, {RemovedVariables.Count} variables ({RemovedVariableBytes:N0} bytes) dropped"
        : "everything kept";
}
