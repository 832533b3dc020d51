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
    public static void Write(Model model, string folder, SavedModelWriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(folder);
        if (model.Storage is not SavedModelDocument doc)
        {
            // The writer explains why this model cannot be written as a SavedModel.
            SavedModelWriter.Write(model, folder, options, cancellationToken);
            return;
        }

        var graph = model.TensorFlowGraph ?? doc.Graph;
        SavedModelWriter.Write(WithGraph(doc, graph), graph, folder, options, cancellationToken);
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

    /// <summary>True when <paramref name="model"/>'s graph has edits that <see cref="SavedModelWriter"/> alone would not write.</summary>
    public static bool HasGraphEdits(Model model)
        => model.Storage is SavedModelDocument doc && model.TensorFlowGraph is { } g && SavedModelGraphRebuilder.IsChanged(doc, g);
}
