using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.Validation;
using ModelOptimization.Optimization.Calibration;
using ModelOptimization.Optimization.Quantization.OperatorQuantizers;

namespace ModelOptimization.Optimization.Quantization;

/// <summary>
/// Post-training quantization of a float TFLite model: flatbuffer graph in, new graph out (the input is not
/// changed). Follows the TFLite converter's quantizer and the int8 quantization spec; per-op work is done by the
/// quantizers of <see cref="OperatorQuantizerRegistry"/>, and ops without one stay float.
/// </summary>
public static class ModelQuantizer
{
    /// <summary>
    /// Quantizes <paramref name="model"/> as <paramref name="options"/> say, honouring the model's plan
    /// (<see cref="Model.Plan"/>): excluded layers stay float, included layers may have their own mode.
    /// </summary>
    /// <exception cref="ModelOptimizationException">
    /// ParameterCombinationInvalid (options that cannot work), CalibrationDataInvalid (bad samples),
    /// OperatorNotQuantizable (with <see cref="QuantizationOptions.Strict"/>).
    /// </exception>
    public static QuantizationResult Quantize(Model model, QuantizationOptions options, IProgress<QuantizationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        bool planNeedsCalibration = !options.IgnorePlan && model.Plan.Rules.Any(r => r.Action == LayerRuleAction.Include
            && ParseMode(r) is QuantizationMode m && QuantizationOptions.NeedsCalibration(m));
        if (planNeedsCalibration && !QuantizationOptions.NeedsCalibration(options.Mode) && options.CalibrationData is null && options.Statistics is null)
        {
            throw new ModelOptimizationException(ErrorIds.ParameterCombinationInvalid, ErrorKind.InvalidArgument,
                "A plan rule quantizes some layers with activations (FullInteger/Int16x8), which needs calibration data.", model,
                "Give -CalibrationData or -CalibrationStatistics, or change the rule's mode.");
        }

        options.Validate();

        // Per-layer modes from the plan (null = float).
        var modes = new QuantizationMode?[model.Subgraphs.Count][];
        var rules = new LayerRule?[model.Subgraphs.Count][];
        bool anyActivations = false;
        for (int s = 0; s < model.Subgraphs.Count; s++)
        {
            int n = model.Subgraphs[s].Operators.Count;
            modes[s] = new QuantizationMode?[n];
            rules[s] = new LayerRule?[n];
            for (int i = 0; i < n; i++)
            {
                var d = options.IgnorePlan ? LayerDecision.Default : model.Plan.Decide(LayerRef.Of(model, s, i));
                rules[s][i] = d.Rule;
                modes[s][i] = d.Excluded ? null : d.Rule is { } r && ParseMode(r) is QuantizationMode m ? m : options.Mode;
                anyActivations |= modes[s][i] is QuantizationMode.FullInteger or QuantizationMode.Int16x8;
            }
        }

        CalibrationStatistics? statistics = null;
        bool adaptive = options.WeightRounding == WeightRounding.Adaptive;
        IReadOnlyDictionary<(int, int), LayerHessian>? hessians = null;
        if (anyActivations && options.Statistics is { } given)
        {
            given.EnsureMatches(model);
            statistics = given;
        }

        // Statistics calibrated in this process with Hessians (accuracy-aware quantization re-quantizes many times)
        // spare adaptive rounding a pass over the data.
        if (adaptive && options.Statistics is { Hessians: { } kept } withHessians)
        {
            withHessians.EnsureMatches(model);
            hessians = kept;
        }

        if ((anyActivations && statistics is null) || (adaptive && hessians is null))
        {
            // Adaptive rounding sums each weighted layer's input Hessian in the same pass over the data.
            var calibration = Calibrator.Calibrate(model, options.CalibrationData!, options.Calibration, progress, cancellationToken, collectHessians: adaptive);
            hessians = calibration.Hessians;
            // The result keeps the statistics, not the Hessians (columns² doubles per layer).
            if (anyActivations) statistics ??= adaptive ? new CalibrationStatistics(calibration.ModelName, calibration.SampleCount, calibration.Tensors) : calibration;
        }

        var result = model.Clone();
        result.Source = model;
        result.SourcePath = null;
        result.FileSize = 0;
        result.Name = model.Name + "_" + Tag(options);
        result.Transform = "Quantization " + Describe(options) + (adaptive ? ", adaptive weight rounding" : "");
        var run = new ModelQuantizerRun(result, options, statistics, hessians);
        var reports = new List<LayerQuantizationReport>();
        int totalOps = Math.Max(1, model.OperatorCount), done = 0;
        const string activity = "Quantizing";

        for (int s = 0; s < result.Subgraphs.Count; s++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var sq = new SubgraphQuantizer(run, s);
            var states = new LayerState[sq.OperatorCount];
            for (int i = 0; i < states.Length; i++) states[i] = new LayerState(LayerRef.Of(model, s, i), modes[s][i], rules[s][i]);
            bool calibrated = statistics?.Tensors.Any(t => t.Subgraph == s) == true;

            // 1. Activations (FullInteger / Int16x8 layers).
            if (states.Any(st => st.Mode is QuantizationMode.FullInteger or QuantizationMode.Int16x8))
            {
                if (calibrated) sq.SetGraphInputForms(options.InputType);
                for (int i = 0; i < states.Length; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var st = states[i];
                    if (st.Mode is not (QuantizationMode.FullInteger or QuantizationMode.Int16x8)) continue;
                    var act = st.Mode == QuantizationMode.Int16x8 ? ActivationType.Int16 : ActivationType.Int8;
                    bool applicable = HasFloatActivations(sq, i);
                    if (!applicable)
                    {
                        st.Decide(LayerQuantizationDecision.Unchanged, "no float activations");
                        continue;
                    }

                    var quantizer = OperatorQuantizerRegistry.Find(sq.OpCode(i));
                    string? why = !calibrated ? $"subgraph {s} was not calibrated (only the subgraph the interpreter runs is)"
                        : quantizer is null ? $"TFLite has no {ActName(act)} {st.Layer.OpType} kernel"
                        : act == ActivationType.Int16 && !quantizer.HasInt16Kernel ? $"TFLite has no int16 {st.Layer.OpType} kernel"
                        : act == ActivationType.Int8 && !quantizer.HasInt8Kernel ? $"TFLite has no int8 {st.Layer.OpType} kernel"
                        : quantizer.CheckStatic(sq, i, act);
                    if (why is not null)
                    {
                        if (options.Strict) throw NotQuantizable(st.Layer, why);

                        st.Decide(LayerQuantizationDecision.Float, "stays float: " + why,
                            $"{ErrorIds.OperatorNotQuantizable}: {why}; it stays float between QUANTIZE/DEQUANTIZE ops.");
                        continue;
                    }

                    sq.BeginNotes();
                    try
                    {
                        quantizer!.QuantizeStatic(sq, i, act);
                    }
                    catch (NonFiniteWeightsException e)
                    {
                        sq.EndNotes();
                        if (options.Strict) throw NotQuantizable(st.Layer, e.Message);
                        st.Decide(LayerQuantizationDecision.Float, "stays float: " + e.Message, $"{ErrorIds.OperatorNotQuantizable}: {e.Message}; it stays float.");
                        continue;
                    }

                    st.Decide(LayerQuantizationDecision.Quantized, $"{ActName(act)} activations" + sq.EndNotes());
                }

                sq.Materialize(calibrated ? options.OutputType : IoType.Float32);
            }

            // 2. Weights (DynamicRange / WeightOnly / Float16 / BFloat16 layers).
            for (int i = 0; i < states.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var st = states[i];
                switch (st.Mode)
                {
                    case null:
                        st.Decide(LayerQuantizationDecision.Float, st.Rule is { } r ? "excluded by rule: " + r : "excluded");
                        break;
                    case QuantizationMode.Float16 or QuantizationMode.BFloat16:
                    {
                        var type = st.Mode == QuantizationMode.Float16 ? TensorType.Float16 : TensorType.BFloat16;
                        int k = sq.ReduceFloatConstants(i, type);
                        if (k > 0) st.Decide(LayerQuantizationDecision.Quantized, $"{k} constant input{(k == 1 ? "" : "s")} stored as {TensorTypeInfo.ShortName(type)} + DEQUANTIZE");
                        else st.Decide(LayerQuantizationDecision.Unchanged, "no float32 constants");
                        break;
                    }

                    case QuantizationMode.WeightOnly:
                    {
                        var quantizer = OperatorQuantizerRegistry.Find(sq.OpCode(i));
                        string? how;
                        try
                        {
                            how = quantizer is null ? null : sq.QuantizeWeightsOnly(i, quantizer);
                        }
                        catch (NonFiniteWeightsException e)
                        {
                            st.Decide(LayerQuantizationDecision.Float, "stays float: " + e.Message);
                            break;
                        }

                        if (how is not null) st.Decide(LayerQuantizationDecision.Quantized, how);
                        else if (HasFloatConstants(sq, i)) st.Decide(LayerQuantizationDecision.Float, "no weight-only form for its constants (they stay float32)");
                        else st.Decide(LayerQuantizationDecision.Unchanged, "no weights");
                        break;
                    }

                    case QuantizationMode.DynamicRange:
                    {
                        var quantizer = OperatorQuantizerRegistry.Find(sq.OpCode(i));
                        string? why = quantizer is null ? "no dynamic-range (hybrid) kernel" : quantizer.CheckDynamic(sq, i);
                        if (why is null)
                        {
                            sq.BeginNotes();
                            try
                            {
                                quantizer!.QuantizeDynamic(sq, i, options.Granularity);
                                st.Decide(LayerQuantizationDecision.Quantized, "hybrid: float activations" + sq.EndNotes());
                            }
                            catch (NonFiniteWeightsException e)
                            {
                                sq.EndNotes();
                                st.Decide(LayerQuantizationDecision.Float, "stays float: " + e.Message);
                            }
                        }
                        else if (HasFloatConstants(sq, i))
                        {
                            st.Decide(LayerQuantizationDecision.Float, "stays float: " + why);
                        }
                        else
                        {
                            st.Decide(LayerQuantizationDecision.Unchanged, "no weights");
                        }

                        break;
                    }
                }

                done++;
                progress?.Report(new QuantizationProgress(activity, $"layer {done} of {totalOps}", Math.Min(99, done * 100 / totalOps)));
            }

            sq.Commit();
            reports.AddRange(states.Select(st => st.ToReport()));
        }

        OperatorVersions.Update(result);
        GraphCompactor.Compact(result);
        var issues = ModelValidator.Validate(result);
        if (issues.Count > 0)
        {
            throw new InvalidOperationException("Quantization produced an inconsistent model (a bug): " + string.Join("; ", issues.Take(5)));
        }

        progress?.Report(new QuantizationProgress(activity, "done", 100));
        return new QuantizationResult(result, reports, statistics);
    }

