using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;

namespace ModelOptimization.Core.Validation;

/// <summary>
/// Checks a model graph for consistency: indices in range, constant buffers as long as shape × type requires,
/// quantization arrays matching the quantized dimension, operators in a valid execution order (no cycles, one
/// producer per tensor), sane shapes, and sparse metadata that describes the dense shape. Runs after import and
/// after every transform in the tests.
/// </summary>
public static class ModelValidator
{
    /// <summary>Largest element count a tensor may declare (2^32): beyond it no file or runtime is plausible.</summary>
    public const long MaxElements = 1L << 32;

    /// <summary>Every problem found, as "where: what" lines; empty when the model is valid.</summary>
    public static IReadOnlyList<string> Validate(Model model) => Check(model).Errors;

    /// <summary>
    /// Errors (the model is inconsistent) and warnings (the file is readable and round-trips, but runtimes may
    /// refuse it, e.g. a 1-D per-channel tensor whose quantized_dimension points past its rank).
    /// </summary>
    public static ValidationReport Check(Model model)
    {
        var issues = new List<string>();
        var warnings = new List<string>();
        var report = new ValidationReport(issues, warnings);
        for (int s = 0; s < model.Subgraphs.Count; s++) ValidateSubgraph(model, s, report);

        if (model.SignatureDefs is { } sigs)
        {
            for (int i = 0; i < sigs.Count; i++)
            {
                var sig = sigs[i];
                if (sig.SubgraphIndex >= model.Subgraphs.Count)
                {
                    issues.Add($"SignatureDefs[{i}] ('{sig.SignatureKey}'): subgraph index {sig.SubgraphIndex} is out of range (model has {model.Subgraphs.Count})");
                    continue;
                }

                int n = model.Subgraphs[(int)sig.SubgraphIndex].Tensors.Count;
                foreach (var map in (sig.Inputs ?? []).Concat(sig.Outputs ?? []))
                {
                    if (map.TensorIndex >= n) issues.Add($"SignatureDefs[{i}] ('{sig.SignatureKey}'): tensor '{map.Name}' index {map.TensorIndex} is out of range ({n} tensors)");
                }
            }
        }

        if (model.Metadata is { } meta)
        {
            for (int i = 0; i < meta.Count; i++)
            {
                if (meta[i].Buffer >= model.Buffers.Count) issues.Add($"Metadata[{i}] ('{meta[i].Name}'): buffer {meta[i].Buffer} is out of range ({model.Buffers.Count} buffers)");
            }
        }

        foreach (int b in model.MetadataBuffer ?? [])
        {
            if (b < 0 || b >= model.Buffers.Count) issues.Add($"MetadataBuffer: buffer {b} is out of range ({model.Buffers.Count} buffers)");
        }

        return report;
    }

    /// <summary>Throws <see cref="ErrorIds.ModelValidationFailed"/> naming the source and the first problems.</summary>
    public static void EnsureValid(Model model, string? source = null)
    {
        var issues = Validate(model);
        if (issues.Count == 0) return;
        string where = source ?? model.SourcePath ?? model.Name;
        string list = string.Join("; ", issues.Take(5)) + (issues.Count > 5 ? $"; and {issues.Count - 5} more" : "");
        throw new ModelOptimizationException(ErrorIds.ModelValidationFailed, ErrorKind.InvalidData,
            $"Model '{where}' is inconsistent: {list}", where,
            "The file is damaged or was written by a faulty tool; re-export it from the original.");
    }

