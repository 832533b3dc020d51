using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime;

namespace ModelOptimization.Optimization.Debugging;

/// <summary>
/// One quantized op alone, as a one-op model (the op, its constants and any constant-only producer chain such as a
/// DEQUANTIZE of weights) prepared once and fed per sample with the float model's values of its inputs, quantized
/// to the op's input parameters where it reads integers.
/// </summary>
internal sealed class IsolatedLayer
{
    private readonly Interpreter _run;
    private readonly Feed[] _feeds;
    private readonly Array?[] _buffers;

    private IsolatedLayer(Interpreter run, Feed[] feeds)
    {
        _run = run;
        _feeds = feeds;
        _buffers = new Array?[feeds.Length];
    }

    /// <summary>
    /// Where a mini-model input comes from: <see cref="ReferenceTensor"/> of the float run, or (no float twin)
    /// <see cref="QuantizedTensor"/> of the quantized run.
    /// </summary>
    private sealed record Feed(int MiniInput, int ReferenceTensor, bool ReferenceIsFloat, int QuantizedTensor, TensorType Type, QuantizationParameters? Quantization);

    /// <summary>True when an input has no float twin and is read from the quantized run's intermediates.</summary>
    public bool ReadsQuantizedRun => _feeds.Any(f => f.ReferenceTensor < 0);

    public static IsolatedLayer[] BuildAll(Model quantized, Model reference, IReadOnlyList<LayerMatch> all, IReadOnlyList<LayerMatch> layers,
        int threads, CancellationToken cancellationToken)
    {
        var qg = quantized.Subgraphs[0];
        var rg = reference.Subgraphs[0];
        var toReference = ReferenceTensors(quantized, reference, all);
        var producer = QuantizationDebugger.Producers(qg);
        var result = new IsolatedLayer[layers.Count];
        for (int l = 0; l < layers.Count; l++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            result[l] = Build(quantized, qg, rg, layers[l].QuantizedIndex, producer, toReference, threads, cancellationToken);
        }

        return result;
    }

    /// <summary>Runs the op on the values of one sample (both full runs have been invoked) and returns its first output.</summary>
    /// <remarks><paramref name="referenceFloats"/> gives a float tensor of the reference run (cached per sample by the caller).</remarks>
    public TensorValue Run(Func<int, float[]> referenceFloats, Interpreter reference, Interpreter quantized)
    {
        for (int i = 0; i < _feeds.Length; i++)
        {
            var f = _feeds[i];
            Array data;
            if (f.ReferenceTensor >= 0 && f.ReferenceIsFloat)
            {
                var values = referenceFloats(f.ReferenceTensor);
                data = f.Type == TensorType.Float32 ? values : _buffers[i] = QuantizationDebugger.ToType(values, f.Type, f.Quantization, _buffers[i]);
            }
            else
            {
                var value = f.ReferenceTensor >= 0 ? reference.GetTensor(f.ReferenceTensor) : quantized.GetTensor(f.QuantizedTensor);
                float[]? scratch = null;
                data = value.DataType == f.Type ? value.Data : QuantizationDebugger.ToType(QuantizationDebugger.Dequantize(value, ref scratch), f.Type, f.Quantization);
            }

            _run.SetInput(i, data);
        }

        _run.Invoke();
        return _run.GetOutput(0);
    }

    /// <summary>
    /// For each quantized tensor, the float model's tensor holding the same values (graph inputs by position, matched
    /// ops' outputs by slot, inserted conversions pass their input's twin on), or −1.
    /// </summary>
    internal static int[] ReferenceTensors(Model quantized, Model reference, IReadOnlyList<LayerMatch> matches)
    {
        var qg = quantized.Subgraphs[0];
        var rg = reference.Subgraphs[0];
        var map = new int[qg.Tensors.Count];
        Array.Fill(map, -1);
        for (int i = 0; i < qg.Inputs.Length; i++) map[qg.Inputs[i]] = rg.Inputs[i];
        var matched = new HashSet<int>();
        foreach (var m in matches)
        {
            matched.Add(m.QuantizedIndex);
            var qo = qg.Operators[m.QuantizedIndex].Outputs;
            var ro = rg.Operators[m.ReferenceIndex].Outputs;
            for (int k = 0; k < Math.Min(qo.Length, ro.Length); k++)
            {
                if (qo[k] >= 0 && ro[k] >= 0 && qg.Tensors[qo[k]].ElementCount == rg.Tensors[ro[k]].ElementCount) map[qo[k]] = ro[k];
            }
        }

        for (int i = 0; i < qg.Operators.Count; i++)
        {
            var op = qg.Operators[i];
            if (matched.Contains(i) || !QuantizationDebugger.IsConversion(quantized.CodeOf(op).Name)) continue;
            if (op.Inputs is [var src, ..] && src >= 0 && map[src] >= 0 && op.Outputs is [var dst, ..] && dst >= 0 && map[dst] < 0) map[dst] = map[src];
        }

        // Constants of the reference keep their twins by name (not needed for feeding, kept for completeness of the map).
        return map;
    }

