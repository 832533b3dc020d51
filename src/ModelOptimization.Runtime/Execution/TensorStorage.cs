namespace ModelOptimization.Runtime.Execution;

/// <summary>Where a runtime tensor's bytes live.</summary>
internal enum TensorStorage
{
    /// <summary>Not allocated (an unused tensor, or not yet planned).</summary>
    None,

    /// <summary>A view over the model's buffer (weights); read-only.</summary>
    Constant,

    /// <summary>A slot of the subgraph's activation arena, shared by tensors whose lifetimes do not overlap.</summary>
    Arena,

    /// <summary>Computed once in prepare (constant folding, SHAPE) and kept; read-only at invoke.</summary>
    Persistent,

    /// <summary>A heap buffer resized at invoke, for tensors whose shape is only known then.</summary>
    Dynamic,

    /// <summary>A variable (state) tensor: kept across invocations.</summary>
    Variable,
}
