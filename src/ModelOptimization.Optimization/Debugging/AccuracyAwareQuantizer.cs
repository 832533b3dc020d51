using System.Text;
using ModelOptimization.Core.Data;
using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Optimization.Calibration;
using ModelOptimization.Optimization.Quantization;
using ModelOptimization.Runtime;

namespace ModelOptimization.Optimization.Debugging;

/// <summary>
/// Accuracy-aware quantization: quantize, measure the first output against the float model on validation samples
/// (SQNR, and top-1 accuracy against the labels when an accuracy target is set), and while the target is not met,
/// exclude the layer that helps most among the next <see cref="CandidatesPerStep"/> of an output sensitivity ranking
/// (the output metric with only that layer excluded, measured for the <see cref="SensitivityCandidates"/> layers with
/// the worst isolated error and re-measured when the ranking is used up), keeping it even when no candidate helps on
/// its own; when the target is met, exclusions it no longer needs are put back; calibration runs once.
/// </summary>
public static class AccuracyAwareQuantizer
{
    /// <summary>Layers (worst isolated error first) tried as the next exclusion in each step.</summary>
    public const int CandidatesPerStep = 3;

    /// <summary>Validation samples the isolated error and output sensitivity rankings read (the step metrics read all).</summary>
    public const int RankingSamples = 16;

    /// <summary>Layers (worst isolated error first) whose output sensitivity is measured per ranking.</summary>
    public const int SensitivityCandidates = 12;

    /// <summary>
    /// Quantizes <paramref name="model"/> with <paramref name="options"/> and excludes layers (rules added to a copy
    /// of the model's plan, reason "accuracy-aware: SQNR x dB") until <paramref name="target"/> holds. The input model
    /// and its plan are not changed.
    /// </summary>
    /// <exception cref="ModelOptimizationException">
    /// ParameterCombinationInvalid (no target, or an accuracy target without labels); AccuracyTargetUnreachable
    /// (nothing left to exclude or MaxExcludedLayers reached; the message gives the best reached).
    /// </exception>
    public static AccuracyAwareResult Quantize(Model model, QuantizationOptions options, IDataset validation, AccuracyTarget target,
        IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(target);
        if (target.MinSqnrDb is null && target.MaxAccuracyDrop is null)
        {
            throw new ModelOptimizationException(ErrorIds.ParameterCombinationInvalid, ErrorKind.InvalidArgument,
                "Accuracy-aware quantization needs a target: a minimum SQNR or a maximum accuracy drop.", target, "Give -TargetSqnrDb or -MaxAccuracyDrop.");
        }

        if (target.MaxAccuracyDrop is not null && validation.Labels is null)
        {
            throw new ModelOptimizationException(ErrorIds.ParameterCombinationInvalid, ErrorKind.InvalidArgument,
                $"An accuracy target needs labels, but the validation dataset '{validation.Name}' has none.", validation.Name,
                "Use a dataset with labels (e.g. an IDX label file), or a SQNR target.");
        }

        options.Validate();
        if (target.MaxExcludedLayers is < 0)
            throw new ModelOptimizationException(ErrorIds.ParameterCombinationInvalid, ErrorKind.InvalidArgument, "MaxExcludedLayers must not be negative.", target);

        // Calibrate once; every re-quantization reuses the statistics.
        var work = model.Clone();
        work.Source = model.Source;
        if (QuantizationOptions.NeedsCalibration(options.Mode) || work.Plan.Rules.Any(r => r.Action == LayerRuleAction.Include)
            || options.WeightRounding == WeightRounding.Adaptive)
        {
            if (options.Statistics is null && options.CalibrationData is not null)
            {
                progress?.Report("calibrating");
                options = options with
                {
                    Statistics = Calibrator.Calibrate(model, options.CalibrationData, options.Calibration, null, cancellationToken,
                        collectHessians: options.WeightRounding == WeightRounding.Adaptive),
                };
            }
        }

        var evaluator = new Evaluator(model, validation, options.Calibration.ThreadCount, target.MaxAccuracyDrop is not null, cancellationToken);
        progress?.Report("quantizing");
        var current = Quantize(work, options, model, cancellationToken);
        var metric = evaluator.Evaluate(current.Model);
        double initialSqnr = metric.Sqnr;
        double? initialAccuracy = metric.Accuracy;
        var steps = new List<AccuracyAwareStep>();
        var excluded = new List<string>();
        progress?.Report($"plain quantization: {Describe(metric)}");

        // Output sensitivity ranking: each candidate's output metric with only it (on top of the exclusions so far)
        // excluded, on the first RankingSamples samples; re-ranked when the list runs out.
        var ranked = new List<(LayerErrorRecord Layer, double Score)>();
        while (!Met(metric, target, evaluator.FloatAccuracy))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (target.MaxExcludedLayers is int limit && excluded.Count >= limit) throw Unreachable(metric, target, evaluator.FloatAccuracy, excluded, "the exclusion limit is reached");
            if (ranked.Count == 0) ranked = Rank(current.Model, work, options, model, validation, evaluator, target, excluded, steps.Count + 1, progress, cancellationToken);
            var candidates = ranked.Take(CandidatesPerStep).Select(x => x.Layer).ToList();
            if (candidates.Count == 0) throw Unreachable(metric, target, evaluator.FloatAccuracy, excluded, "no quantized layer is left to exclude");

            (LayerErrorRecord Layer, QuantizationResult Result, Metric Metric, Model Work)? best = null;
            foreach (var c in candidates)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var trial = WithExclusion(work, c);
                progress?.Report($"step {steps.Count + 1}: trying to exclude {c.OpType} '{c.LayerName}'");
                var r = Quantize(trial, options, model, cancellationToken);
                var m = evaluator.Evaluate(r.Model);
                if (best is null || Better(m, best.Value.Metric, target)) best = (c, r, m, trial);
            }

