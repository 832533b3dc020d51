using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;

namespace ModelOptimization.Formats.Tflite;

/// <summary>
/// Writes a <see cref="Model"/> as a TFLite FlatBuffer (schema 3d), every field as the model holds it (e.g.
/// <c>deprecated_builtin_code</c> is written as stored, not recomputed), buffer data 16-byte aligned. Models whose
/// FlatBuffer would exceed the 2 GiB FlatBuffers limit are written in the &gt; 2 GB layout
/// (<see cref="BufferLayout.External"/>): payloads are streamed after the FlatBuffer from their views, never
/// gathered in memory. The output is deterministic.
/// </summary>
public static class TfliteWriter
{
    /// <summary>
    /// <see cref="BufferLayout.Auto"/> switches to the external layout above this estimated FlatBuffer size: 2 GiB
    /// minus the 512 MiB margin TFLite's exporter uses.
    /// </summary>
    public const long InlineLimit = (2L << 30) - (512L << 20);

    /// <summary>
    /// Writes the model to <paramref name="output"/> (from its current position; payload offsets of the external
    /// layout count from the first byte written). Throws ModelWriteFailed or OperationCancelled. Never pass a
    /// stream that truncates or overwrites the file a memory-mapped model was read from: its buffers are views on
    /// that file. <see cref="WriteFile"/> handles that case.
    /// </summary>
    public static void Write(Model model, Stream output, TfliteWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(output);
        options ??= new TfliteWriteOptions();
        string target = output is FileStream fs ? fs.Name : output.GetType().Name;
        try
        {
            WriteCore(model, output, options);
        }
        catch (Exception e) when (Translate(e, target) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>
    /// Writes the model to <paramref name="path"/> through a temporary sibling file that is moved into place
    /// (replacing an existing file) only when complete; on failure or cancellation the temporary file is deleted
    /// and any existing file is untouched. Writing over the file the model was read from is safe, also when it is
    /// memory-mapped: the model's views keep reading the old contents.
    /// </summary>
    public static void WriteFile(Model model, string path, TfliteWriteOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new TfliteWriteOptions();
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            if (!Directory.Exists(dir))
            {
                throw new ModelOptimizationException(ErrorIds.ModelWriteFailed, ErrorKind.WriteError,
                    $"Cannot write model '{full}': the folder '{dir}' does not exist.", full, "Create the folder first.");
            }

            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                WriteCore(model, stream, options);
                stream.Flush(flushToDisk: true);
            }

            options.CancellationToken.ThrowIfCancellationRequested();
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            TryDelete(temp);
            if (Translate(e, full) is { } translated) throw translated;
            throw;
        }
    }

    /// <summary>The layout <see cref="BufferLayout.Auto"/> picks for a model.</summary>
    public static BufferLayout ChooseLayout(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        long estimate = TfliteModelSerializer.PayloadBytes(model) + TfliteModelSerializer.StructureBytes(model);
        return estimate > InlineLimit ? BufferLayout.External : BufferLayout.Inline;
    }

    private static void WriteCore(Model model, Stream output, TfliteWriteOptions options)
    {
        var layout = options.Layout == BufferLayout.Auto ? ChooseLayout(model) : options.Layout;
        var serializer = new TfliteModelSerializer(model, layout == BufferLayout.External, options.CancellationToken);
        try
        {
            serializer.WriteTo(output);
        }
        catch (Exception e) when (layout == BufferLayout.Inline && IsBuilderOverflow(e))
        {
            if (options.Layout == BufferLayout.Auto)
            {
                // The estimate was wrong. The FlatBuffer is built before any byte is written, so nothing reached
                // the output yet: fall back to the external layout, as TFLite's exporter retries with offsets.
                new TfliteModelSerializer(model, external: true, options.CancellationToken).WriteTo(output);
                return;
            }

            throw new ModelOptimizationException(ErrorIds.ModelWriteFailed, ErrorKind.LimitsExceeded,
                $"Cannot write model '{model.Name}' inline: its FlatBuffer would exceed 2 GiB.", model.Name,
                "Write it with the External buffer layout (payloads after the FlatBuffer).", e);
        }
    }

    private static bool IsBuilderOverflow(Exception e)
        => e is OutOfMemoryException or OverflowException
           || e.GetType() == typeof(Exception) && e.Message.Contains("2 gigabytes", StringComparison.OrdinalIgnoreCase);

    private static ModelOptimizationException? Translate(Exception e, string target) => e switch
    {
        ModelOptimizationException => null,
        OperationCanceledException => new ModelOptimizationException(ErrorIds.OperationCancelled, ErrorKind.OperationStopped,
            $"Writing model '{target}' was cancelled; nothing was left behind.", target, null, e),
        IOException or UnauthorizedAccessException or NotSupportedException => new ModelOptimizationException(
            ErrorIds.ModelWriteFailed, ErrorKind.WriteError, $"Cannot write model '{target}': {e.Message}", target,
            "Check the path, free space and permissions.", e),
        InvalidOperationException or OverflowException or InvalidCastException or FormatException => new ModelOptimizationException(
            ErrorIds.ModelWriteFailed, ErrorKind.InvalidData, $"Cannot write model '{target}': {e.Message}", target,
            "The model holds a value the TFLite format cannot encode.", e),
        _ => null,
    };

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the temporary file has a hidden, unique name.
        }
    }
}
