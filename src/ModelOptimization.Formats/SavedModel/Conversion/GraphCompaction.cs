using ModelOptimization.Core.Graph;

namespace ModelOptimization.Formats.SavedModel.Conversion;

/// <summary>
/// Removes what a converted model does not need: operators whose outputs reach no subgraph output, tensors no
/// operator or signature refers to, buffers no tensor refers to and unused operator codes, renumbering the rest.
/// </summary>
internal static class GraphCompaction
{
    public static void RemoveUnused(Model model)
    {
        var keepBuffers = new bool[model.Buffers.Count];
        keepBuffers[0] = true;
        var usedCodes = new SortedSet<uint>();
        var tensorMaps = new List<int[]>();
        for (int s = 0; s < model.Subgraphs.Count; s++)
        {
            var sg = model.Subgraphs[s];
            var needed = new bool[sg.Tensors.Count];
            foreach (int t in sg.Outputs) needed[t] = true;
            var keepOps = new List<Operator>();
            for (int o = sg.Operators.Count - 1; o >= 0; o--)
            {
                var op = sg.Operators[o];
                if (!op.Outputs.Any(t => t >= 0 && needed[t])) continue;
                keepOps.Add(op);
                foreach (int t in op.Inputs) if (t >= 0) needed[t] = true;
            }

            keepOps.Reverse();
            foreach (int t in sg.Inputs) needed[t] = true;
            foreach (var op in keepOps) foreach (int t in op.Outputs) if (t >= 0) needed[t] = true;

            var map = new int[sg.Tensors.Count];
            var tensors = new List<Tensor>();
            for (int t = 0; t < sg.Tensors.Count; t++)
            {
                map[t] = needed[t] ? tensors.Count : -1;
                if (needed[t]) tensors.Add(sg.Tensors[t]);
            }

            foreach (var op in keepOps)
            {
                op.Inputs = op.Inputs.Select(t => t < 0 ? t : map[t]).ToArray();
                op.Outputs = op.Outputs.Select(t => t < 0 ? t : map[t]).ToArray();
                usedCodes.Add(op.OpcodeIndex);
            }

            sg.Inputs = sg.Inputs.Select(t => map[t]).ToArray();
            sg.Outputs = sg.Outputs.Select(t => map[t]).ToArray();
            sg.Operators = keepOps;
            sg.Tensors = tensors;
            foreach (var t in tensors) keepBuffers[t.Buffer] = true;
            tensorMaps.Add(map);
        }

        foreach (var sig in model.SignatureDefs ?? [])
        {
            var map = tensorMaps[(int)sig.SubgraphIndex];
            foreach (var m in (sig.Inputs ?? []).Concat(sig.Outputs ?? [])) m.TensorIndex = (uint)map[(int)m.TensorIndex];
        }

        var bufferMap = new uint[model.Buffers.Count];
        var buffers = new List<ModelBuffer>();
        for (int b = 0; b < model.Buffers.Count; b++)
        {
            bufferMap[b] = (uint)buffers.Count;
            if (keepBuffers[b]) buffers.Add(model.Buffers[b]);
        }

        model.Buffers = buffers;
        foreach (var sg in model.Subgraphs) foreach (var t in sg.Tensors) t.Buffer = bufferMap[t.Buffer];

        var codeMap = new Dictionary<uint, uint>();
        var codes = new List<OperatorCode>();
        foreach (uint c in usedCodes)
        {
            codeMap[c] = (uint)codes.Count;
            codes.Add(model.OperatorCodes[(int)c]);
        }

        model.OperatorCodes = codes;
        foreach (var sg in model.Subgraphs) foreach (var op in sg.Operators) op.OpcodeIndex = codeMap[op.OpcodeIndex];
    }
}
