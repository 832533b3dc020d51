using ModelOptimization.Core.Graph;

namespace ModelOptimization.Optimization.Quantization.OperatorQuantizers;

/// <summary>
/// Ops with an activation input, a constant weight and an optional bias (convolutions, fully connected): int8
/// symmetric weights per output channel, bias at input scale × weight scale (int32; int64 for 16x8), output from
/// calibration.
/// </summary>
internal abstract class WeightedOpQuantizer : OperatorQuantizer
{
    /// <summary>The activation input.</summary>
    protected virtual int InputSlot => 0;

    protected virtual int WeightSlot => 1;

    /// <summary>The bias input (may be absent or −1).</summary>
    protected virtual int BiasSlot => 2;

    /// <summary>The weight axis of the output channels.</summary>
    protected abstract int ChannelAxis(SubgraphQuantizer q, int op);

    public override bool HasInt16Kernel => true;

    public override IEnumerable<(int Slot, int Axis)> WeightSlots(SubgraphQuantizer q, int op)
        => [(WeightSlot, ChannelAxis(q, op))];

    public override string? CheckStatic(SubgraphQuantizer q, int op, ActivationType act)
    {
        int input = q.Input(op, InputSlot);
        if (input < 0 || !q.IsFloatActivation(input)) return "its input is not a float32 activation";
        if (CheckWeight(q, op, WeightSlot, 0) is { } w) return w;
        if (CheckBias(q, op) is { } b) return b;
        return CheckRanges(q, op, [InputSlot], [0]);
    }

    public override void QuantizeStatic(SubgraphQuantizer q, int op, ActivationType act)
    {
        var inForm = q.InputForm(q.Input(op, InputSlot), act);
        var granularity = q.Options.Granularity == WeightGranularity.PerTensor ? WeightGranularity.PerTensor : WeightGranularity.PerChannel;
        var spec = new WeightSpec(TensorType.Int8, granularity, ChannelAxis(q, op));
        var scales = q.WeightScales(q.Input(op, WeightSlot), spec); // first: it may find NaN/infinity before anything changes
        q.RequireInput(op, InputSlot, inForm);
        int biasBits = act == ActivationType.Int8 ? 32 : 64;
        int bias = q.Input(op, BiasSlot);
        q.AdjustScalesForBias(bias, inForm.Scale, scales, biasBits);
        int weight = q.Input(op, WeightSlot);
        var quantized = q.ReplaceWeight(op, WeightSlot, spec, scales);
        float[]? shift = bias >= 0 && q.Options.BiasCorrection && BiasCorrectionLayout(q, op) is int m
            ? q.WeightErrorShift(weight, quantized, q.Input(op, InputSlot), m)
            : null;
        if (bias >= 0) q.ReplaceBias(op, BiasSlot, inForm.Scale, scales, biasBits, shift);
        q.SetOutput(op, 0, q.NaturalForm(q.Output(op, 0), act), adjustable: true);
        q.MarkQuantized(op);
    }

    public override string? CheckDynamic(SubgraphQuantizer q, int op)
    {
        int input = q.Input(op, InputSlot);
        if (input < 0 || !q.IsFloatActivation(input)) return "its input is not a float32 activation";
        return CheckWeight(q, op, WeightSlot, q.Options.MinWeightElements);
    }

    public override void QuantizeDynamic(SubgraphQuantizer q, int op, WeightGranularity granularity)
    {
        var spec = new WeightSpec(TensorType.Int8, granularity == WeightGranularity.PerTensor ? WeightGranularity.PerTensor : WeightGranularity.PerChannel,
            ChannelAxis(q, op));
        q.ReplaceWeight(op, WeightSlot, spec);
        OnDynamic(q, op);
        q.MarkQuantized(op);
    }

    /// <summary>
    /// How bias correction reads the weight: 0 for [O, ..., I] (each output channel sums over every input
    /// channel), the depth multiplier for depthwise weights, null when the mean shift is not a plain sum over the
    /// kernel (transposed convolutions).
    /// </summary>
    protected virtual int? BiasCorrectionLayout(SubgraphQuantizer q, int op) => 0;

    /// <summary>Sets op options for the hybrid kernel (e.g. asymmetric input quantization).</summary>
    protected virtual void OnDynamic(SubgraphQuantizer q, int op)
    {
    }

    private string? CheckBias(SubgraphQuantizer q, int op)
    {
        int bias = q.Input(op, BiasSlot);
        if (bias < 0) return null;
        if (!q.IsFloatConstant(bias)) return $"its bias ('{q.Tensor(bias).Name}') is not a float32 constant";
        if (!q.IsFinite(bias)) return $"its bias ('{q.Tensor(bias).Name}') holds NaN or infinity";
        var w = q.Tensor(q.Input(op, WeightSlot));
        int axis = ChannelAxis(q, op);
        if (w.Shape.Length > axis && q.Tensor(bias).ElementCount != w.Shape[axis])
            return $"its bias has {q.Tensor(bias).ElementCount} values for {w.Shape[axis]} output channels";
        return null;
    }
}
