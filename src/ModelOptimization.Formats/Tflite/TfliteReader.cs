using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Validation;

namespace ModelOptimization.Formats.Tflite;

/// <summary>
/// Reads TFLite FlatBuffer models (schema revision 3d) into the <see cref="Model"/> graph, every field of every
/// table, then validates the graph.
/// <list type="bullet">
/// <item>Buffer data and custom options are views over the file's bytes, not copies. Files of
/// <see cref="MemoryMapThreshold"/> bytes or more are memory-mapped; the mapping stays alive through
/// <see cref="Model.Storage"/> and the views themselves.</item>
/// <item>The &gt; 2 GB layout is read: a buffer (or an operator's large custom options) with an offset &gt; 1 takes
/// its bytes from that offset from the start of the file. The layout marker metadata (<c>buffer_location</c>) is
/// not kept in the model: the writer adds it when it writes that layout.</item>
/// <item>The file must carry the <c>TFL3</c> identifier at bytes 4..8, as TFLite's own <c>FlatBufferModel</c>
/// requires (it logs "Model provided has model identifier '…', should be 'TFL3'" and fails).</item>
/// <item>Any malformed input raises <see cref="ErrorIds.ModelParseFailed"/> naming the file, the field and the
/// offset; an inconsistent graph raises <see cref="ErrorIds.ModelValidationFailed"/>. Reading never allocates much
/// more than the file's size (a budget of 64 × the FlatBuffer size + 64 MiB for decoded tables) and never
/// recurses.</item>
/// </list>
/// Not preserved (the graph cannot hold them): values in deprecated slots of options tables, whether an empty
/// vector held in a non-nullable property (shapes, operator inputs, subgraph lists, buffer data) was present or
/// absent (the writer writes them, except empty buffer data), invalid UTF-8 in strings (decoded with replacement
/// characters), options tables stored without a union type, and an empty-but-present metadata list once the
/// external layout's marker has been added to it and taken out again.
/// <para>Memory-mapped files must not be truncated or rewritten in place while a model read from them is in
/// use (the mapped pages would vanish); <see cref="TfliteWriter.WriteFile"/> replaces files by renaming, which is
/// safe.</para>
/// </summary>
public static class TfliteReader
{
    /// <summary>Files of at least this many bytes (512 MiB) are memory-mapped instead of read into an array.</summary>
    public const long MemoryMapThreshold = 512L << 20;

    /// <summary>Reads and validates the model in the file at <paramref name="path"/>.</summary>
    public static Model Read(string path) => Read(path, MemoryMapThreshold, validate: true);

    /// <summary>
    /// As <see cref="Read(string)"/>, mapping files of <paramref name="memoryMapThreshold"/> bytes or more, and
    /// validating only when asked (tests check the format of files the validator rejects).
    /// </summary>
    internal static Model Read(string path, long memoryMapThreshold, bool validate = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            string what = Directory.Exists(full) ? "is a folder, not a .tflite file" : "does not exist";
            throw new ModelOptimizationException(ErrorIds.ModelFileNotFound, ErrorKind.ObjectNotFound,
                $"Cannot read model '{full}': the path {what}.", full, "Check the path.");
        }

        ModelFileBytes file;
        long length;
        try
        {
            length = new FileInfo(full).Length;
            file = length >= memoryMapThreshold && length > 0
                ? new MappedModelFile(full, length)
                : new MemoryModelFileBytes(File.ReadAllBytes(full));
            length = file.Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ModelOptimizationException.ParseFailed(full, $"the file cannot be read: {e.Message}", e);
        }

        try
        {
            var model = TfliteModelParser.Parse(file, full);
            model.Name = Path.GetFileNameWithoutExtension(full);
            model.SourcePath = full;
            model.FileSize = length;
            model.Format = ModelFormat.Tflite;
            model.Storage = file.Storage;
            if (validate) ModelValidator.EnsureValid(model, full);
            return model;
        }
        catch (ModelOptimizationException) when (file is MappedModelFile mapped)
        {
            mapped.ReleaseUnused(); // the model and its views are dropped with the exception
            throw;
        }
    }

    /// <summary>
    /// Reads and validates a model held in memory (the whole file, including any payloads after the FlatBuffer).
    /// Buffer views point into <paramref name="file"/>, which must not change while the model is used.
    /// </summary>
    /// <param name="file">The file's bytes.</param>
    /// <param name="sourceName">A name for messages; the model's name is its file name without extension.</param>
    public static Model Read(ReadOnlyMemory<byte> file, string sourceName) => Read(file, sourceName, validate: true);

    /// <summary>As <see cref="Read(ReadOnlyMemory{byte}, string)"/>, validating only when asked.</summary>
    internal static Model Read(ReadOnlyMemory<byte> file, string sourceName, bool validate)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        var model = TfliteModelParser.Parse(new MemoryModelFileBytes(file), sourceName);
        string name = Path.GetFileNameWithoutExtension(sourceName);
        model.Name = name.Length > 0 ? name : "model";
        model.SourcePath = null;
        model.FileSize = file.Length;
        model.Format = ModelFormat.Tflite;
        model.Storage = null;
        if (validate) ModelValidator.EnsureValid(model, sourceName);
        return model;
    }
}
