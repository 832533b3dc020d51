using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Optimization.Quantization.OperatorQuantizers;

/// <summary>
/// Quantizes one family of TFLite ops. The registry (<see cref="OperatorQuantizerRegistry"/>) maps op codes to
/// one instance each; an op with no entry, or whose entry declines, stays float. Each method first checks
/// (<c>Check…</c>, returns why not, or null) and only then changes the graph (<c>Quantize…</c>).
/// </summary>
internal abstract class OperatorQuantizer
{
    /// <summary>The ops this quantizer handles.</summary>
    public abstract IReadOnlyList<BuiltinOperator> Operators { get; }

    /// <summary>TFLite has an int8 kernel for these ops (FullInteger).</summary>
    public virtual bool HasInt8Kernel => true;

    /// <summary>TFLite has an int16-activation kernel for these ops (Int16x8).</summary>
    public virtual bool HasInt16Kernel => false;

    /// <summary>Why the op cannot run with <paramref name="act"/> activations, or null when it can.</summary>
    public virtual string? CheckStatic(SubgraphQuantizer q, int op, ActivationType act) => "no integer kernel";

    /// <summary>Quantizes the op's activations (and weights) for FullInteger/Int16x8.</summary>
    public virtual void QuantizeStatic(SubgraphQuantizer q, int op, ActivationType act) => throw new NotSupportedException();

    /// <summary>Why the op has no dynamic-range (hybrid) form, or null when it has one.</summary>
    public virtual string? CheckDynamic(SubgraphQuantizer q, int op) => "no dynamic-range (hybrid) kernel";

    /// <summary>Makes the op a dynamic-range op: int8 weights, float activations.</summary>
    public virtual void QuantizeDynamic(SubgraphQuantizer q, int op, WeightGranularity granularity) => throw new NotSupportedException();

    /// <summary>The constant weight inputs of the op, with the axis of their output channels (weight-only quantization).</summary>
    public virtual IEnumerable<(int Slot, int Axis)> WeightSlots(SubgraphQuantizer q, int op) => [];

    /// <summary>True when a weight-only op may take blockwise weights (see <see cref="QuantizationOptions.BlockSize"/>).</summary>
    public virtual bool SupportsBlockwise => false;

    // ---- helpers shared by the families ----

    /// <summary>Why the op's float activations cannot be quantized (no calibration range), or null.</summary>
    protected static string? CheckRanges(SubgraphQuantizer q, int op, IEnumerable<int> inputSlots, IEnumerable<int> outputSlots)
    {
        foreach (int s in inputSlots)
        {
            int t = q.Input(op, s);
            if (t < 0) continue;
            if (!q.IsFloatActivation(t) && !q.IsFloatConstant(t)) return $"input {s} ('{q.Tensor(t).Name}') is not float32";
            if (!q.HasRange(t)) return $"no calibration range for input '{q.Tensor(t).Name}'";
            if (q.IsFloatConstant(t) && !q.IsFinite(t)) return $"input '{q.Tensor(t).Name}' holds NaN or infinity";
        }

        foreach (int s in outputSlots)
        {
            int t = q.Output(op, s);
            if (t < 0) continue;
            if (!q.IsFloatActivation(t)) return $"output {s} ('{q.Tensor(t).Name}') is not float32";
            if (!q.HasRange(t)) return $"no calibration range for output '{q.Tensor(t).Name}'";
        }

        return null;
    }

    /// <summary>All input slots of the op holding float tensors (activations or constants).</summary>
    protected static IEnumerable<int> FloatInputSlots(SubgraphQuantizer q, int op)
    {
        var inputs = q.Op(op).Inputs;
        for (int s = 0; s < inputs.Length; s++)
        {
            if (q.IsFloatActivation(inputs[s]) || q.IsFloatConstant(inputs[s])) yield return s;
        }
    }

    /// <summary>All output slots of the op.</summary>
    protected static IEnumerable<int> OutputSlots(SubgraphQuantizer q, int op) => Enumerable.Range(0, q.Op(op).Outputs.Length);

    /// <summary>The first output tensor's slot range check plus the op's first float input.</summary>
    protected static string? CheckWeight(SubgraphQuantizer q, int op, int slot, int minElements)
    {
        int t = q.Input(op, slot);
        if (t < 0) return "it has no weight input";
        if (!q.IsFloatConstant(t)) return $"its weights ('{q.Tensor(t).Name}') are not a float32 constant";
        // NaN/infinity is found while the weight is quantized (NonFiniteWeightsException), so it is read only once.
        if (q.Tensor(t).ElementCount < minElements) return $"its weights have {q.Tensor(t).ElementCount} elements, fewer than {minElements}";
        return null;
    }

    /// <summary>The channel axis normalized to the tensor's rank (negative axes count from the end).</summary>
    protected static int NormalizeAxis(int axis, int rank) => axis < 0 ? axis + rank : axis;
}
