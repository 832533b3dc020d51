namespace ModelOptimization.Core.Errors;

/// <summary>
/// Every ErrorId the module raises, as <c>&lt;Subject&gt;&lt;Condition&gt;</c>. Each is documented in the module's
/// help (about_ModelOptimization_Errors) and raised somewhere; a consistency test checks both.
/// </summary>
public static class ErrorIds
{
    /// <summary>The file is not a well-formed model (truncated, bad offsets, bad identifier...).</summary>
    public const string ModelParseFailed = "ModelParseFailed";

    /// <summary>The file parsed but the graph is inconsistent (index out of range, short buffer, cycle...).</summary>
    public const string ModelValidationFailed = "ModelValidationFailed";

    /// <summary>No file or folder at the given path.</summary>
    public const string ModelFileNotFound = "ModelFileNotFound";

    /// <summary>The content is not a format the module reads (or the reader for it is not available).</summary>
    public const string UnsupportedModelFormat = "UnsupportedModelFormat";

    /// <summary>The output path exists and -Force was not given.</summary>
    public const string OutputFileExists = "OutputFileExists";

    /// <summary>Writing the output failed; nothing was left behind.</summary>
    public const string ModelWriteFailed = "ModelWriteFailed";

    /// <summary>A named layer does not exist.</summary>
    public const string LayerNotFound = "LayerNotFound";

    /// <summary>A named tensor does not exist.</summary>
    public const string TensorNotFound = "TensorNotFound";

    /// <summary>A subgraph index the model does not have.</summary>
    public const string SubgraphNotFound = "SubgraphNotFound";

    /// <summary>A named model input does not exist.</summary>
    public const string InputNotFound = "InputNotFound";

    /// <summary>A shape does not fit the tensor it is given for.</summary>
    public const string ShapeMismatch = "ShapeMismatch";

    /// <summary>The interpreter has no kernel for an op/version/type combination.</summary>
    public const string OperatorNotSupported = "OperatorNotSupported";

    /// <summary>An op stays float because it has no integer kernel (warning; an error under -Strict).</summary>
    public const string OperatorNotQuantizable = "OperatorNotQuantizable";

    /// <summary>Input data do not fit the model (count, type, length).</summary>
    public const string InputDataInvalid = "InputDataInvalid";

    /// <summary>Calibration data or activations contain NaN/Inf, or there are none.</summary>
    public const string CalibrationDataInvalid = "CalibrationDataInvalid";

    /// <summary>A dataset file cannot be read.</summary>
    public const string DatasetReadFailed = "DatasetReadFailed";

    /// <summary>A parameter combination cannot work.</summary>
    public const string ParameterCombinationInvalid = "ParameterCombinationInvalid";

    /// <summary>A quantization recipe file is malformed.</summary>
    public const string RecipeInvalid = "RecipeInvalid";

    /// <summary>The two models given to a comparison do not correspond.</summary>
    public const string GraphStructureMismatch = "GraphStructureMismatch";

    /// <summary>Accuracy-aware quantization cannot meet its SQNR or accuracy target (even with the allowed exclusions).</summary>
    public const string AccuracyTargetUnreachable = "AccuracyTargetUnreachable";

    /// <summary>The operation was cancelled (Ctrl+C).</summary>
    public const string OperationCancelled = "OperationCancelled";
}