            // The best candidate is kept even when it does not help yet: a run of float layers saves the
            // requantizations between them, which no single exclusion shows.
            var b = best!.Value;
            double before = Primary(metric, target), after = Primary(b.Metric, target);
            steps.Add(new AccuracyAwareStep(steps.Count + 1, b.Layer.LayerName, b.Layer.LayerIndex, b.Layer.OpType,
                $"accuracy-aware: SQNR {b.Layer.SqnrDb:F1} dB", before, after));
            excluded.Add(b.Layer.LayerName);
            ranked.RemoveAll(x => x.Layer.LayerName == b.Layer.LayerName);
            work = b.Work;
            current = b.Result;
            metric = b.Metric;
            progress?.Report($"excluded {b.Layer.OpType} '{b.Layer.LayerName}': {Describe(metric)}");
        }

        // Greedy exclusions overshoot: layers excluded early often stop mattering once later ones are float. Put each
        // back (in exclusion order) when the target still holds without it, then replay the kept exclusions so the
        // steps report the metric after each of them.
        if (steps.Count > 1)
        {
            var kept = steps.ToList();
            foreach (var s in steps)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var without = kept.Where(k => k != s).ToList();
                progress?.Report($"checking whether '{s.LayerName}' is still needed");
                var trial = WithExclusions(model, without);
                var r = Quantize(trial, options, model, cancellationToken);
                var m = evaluator.Evaluate(r.Model);
                if (!Met(m, target, evaluator.FloatAccuracy)) continue;
                kept = without;
                work = trial;
                current = r;
                metric = m;
                progress?.Report($"put back {s.OpType} '{s.LayerName}': {Describe(m)}");
            }

            if (kept.Count < steps.Count)
            {
                var replayed = new List<AccuracyAwareStep>();
                double before = Primary(new Metric(initialSqnr, initialAccuracy), target);
                for (int i = 0; i < kept.Count; i++)
                {
                    double after = Primary(metric, target);
                    if (i < kept.Count - 1)
                    {
                        var r = Quantize(WithExclusions(model, kept.Take(i + 1).ToList()), options, model, cancellationToken);
                        after = Primary(evaluator.Evaluate(r.Model), target);
                    }

                    replayed.Add(kept[i] with { Step = i + 1, MetricBefore = before, MetricAfter = after });
                    before = after;
                }

                steps = replayed;
                excluded = kept.Select(k => k.LayerName).ToList();
            }
        }

        return new AccuracyAwareResult(current, steps, initialSqnr, metric.Sqnr, evaluator.FloatAccuracy, initialAccuracy, metric.Accuracy, excluded);
    }

    /// <summary>
    /// Ranks the not yet excluded quantized layers by output sensitivity: the <see cref="SensitivityCandidates"/> with
    /// the worst isolated error (all when there are few), each excluded alone on top of <paramref name="work"/>'s plan
    /// and measured on the first <see cref="RankingSamples"/> validation samples; best output metric first.
    /// </summary>
    private static List<(LayerErrorRecord Layer, double Score)> Rank(Model quantized, Model work, QuantizationOptions options, Model model,
        IDataset validation, Evaluator evaluator, AccuracyTarget target, List<string> excluded, int step, IProgress<string>? progress,
        CancellationToken cancellationToken)
    {
        progress?.Report($"step {step}: ranking layers by output sensitivity");
        var isolated = QuantizationDebugger.Measure(quantized, model, validation,
            new QuantizationDebugOptions { Mode = ErrorMeasurementMode.Isolated, MaxSamples = RankingSamples, ThreadCount = options.Calibration.ThreadCount },
            cancellationToken: cancellationToken);
        var pool = isolated.Layers
            .Where(l => !excluded.Contains(l.LayerName))
            .OrderBy(l => l.SqnrDb)
            .ThenByDescending(l => double.IsNaN(l.RmseOverScale) ? 0 : l.RmseOverScale)
            .Take(SensitivityCandidates)
            .ToList();
        var ranked = new List<(LayerErrorRecord Layer, double Score, double Sqnr)>();
        foreach (var l in pool)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var r = Quantize(WithExclusion(work, l), options, model, cancellationToken);
            var m = evaluator.Evaluate(r.Model, RankingSamples);
            double score = Primary(m, target);
            ranked.Add((l, double.IsNaN(score) ? double.NegativeInfinity : score, m.Sqnr));
        }

        return ranked.OrderByDescending(x => x.Score).ThenByDescending(x => x.Sqnr).Select(x => (x.Layer, x.Score)).ToList();
    }

    private static Model WithExclusions(Model model, List<AccuracyAwareStep> steps)
    {
        var trial = model.Clone();
        trial.Source = model.Source;
        trial.Plan = model.Plan.Clone();
        foreach (var s in steps)
        {
            trial.Plan.Rules.Add(new LayerRule { Name = [EscapeWildcard(s.LayerName)], Index = [s.LayerIndex], Subgraph = 0, Reason = s.Reason });
        }

        return trial;
    }

    private static Model WithExclusion(Model work, LayerErrorRecord layer)
    {
        var trial = work.Clone();
        trial.Source = work.Source;
        trial.Plan = work.Plan.Clone();
        trial.Plan.Rules.Add(new LayerRule
        {
            Name = [EscapeWildcard(layer.LayerName)],
            Index = [layer.LayerIndex],
            Subgraph = 0,
            Reason = $"accuracy-aware: SQNR {layer.SqnrDb:F1} dB",
        });
        return trial;
    }

    private static QuantizationResult Quantize(Model work, QuantizationOptions options, Model original, CancellationToken cancellationToken)
    {
        var result = ModelQuantizer.Quantize(work, options, null, cancellationToken);
        result.Model.Source = original;
        return result;
    }

    private static bool Met(Metric m, AccuracyTarget t, double? floatAccuracy)
        => (t.MinSqnrDb is not { } s || m.Sqnr >= s)
           && (t.MaxAccuracyDrop is not { } d || (m.Accuracy is { } a && floatAccuracy is { } f && f - a <= d));

    /// <summary>The metric steps report and candidates compete on: accuracy with an accuracy target, else SQNR.</summary>
    private static double Primary(Metric m, AccuracyTarget t) => t.MaxAccuracyDrop is not null ? m.Accuracy ?? double.NaN : m.Sqnr;

    private static bool Better(Metric a, Metric b, AccuracyTarget t)
    {
        double pa = Primary(a, t), pb = Primary(b, t);
        return pa > pb || (pa == pb && a.Sqnr > b.Sqnr);
    }

    private static string Describe(Metric m) => $"SQNR {m.Sqnr:F2} dB" + (m.Accuracy is { } a ? $", accuracy {a:F2} %" : "");

    private static ModelOptimizationException Unreachable(Metric m, AccuracyTarget t, double? floatAccuracy, List<string> excluded, string why)
        => new(ErrorIds.AccuracyTargetUnreachable, ErrorKind.LimitsExceeded,
            $"The target ({t}) cannot be met: {why}. Best reached: {Describe(m)}"
            + (floatAccuracy is { } f && m.Accuracy is not null ? $" (float {f:F2} %)" : "")
            + $" with {excluded.Count} layer{(excluded.Count == 1 ? "" : "s")} excluded"
            + (excluded.Count > 0 ? ": " + string.Join(", ", excluded.Select(e => $"'{e}'")) : "") + ".",
            t, "Lower the target, allow more exclusions, or use a mode with more bits (Int16x8) or better calibration.");

    private static string EscapeWildcard(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            if (c is '*' or '?' or '[' or ']' or '`') sb.Append('`');
            sb.Append(c);
        }

        return sb.ToString();
    }

    private readonly record struct Metric(double Sqnr, double? Accuracy);

    /// <summary>Runs quantized models on the validation samples against the float model (whose first output is cached when small).</summary>
    private sealed class Evaluator
    {
        /// <summary>Cache the float outputs when they hold at most this many floats (128 MB).</summary>
        private const long CacheLimit = 32L << 20;

        private readonly Model _reference;
        private readonly IDataset _data;
        private readonly int _threads;
        private readonly bool _accuracy;
        private readonly CancellationToken _cancellationToken;
        private List<float[]>? _cache;
        private bool _first = true;

        public Evaluator(Model reference, IDataset data, int threads, bool accuracy, CancellationToken cancellationToken)
        {
            _reference = reference;
            _data = data;
            _threads = threads;
            _accuracy = accuracy;
            _cancellationToken = cancellationToken;
        }

        public double? FloatAccuracy { get; private set; }

        /// <summary>Output metric of <paramref name="quantized"/> on all samples, or the first <paramref name="maxSamples"/>.</summary>
        public Metric Evaluate(Model quantized, int maxSamples = int.MaxValue)
        {
            using var q = Interpreter.Create(quantized, new InterpreterOptions { ThreadCount = _threads, CancellationToken = _cancellationToken });
            Interpreter? f = _cache is null ? Interpreter.Create(_reference, new InterpreterOptions { ThreadCount = _threads, CancellationToken = _cancellationToken }) : null;
            var error = new ErrorAccumulator();
            var labels = _data.Labels;
            var cache = _first ? new List<float[]>() : null;
            long cached = 0;
            int n = 0, correct = 0, floatCorrect = 0;
            float[]? scratch = null;
            try
            {
                foreach (var sample in _data.GetSamples(_cancellationToken))
                {
                    if (n >= maxSamples && !_first) break;
                    float[] reference;
                    if (_cache is not null)
                    {
                        reference = _cache[n];
                    }
                    else
                    {
                        QuantizationDebugger.SetInputs(f!, sample, _data.Name);
                        f!.Invoke();
                        reference = f.GetOutput(0).ToFloats();
                        if (cache is not null && (cached += reference.Length) <= CacheLimit) cache.Add(reference);
                        else cache = null;
                    }

                    QuantizationDebugger.SetInputs(q, sample, _data.Name);
                    q.Invoke();
                    var output = QuantizationDebugger.Dequantize(q.GetOutput(0), ref scratch);
                    error.Add(reference, output);
                    if (_accuracy && labels is not null && n < labels.Count)
                    {
                        if (OutputAccumulator.ArgMax(output) == labels[n]) correct++;
                        if (_first && OutputAccumulator.ArgMax(reference) == labels[n]) floatCorrect++;
                    }

                    n++;
                }
            }
            finally
            {
                f?.Dispose();
            }

            if (n == 0)
            {
                throw new ModelOptimizationException(ErrorIds.CalibrationDataInvalid, ErrorKind.InvalidData, $"The validation dataset '{_data.Name}' has no samples.",
                    _data.Name, "Give at least one validation sample.");
            }

            int labelled = labels is null ? 0 : Math.Min(n, labels.Count);
            if (_first)
            {
                _first = false;
                _cache = cache;
                if (_accuracy && labelled > 0) FloatAccuracy = 100.0 * floatCorrect / labelled;
            }

            return new Metric(error.SqnrDb, _accuracy && labelled > 0 ? 100.0 * correct / labelled : null);
        }
    }
}
