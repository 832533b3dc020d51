using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Optimization.Debugging;

public static partial class QuantizationDebugger
{
    /// <summary>
    /// Pairs every operator of the float model (subgraph 0) with the quantized model's operator that computes it:
    /// the producer of the tensor with the reference op's first-output name, followed back through inserted
    /// QUANTIZE/DEQUANTIZE ops; when names differ (a re-imported model), the k-th operator of the same type that is
    /// not a conversion. Reference QUANTIZE/DEQUANTIZE ops without a twin are skipped.
    /// </summary>
    /// <exception cref="ModelOptimizationException">GraphStructureMismatch naming the first layer without a twin.</exception>
    public static IReadOnlyList<LayerMatch> MatchLayers(Model quantized, Model reference)
    {
        ArgumentNullException.ThrowIfNull(quantized);
        ArgumentNullException.ThrowIfNull(reference);
        if (quantized.Subgraphs.Count == 0 || reference.Subgraphs.Count == 0)
            throw Mismatch("one of the models has no subgraph", reference.Name);
        var rg = reference.Subgraphs[0];
        var qg = quantized.Subgraphs[0];
        if (rg.Inputs.Length != qg.Inputs.Length || rg.Outputs.Length != qg.Outputs.Length)
        {
            throw Mismatch($"'{reference.Name}' has {rg.Inputs.Length} inputs and {rg.Outputs.Length} outputs, '{quantized.Name}' "
                + $"{qg.Inputs.Length} and {qg.Outputs.Length}", reference.Name);
        }

        var producer = Producers(qg);
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int t = 0; t < qg.Tensors.Count; t++)
        {
            if (qg.Tensors[t].Name is { } n) byName.TryAdd(n, t);
        }

