using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime;

/// <summary>Fixes an input's shape and re-derives the shapes that follow from it, with the interpreter's prepare step.</summary>
public static class ShapeInference
{
    /// <summary>
    /// A copy of <paramref name="model"/> (Clone) whose input <paramref name="inputName"/> (tensor name or
    /// signature alias; null when the model has one input) has <paramref name="shape"/> as its shape and shape
    /// signature, and whose downstream tensors carry the shapes the interpreter's prepare step infers from it.
    /// Throws InputNotFound for an unknown input, ShapeMismatch when the shape contradicts the input's rank or a
    /// fixed dimension of its shape signature, OperatorNotSupported when an operator cannot be prepared.
    /// </summary>
    public static Model SetInputShape(Model model, string? inputName, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(shape);
        if (model.Subgraphs.Count == 0)
        {
            throw new ModelOptimizationException(ErrorIds.InputNotFound, ErrorKind.ObjectNotFound, "The model has no subgraph.", inputName);
        }

        var (subgraphIndex, tensorIndex) = FindInput(model, inputName);
        var source = model.Subgraphs[subgraphIndex].Tensors[tensorIndex];
        CheckShape(source, shape, inputName);

        var result = model.Clone();
        result.Source = model;
        result.Transform = $"SetInputShape {source.Name} [{string.Join(", ", shape)}]";
        var sg = result.Subgraphs[subgraphIndex];
        var input = sg.Tensors[tensorIndex];
        input.Shape = shape.ToArray();
        input.ShapeSignature = shape.ToArray();
        input.HasRank = true;

        var session = new ExecutionSession(result, threadCount: 1, preserveIntermediates: false, CancellationToken.None);
        var executor = session.GetExecutor(subgraphIndex);
        for (int i = 0; i < sg.Tensors.Count; i++)
        {
            var t = sg.Tensors[i];
            var rt = executor.Tensors[i];
            if (rt.Storage == TensorStorage.Constant) continue;
            if (rt.Storage == TensorStorage.None && !sg.Inputs.Contains(i) && !sg.Outputs.Contains(i)) continue;
            t.Shape = rt.Shape.ToArray();
            t.HasRank = true;
            if (t.ShapeSignature is not null) t.ShapeSignature = rt.Shape.ToArray();
        }

        return result;
    }

    private static (int Subgraph, int Tensor) FindInput(Model model, string? name)
    {
        var sg0 = model.Subgraphs[0];
        if (name is null)
        {
            if (sg0.Inputs.Length == 1) return (0, sg0.Inputs[0]);
            throw new ModelOptimizationException(ErrorIds.InputNotFound, ErrorKind.ObjectNotFound,
                $"The model has {sg0.Inputs.Length} inputs; name the one to reshape ({Names(sg0)}).", null);
        }

        foreach (int t in sg0.Inputs)
        {
            if (sg0.Tensors[t].Name == name) return (0, t);
        }

        foreach (var sig in model.SignatureDefs ?? [])
        {
            var map = sig.Inputs?.FirstOrDefault(m => m.Name == name);
            if (map is not null && sig.SubgraphIndex < model.Subgraphs.Count) return ((int)sig.SubgraphIndex, (int)map.TensorIndex);
        }

        for (int s = 1; s < model.Subgraphs.Count; s++)
        {
            foreach (int t in model.Subgraphs[s].Inputs)
            {
                if (model.Subgraphs[s].Tensors[t].Name == name) return (s, t);
            }
        }

        throw new ModelOptimizationException(ErrorIds.InputNotFound, ErrorKind.ObjectNotFound,
            $"The model has no input '{name}' (inputs: {Names(sg0)}).", name);
    }

    private static string Names(Subgraph sg) => string.Join(", ", sg.Inputs.Select(t => sg.Tensors[t].Name));

    private static void CheckShape(Tensor input, int[] shape, string? name)
    {
        string what = $"input '{input.Name}'";
        if (shape.Any(d => d <= 0))
        {
            throw Mismatch($"The shape [{string.Join(", ", shape)}] for {what} has a dimension that is not positive.", name);
        }

        int[]? reference = input.ShapeSignature ?? (input.HasRank || input.Shape.Length > 0 ? input.Shape : null);
        if (reference is null) return;
        if (reference.Length != shape.Length)
        {
            throw Mismatch($"{what} has rank {reference.Length} ([{string.Join(", ", reference)}]), but the shape [{string.Join(", ", shape)}] has rank {shape.Length}.", name);
        }

        if (input.ShapeSignature is null) return; // no signature: every dimension may change
        for (int d = 0; d < shape.Length; d++)
        {
            if (reference[d] >= 0 && reference[d] != shape[d])
            {
                throw Mismatch($"Dimension {d} of {what} is fixed at {reference[d]} (shape signature [{string.Join(", ", reference)}]), not {shape[d]}.", name);
            }
        }
    }

    private static ModelOptimizationException Mismatch(string message, string? name)
        => new(ErrorIds.ShapeMismatch, ErrorKind.InvalidArgument, message, name, "Give a shape that keeps the fixed dimensions of the input's shape signature.");
}
