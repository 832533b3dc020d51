using ModelOptimization.Core.TensorFlow;
using ModelOptimization.Formats.SavedModel.Protos;

namespace ModelOptimization.Formats.SavedModel;

/// <summary>
/// Everything a SavedModel folder holds that the model graph does not, so that the writer re-creates the folder
/// losslessly: the parsed <c>saved_model.pb</c>, the tensor bundle's header and entries (with views of the data
/// shards, which this object keeps mapped), the fingerprint and the other files (assets, keras_metadata.pb...).
/// Held in <c>Model.Storage</c>.
/// </summary>
public sealed class SavedModelDocument
{
    internal SavedModelDocument(string sourceFolder, Protos.SavedModel message, int metaGraphIndex, TfGraph graph)
    {
        SourceFolder = sourceFolder;
        Message = message;
        MetaGraphIndex = metaGraphIndex;
        Graph = graph;
    }

    /// <summary>The folder the model was read from.</summary>
    public string SourceFolder { get; }

    /// <summary>The TensorFlow graph form of the selected MetaGraph (until Model carries it itself).</summary>
    public TfGraph Graph { get; internal set; }

    /// <summary>Which MetaGraph of the SavedModel <see cref="Graph"/> was built from.</summary>
    public int MetaGraphIndex { get; }

    /// <summary>Number of MetaGraphs in saved_model.pb.</summary>
    public int MetaGraphCount => Message.MetaGraphs.Count;

    /// <summary>The raw bytes of fingerprint.pb, or null when the source had none.</summary>
    public byte[]? Fingerprint { get; internal init; }

    /// <summary>The raw bytes of variables/variables.index as read, or null when the model has no variables.</summary>
    public byte[]? VariablesIndex => Bundle?.IndexBytes;

    /// <summary>Files other than saved_model.pb, fingerprint.pb and the bundle, relative to <see cref="SourceFolder"/>
    /// (assets/..., assets.extra/..., keras_metadata.pb ...), copied by the writer.</summary>
    public IReadOnlyList<string> OtherFiles { get; internal init; } = [];

    /// <summary>True when the data shards are memory-mapped (large models) rather than read into memory.</summary>
    public bool IsMemoryMapped => Bundle?.Shards.Any(s => s.IsMapped) ?? false;

    /// <summary>saved_model.pb as read: written back unchanged while <see cref="Message"/> still equals it, because
    /// Google.Protobuf orders fields by number and omits default map keys where TensorFlow's writers need not.</summary>
    internal byte[]? OriginalBytes { get; init; }

    /// <summary>The parsed saved_model.pb (unknown fields preserved).</summary>
    internal Protos.SavedModel Message { get; }

    internal MetaGraphDef MetaGraph => Message.MetaGraphs[MetaGraphIndex];

    /// <summary>A replacement for the checkpoint's object graph (<c>_CHECKPOINTABLE_OBJECT_GRAPH</c>), serialized, or null to write it as read.</summary>
    internal byte[]? CheckpointObjectGraph { get; set; }

    /// <summary>The checkpoint as read, or null when the folder has no variables.</summary>
    internal TensorBundle? Bundle { get; init; }

    public override string ToString() => $"SavedModel '{SourceFolder}' (MetaGraph {MetaGraphIndex + 1} of {MetaGraphCount})";
}
