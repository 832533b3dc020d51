using ModelOptimization.Core.Data;
using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime;

namespace ModelOptimization.Optimization.Debugging;

/// <summary>
/// The quantization debugger: compares a quantized model with the float model it came from, layer by layer and
/// output by output (as TFLite's QuantizationDebugger and onnxruntime's qdq_loss_debug do), on samples streamed
/// from a dataset.
/// </summary>
public static partial class QuantizationDebugger
{
    /// <summary>RMSE/scale above which a layer is suspicious (TFLite debugger tutorial: 0.7; uniform rounding alone gives 1/√12 ≈ 0.29).</summary>
    public const double DefaultRmseOverScaleThreshold = 0.7;

    /// <summary>
    /// SQNR below which a layer without an output scale (hybrid, weight-only, float16) is suspicious: 20 dB is an
    /// error of 10 % of the signal's RMS; per-channel int8 weights alone typically give 35–45 dB per layer.
    /// </summary>
    public const double DefaultMinSqnrDb = 20;

    /// <summary>
    /// Runs both models on the samples of <paramref name="data"/> (float samples; quantized with the quantized
    /// model's input parameters where its inputs are integer) and measures every quantized layer and every output.
    /// See <see cref="LayerErrorRecord"/> for the metric definitions. <paramref name="samplesDone"/> gets the number of
    /// samples finished.
    /// </summary>
    /// <exception cref="ModelOptimizationException">GraphStructureMismatch, InputDataInvalid, CalibrationDataInvalid (no samples).</exception>
    public static QuantizationErrorReport Measure(Model quantized, Model reference, IDataset data, QuantizationDebugOptions? options = null,
        IProgress<int>? samplesDone = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new QuantizationDebugOptions();
        if (options.MaxSamples is <= 0)
            throw new ModelOptimizationException(ErrorIds.ParameterCombinationInvalid, ErrorKind.InvalidArgument, "MaxSamples must be at least 1.", options.MaxSamples);
        var matches = MatchLayers(quantized, reference);
        if (options.Layers is { } chosen) matches = matches.Select(m => m with { IsQuantized = chosen.ContainsKey(m.ReferenceIndex) }).ToList();
        var rg = reference.Subgraphs[0];
        var qg = quantized.Subgraphs[0];
        var layers = matches.Where(m => m.IsQuantized && rg.Tensors[m.ReferenceTensor].Type == TensorType.Float32).ToList();
        bool isolated = options.Mode == ErrorMeasurementMode.Isolated;

        using var refRun = Interpreter.Create(reference, new InterpreterOptions
        {
            PreserveIntermediates = layers.Count > 0, ThreadCount = options.ThreadCount, CancellationToken = cancellationToken,
        });
        var minis = isolated ? IsolatedLayer.BuildAll(quantized, reference, matches, layers, options.ThreadCount, cancellationToken) : null;
        using var qRun = Interpreter.Create(quantized, new InterpreterOptions
        {
            PreserveIntermediates = minis is null ? layers.Count > 0 : minis.Any(m => m.ReadsQuantizedRun),
            ThreadCount = options.ThreadCount,
            CancellationToken = cancellationToken,
        });

        var accs = layers.Select(_ => new ErrorAccumulator()).ToArray();
        var buffers = new float[]?[layers.Count];
        var outputs = Enumerable.Range(0, rg.Outputs.Length).Select(i => new OutputAccumulator(reference, i)).ToArray();
        int samples = 0;
        var referenceValues = new Dictionary<int, float[]>();
        float[] Reference(int t)
        {
            if (!referenceValues.TryGetValue(t, out var v)) referenceValues[t] = v = (float[])refRun.GetTensor(t).Data;
            return v;
        }

        foreach (var sample in data.GetSamples(cancellationToken))
        {
            if (options.MaxSamples is int max && samples >= max) break;
            cancellationToken.ThrowIfCancellationRequested();
            SetInputs(refRun, sample, data.Name);
            SetInputs(qRun, sample, data.Name);
            refRun.Invoke();
            qRun.Invoke();
            referenceValues.Clear();
            for (int l = 0; l < layers.Count; l++)
            {
                var f = Reference(layers[l].ReferenceTensor);
                var q = minis is null ? qRun.GetTensor(layers[l].QuantizedTensor) : minis[l].Run(Reference, refRun, qRun);
                accs[l].Add(f, Dequantize(q, ref buffers[l]));
            }

            for (int o = 0; o < outputs.Length; o++)
            {
                float[]? a = null, b = null;
                outputs[o].Add(Dequantize(refRun.GetOutput(o), ref a), Dequantize(qRun.GetOutput(o), ref b));
            }

            samples++;
            samplesDone?.Report(samples);
        }

        if (samples == 0)
        {
            throw new ModelOptimizationException(ErrorIds.CalibrationDataInvalid, ErrorKind.InvalidData, $"The dataset '{data.Name}' has no samples.", data.Name,
                "Give at least one sample.");
        }

        var records = new List<LayerErrorRecord>(layers.Count);
        for (int l = 0; l < layers.Count; l++)
        {
            var m = layers[l];
            var qop = qg.Operators[m.QuantizedIndex];
            var outTensor = qg.Tensors[m.QuantizedTensor];
            var oq = outTensor.Type != TensorType.Float32 && outTensor.Quantization is { IsQuantized: true, Scale: { Length: 1 } s } p ? p : null;
            var a = accs[l];
            var weight = WeightParameters(quantized, qg, qop);
            var shown = options.Layers?.GetValueOrDefault(m.ReferenceIndex);
            records.Add(new LayerErrorRecord
            {
                LayerIndex = shown?.Index ?? m.ReferenceIndex,
                LayerName = shown?.Name ?? m.Name,
                OpType = shown?.OpType ?? m.OpType,
                QuantizedIndex = m.QuantizedIndex,
                Mode = options.Mode.ToString(),
                NumElements = a.NumElements,
                Samples = a.Samples,
                MeanError = a.MeanError,
                StdDev = a.StdDev,
                MaxAbsError = a.MaxAbsError,
                MeanSquaredError = a.MeanSquaredError,
                RmseOverScale = oq is null ? double.NaN : Math.Sqrt(a.MeanSquaredError) / oq.Scale![0],
                SqnrDb = a.SqnrDb,
                CosineSimilarity = a.CosineSimilarity,
                Scale = oq?.Scale![0],
                ZeroPoint = oq is null ? null : oq.ZeroPoint is { Length: > 0 } z ? z[0] : 0,
                OutputType = TensorTypeInfo.ShortName(outTensor.Type),
                WeightScale = weight?.Scale is { Length: > 0 } ws ? Summarize(ws) : null,
                WeightScales = options.IncludeChannelDetail ? weight?.Scale?.Select(x => (double)x).ToArray() : null,
                WeightZeroPoints = options.IncludeChannelDetail ? weight?.ZeroPoint?.ToArray() : null,
            });
        }

        return new QuantizationErrorReport(records, outputs.Select(o => o.ToSummary()).ToList(), samples, options.Mode);
    }