    private static IsolatedLayer Build(Model quantized, Subgraph qg, Subgraph rg, int opIndex, int[] producer, int[] toReference, int threads,
        CancellationToken cancellationToken)
    {
        var ops = new List<int>();
        var constOnly = new Dictionary<int, bool>();
        bool IsConstOnly(int t)
        {
            if (constOnly.TryGetValue(t, out bool known)) return known;
            bool r;
            if (quantized.IsConstant(qg.Tensors[t])) r = true;
            else if (producer[t] is int p and >= 0 && qg.Operators[p].Inputs.All(i => i < 0 || IsConstOnly(i)) && qg.Operators[p].Inputs.Any(i => i >= 0))
            {
                r = true;
                if (!ops.Contains(p)) ops.Add(p);
            }
            else r = false;
            constOnly[t] = r;
            return r;
        }

        var op = qg.Operators[opIndex];
        var inputs = new List<int>();
        foreach (int t in op.Inputs)
        {
            if (t >= 0 && !IsConstOnly(t) && !inputs.Contains(t)) inputs.Add(t);
        }

        ops.Sort();
        ops.Add(opIndex);

        var remap = new Dictionary<int, int>();
        var mini = new Subgraph { Name = "isolated" };
        int Map(int t)
        {
            if (t < 0) return t;
            if (remap.TryGetValue(t, out int m)) return m;
            var copy = qg.Tensors[t].Clone();
            m = mini.AddTensor(copy);
            remap[t] = m;
            // Blockwise scales and zero points are tensors of the subgraph too: bring them along.
            if (copy.Quantization is { Details: BlockwiseQuantization b } q)
            {
                copy.Quantization = new QuantizationParameters
                {
                    Min = q.Min, Max = q.Max, Scale = q.Scale, ZeroPoint = q.ZeroPoint, QuantizedDimension = q.QuantizedDimension,
                    Details = b with { Scales = Map(b.Scales), ZeroPoints = Map(b.ZeroPoints) },
                };
            }

            return m;
        }

        foreach (int t in inputs) Map(t);
        foreach (int i in ops)
        {
            var src = qg.Operators[i];
            var copy = src.Clone();
            copy.Inputs = src.Inputs.Select(Map).ToArray();
            copy.Outputs = src.Outputs.Select(Map).ToArray();
            copy.Intermediates = src.Intermediates?.Select(Map).ToArray();
            mini.Operators.Add(copy);
        }

        mini.Inputs = inputs.Select(t => remap[t]).ToArray();
        mini.Outputs = op.Outputs.Where(t => t >= 0).Select(t => remap[t]).ToArray();
        var model = new Model
        {
            Name = $"{quantized.Name}#op{opIndex}",
            Version = quantized.Version,
            OperatorCodes = quantized.OperatorCodes,
            Buffers = quantized.Buffers,
            Subgraphs = [mini, .. quantized.Subgraphs.Skip(1)],
            Storage = quantized.Storage,
        };
        var run = Interpreter.Create(model, new InterpreterOptions { ThreadCount = threads, CancellationToken = cancellationToken });
        var feeds = inputs.Select((t, i) => new Feed(i, toReference[t], toReference[t] >= 0 && rg.Tensors[toReference[t]].Type == TensorType.Float32, t, qg.Tensors[t].Type, qg.Tensors[t].Quantization)).ToArray();
        return new IsolatedLayer(run, feeds);
    }
}