    private static void ValidateSubgraph(Model model, int s, ValidationReport report)
    {
        var issues = report.Errors;
        var sg = model.Subgraphs[s];
        int nt = sg.Tensors.Count;
        string at = $"Subgraphs[{s}]";

        for (int t = 0; t < nt; t++) ValidateTensor(model, sg, s, t, report);

        foreach (int i in sg.Inputs) if (i < 0 || i >= nt) issues.Add($"{at}.Inputs: tensor {i} is out of range ({nt} tensors)");
        foreach (int i in sg.Outputs) if (i < 0 || i >= nt) issues.Add($"{at}.Outputs: tensor {i} is out of range ({nt} tensors)");

        // Execution order: every consumed tensor is a subgraph input, a constant, a variable, or produced by an
        // earlier operator; no tensor has two producers. A violation means a cycle or a scrambled order.
        var producer = new int[nt];
        Array.Fill(producer, -1);
        for (int o = 0; o < sg.Operators.Count; o++)
        {
            foreach (int t in sg.Operators[o].Outputs)
            {
                if (t < 0 || t >= nt) continue;
                if (producer[t] >= 0) issues.Add($"{at}.Operators[{o}]: tensor {t} ('{sg.Tensors[t].Name}') is already produced by operator {producer[t]}");
                else producer[t] = o;
            }
        }

        for (int o = 0; o < sg.Operators.Count; o++)
        {
            var op = sg.Operators[o];
            string oat = $"{at}.Operators[{o}]";
            if (op.OpcodeIndex >= model.OperatorCodes.Count)
            {
                issues.Add($"{oat}: opcode index {op.OpcodeIndex} is out of range ({model.OperatorCodes.Count} operator codes)");
            }

            foreach (int t in op.Inputs)
            {
                if (t == -1) continue;
                if (t < -1 || t >= nt) { issues.Add($"{oat}: input tensor {t} is out of range ({nt} tensors)"); continue; }
                if (producer[t] >= o) issues.Add($"{oat}: input tensor {t} ('{sg.Tensors[t].Name}') is produced by operator {producer[t]}, which does not run before it (cycle or bad order)");
            }

            foreach (int t in op.Outputs) if (t < 0 || t >= nt) issues.Add($"{oat}: output tensor {t} is out of range ({nt} tensors)");
            foreach (int t in op.Intermediates ?? []) if (t < 0 || t >= nt) issues.Add($"{oat}: intermediate tensor {t} is out of range ({nt} tensors)");
            if (op.MutatingVariableInputs is { Length: > 0 } m && m.Length != op.Inputs.Length)
            {
                issues.Add($"{oat}: mutating_variable_inputs has {m.Length} entries for {op.Inputs.Length} inputs");
            }

            foreach (string f in (string[])["subgraph", "then_subgraph_index", "else_subgraph_index", "cond_subgraph_index", "body_subgraph_index", "init_subgraph_index"])
            {
                if (op.BuiltinOptions is { } opts && opts.Has(f))
                {
                    long idx = opts.GetInt64(f);
                    if (idx < 0 || idx >= model.Subgraphs.Count) issues.Add($"{oat}: {opts.Descriptor.Name}.{f} = {idx} is out of range ({model.Subgraphs.Count} subgraphs)");
                }
            }
        }
    }

    private static void ValidateTensor(Model model, Subgraph sg, int s, int t, ValidationReport report)
    {
        var issues = report.Errors;
        var tensor = sg.Tensors[t];
        string at = $"Subgraphs[{s}].Tensors[{t}] ('{tensor.Name}')";
        long elements = 1;
        bool shapeOk = true;
        foreach (int d in tensor.Shape)
        {
            if (d < -1) { issues.Add($"{at}: dimension {d} is negative"); shapeOk = false; break; }
            elements *= Math.Max(d, 0);
            if (elements > MaxElements) { issues.Add($"{at}: shape [{string.Join(", ", tensor.Shape)}] has more than 2^32 elements"); shapeOk = false; break; }
        }

        if (tensor.ShapeSignature is { Length: > 0 } sig && sig.Length != tensor.Shape.Length)
        {
            issues.Add($"{at}: shape_signature has rank {sig.Length} but shape has rank {tensor.Shape.Length}");
        }

        if (tensor.Buffer >= model.Buffers.Count)
        {
            issues.Add($"{at}: buffer {tensor.Buffer} is out of range ({model.Buffers.Count} buffers)");
            return;
        }

        var data = model.Buffers[(int)tensor.Buffer].Data;
        if (tensor.Sparsity is { } sp)
        {
            if (shapeOk) ValidateSparsity(tensor, sp, data.Length, at, issues);
        }
        else if (!data.IsEmpty && shapeOk && TensorTypeInfo.HasFixedWidth(tensor.Type))
        {
            long want = TensorTypeInfo.ByteCount(tensor.Type, elements);
            if (data.Length != want) issues.Add($"{at}: buffer {tensor.Buffer} has {data.Length} bytes but {TensorTypeInfo.ShortName(tensor.Type)}[{string.Join(", ", tensor.Shape)}] needs {want}");
        }

        if (tensor.Quantization is { } q) ValidateQuantization(sg, tensor, q, at, report);
    }

    private static void ValidateQuantization(Subgraph sg, Tensor tensor, QuantizationParameters q, string at, ValidationReport report)
    {
        var issues = report.Errors;
        int ns = q.Scale?.Length ?? 0, nz = q.ZeroPoint?.Length ?? 0;
        if (q.Details is BlockwiseQuantization b)
        {
            if (b.Scales < 0 || b.Scales >= sg.Tensors.Count) issues.Add($"{at}: blockwise scales tensor {b.Scales} is out of range");
            if (b.ZeroPoints < -1 || b.ZeroPoints >= sg.Tensors.Count) issues.Add($"{at}: blockwise zero-point tensor {b.ZeroPoints} is out of range");
            if (b.BlockSize <= 0) issues.Add($"{at}: blockwise block size {b.BlockSize} is not positive");
            return;
        }

        if (q.Details is MultiAxisQuantization m)
        {
            if (m.Scales < 0 || m.Scales >= sg.Tensors.Count) issues.Add($"{at}: multi-axis scales tensor {m.Scales} is out of range");
            if (m.ZeroPoints < -1 || m.ZeroPoints >= sg.Tensors.Count) issues.Add($"{at}: multi-axis zero-point tensor {m.ZeroPoints} is out of range");
            foreach (int d in m.QuantizedDimensions ?? [])
            {
                if (d < 0 || d >= tensor.Shape.Length) issues.Add($"{at}: multi-axis quantized dimension {d} is out of range for rank {tensor.Shape.Length}");
            }

            return;
        }

        if (q.Details is not null) return;
        if (nz != 0 && nz != ns) issues.Add($"{at}: {ns} scales but {nz} zero points");
        if ((q.Min?.Length ?? 0) != (q.Max?.Length ?? 0)) issues.Add($"{at}: {q.Min?.Length ?? 0} min values but {q.Max?.Length ?? 0} max values");
        if (ns > 1)
        {
            int d = q.QuantizedDimension;
            if ((d < 0 || d >= tensor.Shape.Length) && tensor.Shape is [int only] && only == ns)
            {
                // Some converters wrote per-channel biases with the filter's dimension; the scales still match
                // the only axis, so the data are unambiguous, but TFLite runtimes refuse such a file.
                report.Warnings.Add($"{at}: quantized_dimension {d} is out of range for rank 1 ({ns} scales along the only axis); TFLite runtimes refuse this");
            }
            else if (d < 0 || d >= tensor.Shape.Length) issues.Add($"{at}: quantized_dimension {d} is out of range for rank {tensor.Shape.Length}");
            else if (tensor.Shape[d] != ns) issues.Add($"{at}: {ns} scales but dimension {d} has size {tensor.Shape[d]}");
        }

        foreach (float sc in q.Scale ?? [])
        {
            if (!float.IsFinite(sc) || sc < 0) { issues.Add($"{at}: scale {sc} is not a finite non-negative number"); break; }
        }
    }

