using System.Text;
using ModelOptimization.Core.Graph;

namespace ModelOptimization.Formats.Tflite;

/// <summary>
/// The <c>buffer_location</c> = <c>outside flatbuffers</c> metadata entry that marks the &gt; 2 GB layout
/// (payloads after the FlatBuffer). It describes how a file is laid out, not what the model computes, so the
/// reader takes it out of the model and the writer adds it exactly when it writes that layout: reading a file
/// written with <see cref="BufferLayout.External"/> gives the same model as reading its inline twin.
/// </summary>
internal static class BufferLocationMarker
{
    public static readonly byte[] Value = Encoding.ASCII.GetBytes(TfliteSchema.BufferLocationOutside);

    /// <summary>True for a metadata entry that is the layout marker.</summary>
    public static bool IsMarker(Model model, ModelMetadata entry)
        => entry.Name == TfliteSchema.BufferLocationMetadata
           && entry.Buffer < model.Buffers.Count
           && model.Buffers[(int)entry.Buffer].Data.Span.SequenceEqual(Value);

    /// <summary>
    /// Removes marker entries from <see cref="Model.Metadata"/>; the marker's buffer goes too when it is the last
    /// buffer and nothing else refers to it (as this writer lays it out). An emptied metadata list becomes null
    /// when the marker was its only entry, so that an inline file without metadata reads back the same.
    /// </summary>
    public static void Remove(Model model)
    {
        if (model.Metadata is not { } meta) return;
        bool removed = false;
        for (int i = meta.Count - 1; i >= 0; i--)
        {
            if (!IsMarker(model, meta[i])) continue;
            uint buffer = meta[i].Buffer;
            meta.RemoveAt(i);
            removed = true;
            if (buffer == model.Buffers.Count - 1 && buffer != 0 && !IsReferenced(model, buffer))
            {
                model.Buffers.RemoveAt((int)buffer);
            }
        }

        if (removed && meta.Count == 0) model.Metadata = null;
    }

    private static bool IsReferenced(Model model, uint buffer)
    {
        if (model.Metadata?.Any(m => m.Buffer == buffer) == true) return true;
        if (model.MetadataBuffer?.Any(b => b == buffer) == true) return true;
        foreach (var sg in model.Subgraphs)
        {
            foreach (var t in sg.Tensors)
            {
                if (t.Buffer == buffer) return true;
            }
        }

        return false;
    }
}
