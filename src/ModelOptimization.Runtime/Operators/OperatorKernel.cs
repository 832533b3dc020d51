using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// One node's kernel, split as in TFLite Micro: <see cref="Prepare"/> checks types, computes output shapes,
/// requantization factors, lookup tables and packed weights once; <see cref="Eval"/> only computes.
/// A new instance is made per node, so prepared data lives in fields.
/// </summary>
internal abstract class OperatorKernel
{
    /// <summary>Checks the node and computes everything that does not depend on input values.</summary>
    public abstract void Prepare(KernelContext ctx);

    /// <summary>Computes the outputs.</summary>
    public abstract void Eval(KernelContext ctx);

    /// <summary>True when the outputs are a pure function of the inputs, so a node with constant inputs is folded in prepare.</summary>
    public virtual bool IsPure => true;

    /// <summary>
    /// True when the node can be computed once in prepare and kept (constant folding): by default when it is pure
    /// and every input is a constant.
    /// </summary>
    public virtual bool CanFold(KernelContext ctx, bool allInputsConstant) => IsPure && allInputsConstant;

    /// <summary>Bytes of scratch buffers and packed weights this kernel holds (for memory reports).</summary>
    public virtual long ScratchBytes => 0;
}