    /// <summary>
    /// The layers worth excluding, in graph order: RmseOverScale above <paramref name="threshold"/> for 8-bit
    /// outputs, or, for layers without an 8-bit output scale (float outputs of hybrid/weight-only/float16 layers, and
    /// int16 outputs, whose tiny scale makes RMSE/scale large even when the error is small), SqnrDb below
    /// <paramref name="minSqnrDb"/>.
    /// </summary>
    public static IEnumerable<LayerErrorRecord> SuggestExclusions(IEnumerable<LayerErrorRecord> layers, double threshold = DefaultRmseOverScaleThreshold,
        double minSqnrDb = DefaultMinSqnrDb)
    {
        ArgumentNullException.ThrowIfNull(layers);
        return layers.Where(l => double.IsNaN(l.RmseOverScale) || l.OutputType is "int16" ? l.SqnrDb < minSqnrDb : l.RmseOverScale > threshold)
            .OrderBy(l => l.LayerIndex);
    }

    /// <summary>The quantized constant weight of an op (the source of a DEQUANTIZE'd constant too); biases skipped.</summary>
    private static QuantizationParameters? WeightParameters(Model model, Subgraph g, Operator op)
    {
        var producer = (int t) => g.Operators.FindIndex(o => o.Outputs.Contains(t));
        foreach (int input in op.Inputs)
        {
            if (input < 0) continue;
            int t = input;
            for (int depth = 0; depth < 4 && !model.IsConstant(g.Tensors[t]) && producer(t) is int p and >= 0
                 && IsConversion(model.CodeOf(g.Operators[p]).Name) && g.Operators[p].Inputs is [var src, ..] && src >= 0; depth++)
            {
                t = src;
            }

            var tensor = g.Tensors[t];
            if (!model.IsConstant(tensor) || tensor.Type is TensorType.Int32 or TensorType.Int64 or TensorType.Float32) continue;
            if (tensor.Quantization is { IsQuantized: true } q) return q;
        }

        return null;
    }

