using Google.Protobuf;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.TensorFlow;

namespace ModelOptimization.Formats.SavedModel.Conversion;

/// <summary>
/// Writes a SavedModel whose TensorFlow graph form was edited (nodes or functions added, changed or removed,
/// variables retyped — e.g. by the TensorFlow weight quantizer): the edits go into saved_model.pb, the variables into
/// the checkpoint, through <see cref="SavedModelWriter"/> (same atomic folder write). A model whose graph is unchanged
/// is written exactly as <see cref="SavedModelWriter.Write(Model, string, SavedModelWriteOptions?, CancellationToken)"/>
/// writes it (byte for byte as read).
/// </summary>
public static class SavedModelGraphWriter
{
    /// <summary>Writes <paramref name="model"/> to <paramref name="folder"/>; returns what serving-only pruning dropped.</summary>
    public static SavedModelPruneSummary Write(Model model, string folder, SavedModelWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(folder);
        if (model.Storage is not SavedModelDocument doc)
        {
            // The writer explains why this model cannot be written as a SavedModel.
            SavedModelWriter.Write(model, folder, options, cancellationToken);
            return SavedModelPruneSummary.None;
        }

        var (document, graph, summary) = Prepare(model, doc, options?.Pruning ?? SavedModelPruning.Auto);
        SavedModelWriter.Write(document, graph, folder, options, cancellationToken);
        return summary;
    }

    /// <summary>
    /// What a write of <paramref name="model"/> with <paramref name="pruning"/> drops (nothing is written): whether
    /// serving-only pruning applies and how many nodes, functions and variables (and variable bytes) it removes.
    /// </summary>
    public static SavedModelPruneSummary Summarize(Model model, SavedModelPruning pruning = SavedModelPruning.Auto)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Storage is not SavedModelDocument doc) return SavedModelPruneSummary.None;
        return Prepare(model, doc, pruning).Summary;
    }

    /// <summary>True when <paramref name="pruning"/> means serving-only for <paramref name="model"/>: asked for, or
    /// (Auto) the model is a transformation's result, its graph was edited, or its plan has layer rules
    /// (Set-LayerExclusion).</summary>
    public static bool IsServingOnly(Model model, SavedModelPruning pruning)
    {
        ArgumentNullException.ThrowIfNull(model);
        return pruning switch
        {
            SavedModelPruning.ServingOnly => true,
            SavedModelPruning.KeepTrainingState => false,
            _ => model.Source is not null || model.Plan.Rules.Count > 0 || HasGraphEdits(model),
        };
    }

    /// <summary>The document and graph to write <paramref name="model"/> with, pruned for serving when that applies.</summary>
    internal static (SavedModelDocument Document, TfGraph Graph, SavedModelPruneSummary Summary) Prepare(Model model, SavedModelDocument doc, SavedModelPruning pruning)
    {
        var graph = model.TensorFlowGraph ?? doc.Graph;
        if (!IsServingOnly(model, pruning)) return (WithGraph(doc, graph), graph, SavedModelPruneSummary.None);

        var result = SavedModelServingPruner.Prune(graph, doc.MetaGraph);
        var document = WithGraph(doc, result.Graph);
        if (!ReferenceEquals(document, doc))
        {
            SavedModelServingPruner.PruneCollections(document.MetaGraph, result.Graph);
            if (result.RemovedVariables.Count > 0 && CheckpointObjectGraph(doc) is { } tog
                && SavedModelServingPruner.PruneObjectGraphs(document.MetaGraph, tog, result.RemovedVariables.ToHashSet(StringComparer.Ordinal)) is { } pruned)
            {
                document.CheckpointObjectGraph = pruned.ToByteArray();
            }
        }

        var removed = new HashSet<string>(result.RemovedVariables, StringComparer.Ordinal);
        var summary = new SavedModelPruneSummary
        {
            Applied = true,
            RemovedNodes = result.RemovedNodes.Count,
            RemovedFunctions = result.RemovedFunctions.Count,
            RemovedVariables = result.RemovedVariables,
            RemovedVariableBytes = graph.Variables.Where(v => removed.Contains(v.Name)).Sum(v => v.ByteCount),
            Notes = result.Notes,
        };
        return (document, result.Graph, summary);
    }

    /// <summary>
    /// The document to write <paramref name="graph"/> with: <paramref name="document"/> itself when the graph's nodes
    /// and functions are as read, else a copy whose saved_model.pb holds the edited graph. This is the hook
    /// <see cref="SavedModelWriter"/> can call before writing.
    /// </summary>
    public static SavedModelDocument WithGraph(SavedModelDocument document, TfGraph graph)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(graph);
        return SavedModelGraphRebuilder.Apply(document, graph);
    }

    /// <summary>The checkpoint's object graph (TF2), or null when the bundle has none.</summary>
    private static Protos.TrackableObjectGraph? CheckpointObjectGraph(SavedModelDocument doc)
    {
        var entry = doc.Bundle?.Entries.FirstOrDefault(e => e.Key == TensorBundle.ObjectGraphKey && e.Entry.Slices.Count == 0);
        return entry is null ? null : Protos.TrackableObjectGraph.Parser.ParseFrom(BundleChecksum.FirstString(entry.Data.Span));
    }

    /// <summary>True when <paramref name="model"/>'s graph has edits that <see cref="SavedModelWriter"/> alone would not write.</summary>
    public static bool HasGraphEdits(Model model)
        => model.Storage is SavedModelDocument doc && model.TensorFlowGraph is { } g && SavedModelGraphRebuilder.IsChanged(doc, g);
}
