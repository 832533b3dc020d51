using ModelOptimization.Core.Graph;

namespace ModelOptimization.Formats;

/// <summary>Tells the model format of a path from its content, not its name.</summary>
public static class ModelFormatDetector
{
    /// <summary>
    /// <see cref="ModelFormat.Tflite"/> for a file whose bytes 4..8 are <c>TFL3</c> (the TFLite file identifier);
    /// <see cref="ModelFormat.SavedModel"/> for a folder holding <c>saved_model.pb</c> or
    /// <c>saved_model.pbtxt</c>; null otherwise (also for a missing or unreadable path).
    /// </summary>
    public static ModelFormat? Detect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            return File.Exists(Path.Combine(path, "saved_model.pb")) || File.Exists(Path.Combine(path, "saved_model.pbtxt"))
                ? ModelFormat.SavedModel
                : null;
        }

        if (!File.Exists(path)) return null;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            Span<byte> head = stackalloc byte[8];
            int n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            return n == 8 && head[4..8].SequenceEqual("TFL3"u8) ? ModelFormat.Tflite : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
