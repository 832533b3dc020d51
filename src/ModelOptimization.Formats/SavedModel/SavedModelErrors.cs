using System.Globalization;
using ModelOptimization.Core.Errors;

namespace ModelOptimization.Formats.SavedModel;

/// <summary>The errors the SavedModel reader and writer raise, each naming the file and, where known, the byte offset.</summary>
internal static class SavedModelErrors
{
    /// <summary>ModelParseFailed: <paramref name="file"/> is malformed at <paramref name="offset"/>.</summary>
    public static ModelOptimizationException Parse(string file, long offset, string what, Exception? inner = null)
        => ModelOptimizationException.ParseFailed(file,
            $"{what} (at byte offset {offset.ToString(CultureInfo.InvariantCulture)} of '{Path.GetFileName(file)}')", inner);

    /// <summary>ModelValidationFailed: the file parsed but its content is inconsistent.</summary>
    public static ModelOptimizationException Validation(string file, string what)
        => new(ErrorIds.ModelValidationFailed, ErrorKind.InvalidData, $"Invalid SavedModel '{file}': {what}", file,
            "Check that the SavedModel is complete and was written by TensorFlow; re-export it.");

    public static ModelOptimizationException NotFound(string path, string what)
        => new(ErrorIds.ModelFileNotFound, ErrorKind.ObjectNotFound, what, path,
            "Check the path; a SavedModel is a folder holding saved_model.pb.");

    public static ModelOptimizationException Unsupported(string path, string what)
        => new(ErrorIds.UnsupportedModelFormat, ErrorKind.NotImplemented, what, path,
            "Re-export the model as a binary SavedModel (saved_model.pb) with a little-endian, uncompressed checkpoint.");

    public static ModelOptimizationException WriteFailed(string path, string what, Exception? inner = null)
        => new(ErrorIds.ModelWriteFailed, ErrorKind.WriteError, $"Cannot write SavedModel '{path}': {what}", path,
            "Check the path, free space and permissions; nothing was left behind.", inner);

    public static ModelOptimizationException OutputExists(string path)
        => new(ErrorIds.OutputFileExists, ErrorKind.ResourceExists, $"The output '{path}' already exists.", path,
            "Choose another path or allow overwriting (-Force).");

    public static ModelOptimizationException Cancelled(string path, Exception inner)
        => new(ErrorIds.OperationCancelled, ErrorKind.OperationStopped, $"Writing '{path}' was cancelled; nothing was left behind.",
            path, null, inner);
}