    /// <summary>The mode a plan rule names, or null (no mode, or not a mode name).</summary>
    internal static QuantizationMode? ParseMode(LayerRule rule)
    {
        if (rule.Mode is null) return null;
        if (Enum.TryParse<QuantizationMode>(rule.Mode, ignoreCase: true, out var m) && Enum.IsDefined(m)) return m;
        throw new ModelOptimizationException(ErrorIds.ParameterCombinationInvalid, ErrorKind.InvalidArgument,
            $"The plan rule '{rule}' names mode '{rule.Mode}', which is not a quantization mode.", rule.Mode,
            "Use one of " + string.Join(", ", Enum.GetNames<QuantizationMode>()) + ".");
    }

    private static ModelOptimizationException NotQuantizable(LayerRef layer, string why)
        => new(ErrorIds.OperatorNotQuantizable, ErrorKind.NotImplemented,
            $"Layer {layer.Index} {layer.OpType} '{layer.Name}' cannot be quantized ({why}); -Strict forbids float layers.",
            layer.Name, "Exclude the layer with Set-LayerExclusion (it then stays float on purpose), or drop -Strict.");

    private static string ActName(ActivationType act) => act == ActivationType.Int8 ? "int8" : "int16";

    private static bool HasFloatActivations(SubgraphQuantizer q, int op)
        => q.Op(op).Inputs.Any(q.IsFloatActivation) || q.Op(op).Outputs.Any(q.IsFloatActivation);

