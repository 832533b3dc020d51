using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;

namespace ModelOptimization.Optimization.Quantization;

/// <summary>
/// Drops what a rewrite left unused — tensors no op, subgraph interface, signature or quantization detail refers
/// to, buffers no tensor or metadata refers to, operator codes no op uses — and renumbers the references.
/// </summary>
internal static class GraphCompactor
{
    public static void Compact(Model model)
    {
        for (int s = 0; s < model.Subgraphs.Count; s++) CompactTensors(model, s);
        CompactBuffers(model);
        CompactOperatorCodes(model);
    }

    private static void CompactTensors(Model model, int s)
    {
        var sg = model.Subgraphs[s];
        int n = sg.Tensors.Count;
        var used = new bool[n];
        void Use(int t)
        {
            if (t >= 0 && t < n) used[t] = true;
        }

        foreach (var op in sg.Operators)
        {
            foreach (int t in op.Inputs) Use(t);
            foreach (int t in op.Outputs) Use(t);
            foreach (int t in op.Intermediates ?? []) Use(t);
        }

        foreach (int t in sg.Inputs) Use(t);
        foreach (int t in sg.Outputs) Use(t);
        foreach (var sig in model.SignatureDefs ?? [])
        {
            if (sig.SubgraphIndex != s) continue;
            foreach (var m in (sig.Inputs ?? []).Concat(sig.Outputs ?? [])) Use((int)m.TensorIndex);
        }

        // Scale/zero-point tensors of blockwise and multi-axis parameters belong to the tensors that use them.
        for (int t = 0; t < n; t++)
        {
            if (!used[t]) continue;
            switch (sg.Tensors[t].Quantization?.Details)
            {
                case BlockwiseQuantization b:
                    Use(b.Scales);
                    Use(b.ZeroPoints);
                    break;
                case MultiAxisQuantization m:
                    Use(m.Scales);
                    Use(m.ZeroPoints);
                    break;
            }
        }

        if (used.All(u => u)) return;
        var map = new int[n];
        var kept = new List<Tensor>(n);
        for (int t = 0; t < n; t++)
        {
            map[t] = used[t] ? kept.Count : -1;
            if (used[t]) kept.Add(sg.Tensors[t]);
        }

        int M(int t) => t < 0 ? t : map[t];
        foreach (var op in sg.Operators)
        {
            op.Inputs = op.Inputs.Select(M).ToArray();
            op.Outputs = op.Outputs.Select(M).ToArray();
            if (op.Intermediates is not null) op.Intermediates = op.Intermediates.Select(M).ToArray();
        }

        sg.Inputs = sg.Inputs.Select(M).ToArray();
        sg.Outputs = sg.Outputs.Select(M).ToArray();
        foreach (var sig in model.SignatureDefs ?? [])
        {
            if (sig.SubgraphIndex != s) continue;
            foreach (var m in (sig.Inputs ?? []).Concat(sig.Outputs ?? [])) m.TensorIndex = (uint)M((int)m.TensorIndex);
        }

        foreach (var t in kept)
        {
            if (t.Quantization is { Details: BlockwiseQuantization b } q)
            {
                t.Quantization = new QuantizationParameters
                {
                    Min = q.Min, Max = q.Max, Scale = q.Scale, ZeroPoint = q.ZeroPoint, QuantizedDimension = q.QuantizedDimension,
                    Details = b with { Scales = M(b.Scales), ZeroPoints = M(b.ZeroPoints) },
                };
            }
            else if (t.Quantization is { Details: MultiAxisQuantization ma } q2)
            {
                t.Quantization = new QuantizationParameters
                {
                    Min = q2.Min, Max = q2.Max, Scale = q2.Scale, ZeroPoint = q2.ZeroPoint, QuantizedDimension = q2.QuantizedDimension,
                    Details = ma with { Scales = M(ma.Scales), ZeroPoints = M(ma.ZeroPoints) },
                };
            }
        }

        sg.Tensors = kept;
    }

    private static void CompactBuffers(Model model)
    {
        int n = model.Buffers.Count;
        if (n == 0) return;
        var used = new bool[n];
        used[0] = true;
        foreach (var sg in model.Subgraphs)
        {
            foreach (var t in sg.Tensors)
            {
                if (t.Buffer < n) used[t.Buffer] = true;
            }
        }

        foreach (var m in model.Metadata ?? []) if (m.Buffer < n) used[m.Buffer] = true;
        foreach (int b in model.MetadataBuffer ?? []) if (b >= 0 && b < n) used[b] = true;
        if (used.All(u => u)) return;
        var map = new int[n];
        var kept = new List<ModelBuffer>(n);
        for (int b = 0; b < n; b++)
        {
            map[b] = used[b] ? kept.Count : -1;
            if (used[b]) kept.Add(model.Buffers[b]);
        }

        foreach (var sg in model.Subgraphs)
        {
            foreach (var t in sg.Tensors) t.Buffer = t.Buffer < n ? (uint)Math.Max(0, map[t.Buffer]) : t.Buffer;
        }

        foreach (var m in model.Metadata ?? []) m.Buffer = m.Buffer < n ? (uint)map[m.Buffer] : m.Buffer;
        if (model.MetadataBuffer is not null) model.MetadataBuffer = model.MetadataBuffer.Select(b => b >= 0 && b < n ? map[b] : b).ToArray();
        model.Buffers = kept;
    }

    private static void CompactOperatorCodes(Model model)
    {
        int n = model.OperatorCodes.Count;
        var used = new bool[n];
        foreach (var sg in model.Subgraphs)
        {
            foreach (var op in sg.Operators) if (op.OpcodeIndex < n) used[op.OpcodeIndex] = true;
        }

        if (used.All(u => u)) return;
        var map = new int[n];
        var kept = new List<OperatorCode>(n);
        for (int c = 0; c < n; c++)
        {
            map[c] = used[c] ? kept.Count : -1;
            if (used[c]) kept.Add(model.OperatorCodes[c]);
        }

        foreach (var sg in model.Subgraphs)
        {
            foreach (var op in sg.Operators) op.OpcodeIndex = op.OpcodeIndex < n ? (uint)map[op.OpcodeIndex] : op.OpcodeIndex;
        }

        model.OperatorCodes = kept;
    }
}
