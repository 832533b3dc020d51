using ModelOptimization.Core.Errors;

namespace ModelOptimization.Formats.Datasets;

/// <summary>The failures the dataset readers and converters raise, each with its ErrorId and a recommended action.</summary>
internal static class DatasetErrors
{
    private const string ReadAction =
        "Check that the file is complete and in a supported format: IDX (optionally gzipped), .npy, CSV, PNG, JPEG or BMP.";

    /// <summary><see cref="ErrorIds.DatasetReadFailed"/>: names the file and what is wrong where.</summary>
    public static ModelOptimizationException ReadFailed(string path, string what, Exception? inner = null)
        => new(ErrorIds.DatasetReadFailed, ErrorKind.InvalidData, $"Cannot read dataset '{path}': {what}", path, ReadAction, inner);

    /// <summary><see cref="ErrorIds.ModelFileNotFound"/> for a dataset path that names nothing.</summary>
    public static ModelOptimizationException NotFound(string path)
        => new(ErrorIds.ModelFileNotFound, ErrorKind.ObjectNotFound, $"Cannot find a dataset at '{path}'.", path,
            "Check the path; use -LiteralPath for names that contain wildcard characters ([, ], *, ?).");

    /// <summary><see cref="ErrorIds.ShapeMismatch"/>: a requested sample shape does not fit the data.</summary>
    public static ModelOptimizationException ShapeMismatch(string path, string what)
        => new(ErrorIds.ShapeMismatch, ErrorKind.InvalidArgument, $"Cannot read dataset '{path}': {what}", path,
            "Give a -Shape whose element count divides the data (e.g. 1,28,28,1 for MNIST images), or omit -Shape.");

    /// <summary><see cref="ErrorIds.ParameterCombinationInvalid"/>: an option value no dataset can use.</summary>
    public static ModelOptimizationException InvalidOption(string what, string action)
        => new(ErrorIds.ParameterCombinationInvalid, ErrorKind.InvalidArgument, what, null, action);

    /// <summary><see cref="ErrorIds.InputDataInvalid"/>: a sample does not fit the model's inputs.</summary>
    public static ModelOptimizationException InputData(string what, object? target = null)
        => new(ErrorIds.InputDataInvalid, ErrorKind.InvalidData, what, target,
            "Give one flat, row-major array per model input, in input order, with as many values as the input has "
            + "elements; for integer inputs give whole numbers in range (Import-Dataset -DataType/-Scale/-Offset quantize).");

    /// <summary><see cref="ErrorIds.InputNotFound"/>: a hashtable key names no model input.</summary>
    public static ModelOptimizationException InputNotFound(string name, IEnumerable<string> available)
        => new(ErrorIds.InputNotFound, ErrorKind.ObjectNotFound,
            $"The model has no input named '{name}'. Its inputs are: {string.Join(", ", available.Select(a => "'" + a + "'"))}.",
            name, "Use the input names that Get-ModelTensor shows for the model's inputs, or their indices (0, 1, ...).");
}
