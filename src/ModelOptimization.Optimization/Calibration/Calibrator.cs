using ModelOptimization.Core.Data;
using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Optimization.Quantization;
using ModelOptimization.Runtime;

namespace ModelOptimization.Optimization.Calibration;

/// <summary>
/// Runs samples through the float model in the interpreter and records <see cref="TensorStatistics"/> of every
/// float activation (inputs included) of the subgraph it runs.
/// </summary>
public static class Calibrator
{
    /// <summary>
    /// Streams <paramref name="data"/> (at most <see cref="CalibrationOptions.MaxSamples"/>) through
    /// <paramref name="model"/>. NaN or infinity in a sample or an activation gives
    /// <see cref="ErrorIds.CalibrationDataInvalid"/> naming the tensor; so does a dataset without samples.
    /// </summary>
    public static CalibrationStatistics Calibrate(Model model, IDataset data, CalibrationOptions? options = null,
        IProgress<QuantizationProgress>? progress = null, CancellationToken cancellationToken = default)
        => Calibrate(model, data, options, progress, cancellationToken, collectHessians: false);

    /// <summary>
    /// As the public overload; with <paramref name="collectHessians"/> also sums the input Hessian of every CONV_2D,
    /// DEPTHWISE_CONV_2D and FULLY_CONNECTED (<see cref="CalibrationStatistics.Hessians"/>, for adaptive weight rounding).
    /// </summary>
    internal static CalibrationStatistics Calibrate(Model model, IDataset data, CalibrationOptions? options,
        IProgress<QuantizationProgress>? progress, CancellationToken cancellationToken, bool collectHessians)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new CalibrationOptions();
        options.Validate();
        using var interpreter = Interpreter.Create(model, new InterpreterOptions
        {
            PreserveIntermediates = true,
            ThreadCount = options.ThreadCount,
            CancellationToken = cancellationToken,
        });
        int s = interpreter.SubgraphIndex;
        var sg = model.Subgraphs[s];
        var produced = new HashSet<int>(sg.Operators.SelectMany(o => o.Outputs));
        var inputs = new HashSet<int>(sg.Inputs);
        var watched = new List<TensorStatisticsAccumulator>();
        for (int t = 0; t < sg.Tensors.Count; t++)
        {
            var tensor = sg.Tensors[t];
            if (tensor.Type != TensorType.Float32 || tensor.IsVariable || model.IsConstant(tensor)) continue;
            if (!produced.Contains(t) && !inputs.Contains(t)) continue;
            int channels = tensor.Shape.Length > 0 && tensor.Shape[^1] > 0 ? tensor.Shape[^1] : 0;
            watched.Add(new TensorStatisticsAccumulator(s, t, tensor.Name ?? $"tensor{t}", options.MovingAverageConstant, channels));
        }

        var hessians = new List<HessianAccumulator>();
        if (collectHessians)
        {
            for (int op = 0; op < sg.Operators.Count; op++)
            {
                if (HessianAccumulator.For(model, sg, op) is { } h) hessians.Add(h);
            }
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.ThreadCount, CancellationToken = cancellationToken };
        int limit = options.MaxSamples ?? int.MaxValue;
        int? total = data.Count is int c ? Math.Min(c, limit) : options.MaxSamples;
        int n = 0;
        const string activity = "Calibrating";
        foreach (var sample in data.GetSamples(cancellationToken))
        {
            if (n >= limit) break;
            cancellationToken.ThrowIfCancellationRequested();
            if (sample.Length != interpreter.Inputs.Count)
            {
                throw Invalid($"Calibration sample {n} has {sample.Length} input arrays but model '{model.Name}' has {interpreter.Inputs.Count} inputs.",
                    data.Name);
            }

            for (int k = 0; k < sample.Length; k++)
            {
                var info = interpreter.Inputs[k];
                var array = ToInputType(sample[k], info.DataType, n, info.Name);
                if (array is float[] f)
                {
                    for (int i = 0; i < f.Length; i++)
                    {
                        if (!float.IsFinite(f[i]))
                            throw Invalid($"Calibration sample {n} contains {f[i]} in input '{info.Name}' (element {i}).", info.Name);
                    }
                }

                interpreter.SetInput(k, array);
            }

            interpreter.Invoke();
            foreach (var acc in watched)
            {
                if (interpreter.GetTensor(acc.TensorIndex).Data is float[] values) acc.Add(values, n);
            }

            if (hessians.Count > 0)
            {
                int sampleIndex = n;
                var layerInputs = hessians.Select(h => interpreter.GetTensor(h.InputTensor)).ToArray();
                // Each layer sums into its own matrix, in sample order: the result does not depend on the threads.
                Parallel.For(0, hessians.Count, parallel, k =>
                {
                    if (layerInputs[k].Data is float[] x) hessians[k].Add(x, layerInputs[k].Shape, sampleIndex);
                });
            }

            n++;
            if (total is int tot && tot > 0)
                progress?.Report(new QuantizationProgress(activity, $"sample {n} of {tot}", Math.Min(99, n * 100 / tot)));
            else
                progress?.Report(new QuantizationProgress(activity, $"sample {n}", -1));
        }

        progress?.Report(new QuantizationProgress(activity, $"{n} samples", 100));
        if (n == 0)
        {
            throw Invalid($"The calibration data '{data.Name}' holds no samples.", data.Name);
        }

        return new CalibrationStatistics(model.Name, n, watched.Select(a => a.ToStatistics()))
        {
            Hessians = collectHessians ? hessians.ToDictionary(h => (s, h.Operator), h => h.ToHessian()) : null,
        };
    }

    /// <summary>Converts a sample array to the input's element type (numeric conversion only, no scaling).</summary>
    private static Array ToInputType(Array array, TensorType type, int sample, string input)
    {
        if (array is null) throw Invalid($"Calibration sample {sample} has no data for input '{input}'.", input);
        if (type == TensorType.Float32)
        {
            switch (array)
            {
                case float[]:
                    return array;
                case double[] d:
                    return Array.ConvertAll(d, v => (float)v);
                case byte[] b:
                    return Array.ConvertAll(b, v => (float)v);
                case sbyte[] sb:
                    return Array.ConvertAll(sb, v => (float)v);
                case short[] sh:
                    return Array.ConvertAll(sh, v => (float)v);
                case int[] i:
                    return Array.ConvertAll(i, v => (float)v);
            }
        }

        return array;
    }

    private static ModelOptimizationException Invalid(string message, object? target)
        => new(ErrorIds.CalibrationDataInvalid, ErrorKind.InvalidData, message, target,
            "Give samples that match the model's inputs (one array per input, in order) with finite values.");
}