    private static void ValidateSparsity(Tensor tensor, SparsityParameters sp, int dataBytes, string at, List<string> issues)
    {
        int n = tensor.Shape.Length;
        int k = sp.BlockMap?.Length ?? 0;
        var order = sp.TraversalOrder ?? [];
        var dims = sp.DimMetadata ?? [];
        if (order.Length != n + k) { issues.Add($"{at}: sparse traversal_order has {order.Length} entries, expected {n + k}"); return; }
        if (dims.Count != n + k) { issues.Add($"{at}: sparse dim_metadata has {dims.Count} entries, expected {n + k}"); return; }
        if (order.Distinct().Count() != order.Length || order.Any(o => o < 0 || o >= n + k)) { issues.Add($"{at}: sparse traversal_order [{string.Join(",", order)}] is not a permutation"); return; }
        foreach (int bm in sp.BlockMap ?? [])
        {
            if (bm < 0 || bm >= n) { issues.Add($"{at}: sparse block_map entry {bm} is out of range"); return; }
        }

        // Expected size of each traversal dimension: dense dims are the shape (divided by the block size for
        // blocked dims); block dims are the block sizes.
        var size = new long[n + k];
        for (int i = 0; i < n; i++) size[i] = tensor.Shape[i];
        for (int j = 0; j < k; j++)
        {
            var bd = dims[Array.IndexOf(order, n + j)];
            long blk = bd.Format == DimensionType.Dense ? bd.DenseSize : 0;
            if (blk <= 0 || size[sp.BlockMap![j]] % blk != 0) { issues.Add($"{at}: sparse block dimension {j} size {blk} does not divide dimension {sp.BlockMap![j]}"); return; }
            size[n + j] = blk;
            size[sp.BlockMap[j]] /= blk;
        }

        long count = 1; // number of index positions at the current level
        for (int level = 0; level < dims.Count; level++)
        {
            var dm = dims[level];
            long dimSize = size[order[level]];
            if (dm.Format == DimensionType.Dense)
            {
                if (dm.DenseSize != dimSize) { issues.Add($"{at}: sparse level {level} dense_size {dm.DenseSize}, expected {dimSize}"); return; }
                count *= dimSize;
            }
            else
            {
                var seg = dm.ArraySegments?.Values;
                var idx = dm.ArrayIndices?.Values;
                if (seg is null || idx is null) { issues.Add($"{at}: sparse level {level} lacks array_segments or array_indices"); return; }
                if (seg.Length != count + 1) { issues.Add($"{at}: sparse level {level} has {seg.Length} segments, expected {count + 1}"); return; }
                if (seg[0] != 0 || seg[^1] != idx.Length) { issues.Add($"{at}: sparse level {level} segments run {seg[0]}..{seg[^1]} but there are {idx.Length} indices"); return; }
                for (int i = 1; i < seg.Length; i++)
                {
                    if (seg[i] < seg[i - 1]) { issues.Add($"{at}: sparse level {level} segments decrease at {i}"); return; }
                }

                foreach (int v in idx)
                {
                    if (v < 0 || v >= dimSize) { issues.Add($"{at}: sparse level {level} index {v} is outside 0..{dimSize - 1}"); return; }
                }

                count = idx.Length;
            }

            if (count > MaxElements) { issues.Add($"{at}: sparse tensor is too large"); return; }
        }

        if (TensorTypeInfo.HasFixedWidth(tensor.Type))
        {
            long want = TensorTypeInfo.ByteCount(tensor.Type, count);
            if (dataBytes != want) issues.Add($"{at}: sparse buffer has {dataBytes} bytes but the metadata describes {count} values ({want} bytes)");
        }
    }
}
