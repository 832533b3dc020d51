using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Tflite;

namespace ModelOptimization.Formats;

/// <summary>Imports and exports models in the formats the module knows, choosing the reader by content.</summary>
public static class ModelIO
{
    /// <summary>
    /// Reads the model at <paramref name="path"/>: a TFLite file (by its <c>TFL3</c> identifier) or a SavedModel
    /// folder. Throws ModelFileNotFound when nothing is there and UnsupportedModelFormat for anything else. A
    /// <c>.tflite</c> file without the identifier goes to the TFLite reader, which says what is wrong with it.
    /// </summary>
    public static Model Import(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full) && !Directory.Exists(full))
        {
            throw new ModelOptimizationException(ErrorIds.ModelFileNotFound, ErrorKind.ObjectNotFound,
                $"Cannot import '{full}': no such file or folder.", full, "Check the path.");
        }

        switch (ModelFormatDetector.Detect(full))
        {
            case ModelFormat.Tflite:
                return TfliteReader.Read(full);
            case ModelFormat.SavedModel:
                return SavedModel.SavedModelReader.Read(full);
        }

        if (File.Exists(full) && string.Equals(Path.GetExtension(full), ".tflite", StringComparison.OrdinalIgnoreCase))
        {
            return TfliteReader.Read(full); // not a TFLite FlatBuffer: the reader reports why (ModelParseFailed)
        }

        string what = Directory.Exists(full)
            ? "the folder holds no saved_model.pb or saved_model.pbtxt"
            : "the file is not a TFLite model (no 'TFL3' identifier at bytes 4..8)";
        throw new ModelOptimizationException(ErrorIds.UnsupportedModelFormat, ErrorKind.InvalidData,
            $"Cannot import '{full}': {what}.", full, "Give a .tflite file or a SavedModel folder.");
    }

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="path"/> in <paramref name="format"/> through a temporary
    /// sibling (file or folder) that is moved into place when complete; an existing target is replaced, so callers
    /// check for it first. A SavedModel is written as a SavedModel folder, with its edited graph when a transformation
    /// (e.g. TensorFlow weight quantization) changed it.
    /// </summary>
    public static void Export(Model model, string path, ModelFormat format, TfliteWriteOptions? options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrEmpty(path);
        switch (format)
        {
            case ModelFormat.Tflite:
                // A SavedModel is converted (the common op set; OperatorNotSupported names anything else).
                var tflite = model.Format == ModelFormat.SavedModel ? SavedModel.Conversion.SavedModelConverter.ToTflite(model, null) : model;
                TfliteWriter.WriteFile(tflite, path, options);
                return;
            case ModelFormat.SavedModel when model.Format == ModelFormat.SavedModel:
                // The graph writer also writes graph edits (a quantized model); an unchanged model is written as read.
                SavedModel.Conversion.SavedModelGraphWriter.Write(model, path, new SavedModel.SavedModelWriteOptions { Overwrite = true },
                    options?.CancellationToken ?? default);
                return;
            default:
                throw new ModelOptimizationException(ErrorIds.UnsupportedModelFormat, ErrorKind.NotImplemented,
                    $"Cannot export '{path}' as {format}: a {model.Format} model cannot be written as {format}.", path,
                    $"Export it as {model.Format}.");
        }
    }
}
