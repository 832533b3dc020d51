using ModelOptimization.Core.Graph;
using ModelOptimization.Optimization.Debugging;

namespace ModelOptimization.Optimization.TensorFlow;

/// <summary>
/// Ties the operators of two SavedModels' TFLite conversions (a float SavedModel and the result of
/// <see cref="TfQuantizer"/> on it) to the TensorFlow layers <see cref="TfQuantizer.Layers"/> lists, for the
/// quantization debugger. The conversion folds the int8 weights' dequantization back into float constants, so a
/// layer counts as quantized when a constant it reads differs between the two conversions; it is named after the
/// TensorFlow node its weights come from (the converter names them <c>&lt;node&gt;/weights</c>, <c>&lt;node&gt;/bias</c>;
/// inlined function calls prefix the node's name with the call's), matched to the longest layer name it ends with.
/// </summary>
public static class TfDebugLayers
{
    /// <summary>
    /// The layers to measure (<see cref="QuantizationDebugOptions.Layers"/>): reference operator index → the
    /// TensorFlow layer (name, op type, index as Get-ModelLayer shows it on the float SavedModel).
    /// </summary>
    /// <exception cref="Core.Errors.ModelOptimizationException">GraphStructureMismatch when the conversions do not correspond.</exception>
    public static IReadOnlyDictionary<int, LayerRef> Map(Model quantizedTflite, Model referenceTflite, IReadOnlyList<TfLayer> layers)
    {
        ArgumentNullException.ThrowIfNull(quantizedTflite);
        ArgumentNullException.ThrowIfNull(referenceTflite);
        ArgumentNullException.ThrowIfNull(layers);
        var rg = referenceTflite.Subgraphs[0];
        var qg = quantizedTflite.Subgraphs[0];
        var result = new Dictionary<int, LayerRef>();
        foreach (var m in QuantizationDebugger.MatchLayers(quantizedTflite, referenceTflite))
        {
            var rop = rg.Operators[m.ReferenceIndex];
            var qop = qg.Operators[m.QuantizedIndex];
            bool changed = false;
            var constants = new List<string>();
            for (int i = 0; i < rop.Inputs.Length && i < qop.Inputs.Length; i++)
            {
                if (rop.Inputs[i] < 0 || qop.Inputs[i] < 0) continue;
                var rt = rg.Tensors[rop.Inputs[i]];
                var qt = qg.Tensors[qop.Inputs[i]];
                if (!referenceTflite.IsConstant(rt)) continue;
                if (rt.Name is { Length: > 0 } n) constants.Add(n);
                if (rt.Type != qt.Type || !referenceTflite.DataOf(rt).Span.SequenceEqual(quantizedTflite.DataOf(qt).Span)) changed = true;
            }

            if (!changed) continue;
            var layer = constants.Select(c => Find(NodeOf(c), layers)).FirstOrDefault(l => l is not null);
            result[m.ReferenceIndex] = layer ?? new LayerRef(0, m.ReferenceIndex, constants.Count > 0 ? NodeOf(constants[0]) : m.Name, m.OpType);
        }

        return result;
    }

    private static string NodeOf(string constant)
    {
        foreach (string suffix in new[] { "/weights", "/bias", "/filter" })
        {
            if (constant.EndsWith(suffix, StringComparison.Ordinal)) return constant[..^suffix.Length];
        }

        return constant;
    }

    /// <summary>The layer whose name the node name is or ends with (at a '/' boundary), the longest such.</summary>
    private static LayerRef? Find(string node, IReadOnlyList<TfLayer> layers)
    {
        LayerRef? best = null;
        foreach (var l in layers)
        {
            string name = l.Layer.Name;
            bool match = node == name || (node.Length > name.Length && node.EndsWith(name, StringComparison.Ordinal) && node[node.Length - name.Length - 1] == '/');
            if (match && (best is null || name.Length > best.Name.Length)) best = l.Layer;
        }

        return best;
    }
}