    private static ScaleSummary Summarize(float[] scales)
    {
        var sorted = scales.Select(s => (double)s).Order().ToArray();
        int n = sorted.Length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new ScaleSummary(sorted[0], median, sorted[^1], n);
    }

    /// <summary>Sets every input of <paramref name="run"/> from a sample, quantizing float values for integer inputs.</summary>
    internal static void SetInputs(Interpreter run, Array[] sample, string dataset)
    {
        if (sample.Length != run.Inputs.Count)
        {
            throw new ModelOptimizationException(ErrorIds.InputDataInvalid, ErrorKind.InvalidArgument,
                $"A sample of '{dataset}' has {sample.Length} arrays but the model has {run.Inputs.Count} inputs.", dataset,
                "Give one array per model input.");
        }

        for (int i = 0; i < sample.Length; i++) run.SetInput(i, ToType(sample[i], run.Inputs[i].DataType, run.Inputs[i].Quantization));
    }

    /// <summary>
    /// Values in the element type of a tensor: as they are when the type already fits, else float values quantized
    /// with the tensor's per-tensor parameters as TFLite's QUANTIZE does (round half away from zero, saturate).
    /// </summary>
    internal static Array ToType(Array values, TensorType type, QuantizationParameters? q, Array? reuse = null)
    {
        if (values is not float[] f || type == TensorType.Float32) return values;
        float scale = q is { Scale: { Length: > 0 } s } ? s[0] : 1f;
        int zp = q is { ZeroPoint: { Length: > 0 } z } ? (int)z[0] : 0;
        switch (type)
        {
            case TensorType.Int8:
            {
                var r = reuse is sbyte[] b && b.Length == f.Length ? b : new sbyte[f.Length];
                Kernels.Quantization.QuantizeFloatToInt8(f, r, scale, zp);
                return r;
            }

            case TensorType.UInt8:
            {
                var r = reuse is byte[] b && b.Length == f.Length ? b : new byte[f.Length];
                Kernels.Quantization.QuantizeFloatToUInt8(f, r, scale, zp);
                return r;
            }

            case TensorType.Int16:
            {
                var r = reuse is short[] b && b.Length == f.Length ? b : new short[f.Length];
                Kernels.Quantization.QuantizeFloatToInt16(f, r, scale, zp);
                return r;
            }

            case TensorType.Float16:
                return f.Select(x => (Half)x).ToArray();
            default:
                return values;
        }
    }

    /// <summary>The values as float: per-tensor int8/uint8/int16 dequantized (as TFLite's DEQUANTIZE) into a reused buffer; others through <see cref="TensorValue.ToFloats"/>.</summary>
    internal static float[] Dequantize(TensorValue v, ref float[]? buffer)
    {
        if (v.Data is float[] f && v.DataType == TensorType.Float32) return f;
        if (v.Quantization is not { IsQuantized: true, Scale: { Length: 1 } s } q) return v.ToFloats();
        float scale = s[0];
        int zp = q.ZeroPoint is { Length: > 0 } z ? (int)z[0] : 0;
        int n = v.Data.Length;
        if (buffer is null || buffer.Length != n) buffer = new float[n];
        switch (v.DataType)
        {
            case TensorType.Int8:
                Kernels.Quantization.DequantizeInt8((sbyte[])v.Data, buffer, scale, zp);
                return buffer;
            case TensorType.UInt8:
                Kernels.Quantization.DequantizeUInt8((byte[])v.Data, buffer, scale, zp);
                return buffer;
            case TensorType.Int16:
                Kernels.Quantization.DequantizeInt16((short[])v.Data, buffer, scale, zp);
                return buffer;
            default:
                return v.ToFloats();
        }
    }
}
