namespace ModelOptimization.Core.Errors;

/// <summary>
/// A failure the user can act on: carries an ErrorId from <see cref="ErrorIds"/>, a category, the object it
/// concerns (a path, a layer name) and a recommended action. The cmdlets turn it into an ErrorRecord.
/// </summary>
public class ModelOptimizationException : Exception
{
    public ModelOptimizationException(string errorId, ErrorKind kind, string message, object? target = null,
        string? recommendedAction = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorId = errorId;
        Kind = kind;
        Target = target;
        RecommendedAction = recommendedAction;
    }

    public string ErrorId { get; }

    public ErrorKind Kind { get; }

    public object? Target { get; }

    public string? RecommendedAction { get; }

    /// <summary>A ModelParseFailed error for a file, naming what was wrong and where.</summary>
    public static ModelOptimizationException ParseFailed(string path, string what, Exception? inner = null)
        => new(ErrorIds.ModelParseFailed, ErrorKind.InvalidData, $"Cannot read model '{path}': {what}", path,
            "Check that the file is a complete, uncorrupted model; re-export or re-download it.", inner);
}