    private static bool HasFloatConstants(SubgraphQuantizer q, int op) => q.Op(op).Inputs.Any(t => t >= 0 && q.IsFloatConstant(t));

    private static string Tag(QuantizationOptions o) => o.Mode switch
    {
        QuantizationMode.DynamicRange => "dynamic_int8",
        QuantizationMode.FullInteger => "int8",
        QuantizationMode.Int16x8 => "int16x8",
        QuantizationMode.Float16 => "float16",
        QuantizationMode.BFloat16 => "bfloat16",
        _ => $"weight_only_int{o.WeightBits}" + (o.Granularity == WeightGranularity.Blockwise ? $"_block{o.BlockSize}" : ""),
    };

    private static string Describe(QuantizationOptions o) => o.Mode switch
    {
        QuantizationMode.WeightOnly => $"WeightOnly int{o.WeightBits} {o.Granularity}" + (o.Granularity == WeightGranularity.Blockwise ? $" {o.BlockSize}" : ""),
        QuantizationMode.DynamicRange => $"DynamicRange {o.Granularity}",
        QuantizationMode.FullInteger or QuantizationMode.Int16x8 => $"{o.Mode} ({o.Calibration.Method}" + (o.InputType != IoType.Float32 || o.OutputType != IoType.Float32 ? $", {o.InputType} in, {o.OutputType} out)" : ")"),
        _ => o.Mode.ToString(),
    };

    /// <summary>What happened to one layer, collected while the subgraph is rewritten.</summary>
    private sealed class LayerState(LayerRef layer, QuantizationMode? mode, LayerRule? rule)
    {
        private readonly List<string> _warnings = [];
        private LayerQuantizationDecision _decision = LayerQuantizationDecision.Unchanged;
        private string? _reason;

        public LayerRef Layer { get; } = layer;

        public QuantizationMode? Mode { get; } = mode;

        public LayerRule? Rule { get; } = rule;

        public void Decide(LayerQuantizationDecision decision, string reason, string? warning = null)
        {
            _decision = decision;
            _reason = reason;
            if (warning is not null) _warnings.Add(warning);
        }

        public LayerQuantizationReport ToReport() => new()
        {
            Subgraph = Layer.Subgraph,
            Index = Layer.Index,
            Name = Layer.Name,
            OpType = Layer.OpType,
            Decision = _decision,
            Mode = _decision == LayerQuantizationDecision.Quantized ? Mode : null,
            Reason = _reason ?? (Rule is { } r && Mode is not null ? "included by rule: " + r : "nothing to do"),
            Warnings = _warnings.ToArray(),
        };
    }
}
