namespace ModelOptimization.Formats.SavedModel;

/// <summary>What a SavedModel export keeps of the graph and checkpoint.</summary>
public enum SavedModelPruning
{
    /// <summary>Serving-only after a transformation (the graph was edited, the model came from Invoke-Quantization, or
    /// Set-LayerExclusion gave it layer rules), everything for a model as read.</summary>
    Auto,

    /// <summary>Keep only what the signatures reach and what loading needs: training ops, optimizer slot variables and their saver entries are dropped.</summary>
    ServingOnly,

    /// <summary>Keep every node, function and variable (training ops and optimizer state included).</summary>
    KeepTrainingState,
}
