namespace ModelOptimization.Core.Errors;

/// <summary>The category of a failure; the PowerShell layer maps it to an ErrorCategory.</summary>
public enum ErrorKind
{
    InvalidData,
    InvalidArgument,
    ObjectNotFound,
    ResourceExists,
    NotImplemented,
    WriteError,
    InvalidOperation,
    OperationStopped,
    LimitsExceeded,
}