        // Non-conversion quantized ops by type, for the positional fallback.
        var byType = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < qg.Operators.Count; i++)
        {
            string type = quantized.CodeOf(qg.Operators[i]).Name;
            if (IsConversion(type)) continue;
            if (!byType.TryGetValue(type, out var list)) byType[type] = list = [];
            list.Add(i);
        }

        var seenOfType = new Dictionary<string, int>(StringComparer.Ordinal);
        var used = new HashSet<int>();
        var matches = new List<LayerMatch>();
        for (int r = 0; r < rg.Operators.Count; r++)
        {
            var rop = rg.Operators[r];
            var layer = LayerRef.Of(reference, 0, r);
            string type = layer.OpType;
            int k = seenOfType.GetValueOrDefault(type);
            seenOfType[type] = k + 1;
            if (rop.Outputs.Length == 0 || rop.Outputs[0] < 0) continue;

            int q = -1;
            bool byNameMatch = false;
            if (rg.Tensors[rop.Outputs[0]].Name is { } name && byName.TryGetValue(name, out int qt))
            {
                int p = producer[qt];
                while (p >= 0 && quantized.CodeOf(qg.Operators[p]).Name != type && IsConversion(quantized.CodeOf(qg.Operators[p]).Name)
                       && qg.Operators[p].Inputs.Length > 0 && qg.Operators[p].Inputs[0] >= 0)
                {
                    p = producer[qg.Operators[p].Inputs[0]];
                }

                if (p >= 0 && quantized.CodeOf(qg.Operators[p]).Name == type && !used.Contains(p))
                {
                    q = p;
                    byNameMatch = true;
                }
            }

            if (q < 0)
            {
                if (IsConversion(type)) continue;
                if (!byType.TryGetValue(type, out var candidates) || k >= candidates.Count)
                {
                    throw Mismatch($"layer {r} {type} '{layer.Name}' of '{reference.Name}' has no twin in '{quantized.Name}' "
                        + $"(it has {(byType.TryGetValue(type, out var c) ? c.Count : 0)} {type} ops, the float model more)", layer.Name);
                }

                q = candidates[k];
                if (used.Contains(q))
                    throw Mismatch($"layer {r} {type} '{layer.Name}' of '{reference.Name}' maps to operator {q} of '{quantized.Name}', which another layer already took", layer.Name);
            }

            var qop = qg.Operators[q];
            if (qop.Outputs.Length != rop.Outputs.Length || qop.Inputs.Length != rop.Inputs.Length)
            {
                throw Mismatch($"layer {r} {type} '{layer.Name}' has {rop.Inputs.Length} inputs/{rop.Outputs.Length} outputs in '{reference.Name}' "
                    + $"but operator {q} of '{quantized.Name}' has {qop.Inputs.Length}/{qop.Outputs.Length}", layer.Name);
            }

            if (!SameElementCount(rg.Tensors[rop.Outputs[0]], qg.Tensors[qop.Outputs[0]]))
            {
                throw Mismatch($"layer {r} {type} '{layer.Name}' writes [{string.Join(", ", rg.Tensors[rop.Outputs[0]].Shape)}] in '{reference.Name}' "
                    + $"but operator {q} of '{quantized.Name}' writes [{string.Join(", ", qg.Tensors[qop.Outputs[0]].Shape)}]", layer.Name);
            }

            used.Add(q);
            matches.Add(new LayerMatch(r, q, layer.Name, type, rop.Outputs[0], qop.Outputs[0], IsQuantizedOp(quantized, qg, q, producer), byNameMatch));
        }

        // Every non-conversion quantized op must have a float twin.
        foreach (var (type, list) in byType)
        {
            foreach (int q in list)
            {
                if (!used.Contains(q))
                {
                    var l = LayerRef.Of(quantized, 0, q);
                    throw Mismatch($"operator {q} {type} '{l.Name}' of '{quantized.Name}' has no twin in '{reference.Name}'", l.Name);
                }
            }
        }

        return matches;
    }

    /// <summary>Ops the quantizer inserts to convert between types (CAST: bfloat16 weights are widened by one).</summary>
    internal static bool IsConversion(string opType)
        => opType is nameof(BuiltinOperator.QUANTIZE) or nameof(BuiltinOperator.DEQUANTIZE) or nameof(BuiltinOperator.CAST);

    internal static int[] Producers(Subgraph g)
    {
        var producer = new int[g.Tensors.Count];
        Array.Fill(producer, -1);
        for (int i = 0; i < g.Operators.Count; i++)
        {
            foreach (int t in g.Operators[i].Outputs)
            {
                if (t >= 0) producer[t] = i;
            }
        }

        return producer;
    }

    /// <summary>
    /// True when the op reads or writes a quantized tensor (integer or float16 with a scale), reads a float16/bfloat16
    /// or integer constant, or reads a tensor a DEQUANTIZE makes from a constant (weight-only and float16 modes).
    /// </summary>
    private static bool IsQuantizedOp(Model model, Subgraph g, int index, int[] producer)
    {
        var op = g.Operators[index];
        foreach (int t in op.Outputs.Concat(op.Inputs))
        {
            if (t < 0) continue;
            var tensor = g.Tensors[t];
            if (tensor.Type != TensorType.Float32 && tensor.Quantization is { IsQuantized: true }) return true;
            if (tensor.Type is TensorType.Float16 or TensorType.BFloat16) return true;
            int p = producer[t];
            if (p >= 0 && ConstantChain(model, g, t, producer)) return true;
        }

        return false;
    }

    /// <summary>True when tensor t is made from constants by conversions only (DEQUANTIZE/CAST of weights).</summary>
    private static bool ConstantChain(Model model, Subgraph g, int t, int[] producer)
    {
        for (int depth = 0; depth < 4; depth++)
        {
            int p = producer[t];
            if (p < 0 || !IsConversion(model.CodeOf(g.Operators[p]).Name) || g.Operators[p].Inputs is not [var src, ..] || src < 0) return false;
            if (model.IsConstant(g.Tensors[src])) return true;
            t = src;
        }

        return false;
    }

    private static bool SameElementCount(Tensor a, Tensor b) => a.ElementCount == b.ElementCount;

    private static ModelOptimizationException Mismatch(string what, object? target)
        => new(ErrorIds.GraphStructureMismatch, ErrorKind.InvalidData, $"The models do not correspond: {what}.", target,
            "Pass the quantized model and the float model it was produced from (its Source).");
}
