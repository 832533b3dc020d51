using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.SavedModel.Protos;

namespace ModelOptimization.Formats.SavedModel.Conversion;

/// <summary>
/// Which variables a TF2 SavedModel's functions capture, from the object graph (<c>SavedConcreteFunction.bound_inputs</c>):
/// function name → the checkpoint keys of the variables bound to its last arguments, in order ("" for a bound
/// input that is not a variable). Functions that only the object graph refers to (Keras <c>__call__</c> traces)
/// are reached by no call in the graph; this tells a graph transform which variables they read.
/// </summary>
public static class SavedModelFunctionCaptures
{
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Of(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (model.Storage is not SavedModelDocument doc || doc.MetaGraph.ObjectGraphDef is not { } og) return result;
        var graph = model.TensorFlowGraph ?? doc.Graph;
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var v in graph.Variables)
        {
            if (v.VariableName is { } n) byName.TryAdd(n, v.Name);
        }

        foreach (var (name, fn) in og.ConcreteFunctions)
        {
            if (fn.BoundInputs.Count == 0) continue;
            result[name] = fn.BoundInputs.Select(id =>
                id >= 0 && id < og.Nodes.Count && og.Nodes[id].KindCase == SavedObject.KindOneofCase.Variable
                && byName.TryGetValue(og.Nodes[id].Variable.Name, out var key) ? key : "").ToArray();
        }

        return result;
    }
}
