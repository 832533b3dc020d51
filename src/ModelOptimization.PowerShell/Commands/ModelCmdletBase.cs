using System.Management.Automation;

namespace ModelOptimization.PowerShell.Commands;

using ModelOptimization.Core.Errors;

/// <summary>
/// The base of every cmdlet of the module: turns library failures into ErrorRecords (one method,
/// <see cref="CreateErrorRecord"/>), cancels long work on Ctrl+C (<see cref="CancellationToken"/>, cancelled in
/// <see cref="StopProcessing"/>), and resolves file-system paths the way PowerShell's own file cmdlets do.
/// </summary>
public abstract class ModelCmdletBase : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private bool _disposed;

    /// <summary>Cancelled when the user presses Ctrl+C (or the pipeline is stopped); pass it to long library calls.</summary>
    protected CancellationToken CancellationToken => _cancellation.Token;

    /// <inheritdoc/>
    protected override void StopProcessing()
    {
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The command already finished.
        }
    }

    /// <summary>
    /// The one place a failure becomes an <see cref="ErrorRecord"/>: a <see cref="ModelOptimizationException"/> keeps
    /// its ErrorId, category (from its <see cref="ErrorKind"/>), target and recommended action; any other exception
    /// gets <paramref name="fallbackErrorId"/> and a category from its type (or <paramref name="fallbackCategory"/>).
    /// </summary>
    /// <param name="exception">The failure.</param>
    /// <param name="target">The object it concerns when the exception names none (a path, a model, a layer name).</param>
    /// <param name="fallbackErrorId">The ErrorId for exceptions that carry none (a constant of <see cref="ErrorIds"/>).</param>
    /// <param name="fallbackCategory">The category for exceptions whose type says nothing more specific.</param>
    protected static ErrorRecord CreateErrorRecord(Exception exception, object? target = null,
        string fallbackErrorId = ErrorIds.ModelParseFailed, ErrorCategory fallbackCategory = ErrorCategory.NotSpecified)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is AggregateException { InnerExceptions.Count: 1 } aggregate) exception = aggregate.InnerExceptions[0];

        ErrorRecord record;
        if (exception is ModelOptimizationException mo)
        {
            record = new ErrorRecord(mo, mo.ErrorId, ToCategory(mo.Kind), mo.Target ?? target);
            if (!string.IsNullOrEmpty(mo.RecommendedAction))
            {
                record.ErrorDetails = new ErrorDetails(mo.Message) { RecommendedAction = mo.RecommendedAction };
            }
        }
        else if (exception is OperationCanceledException)
        {
            record = new ErrorRecord(exception, ErrorIds.OperationCancelled, ErrorCategory.OperationStopped, target);
        }
        else
        {
            var category = exception switch
            {
                UnauthorizedAccessException => ErrorCategory.PermissionDenied,
                FileNotFoundException or DirectoryNotFoundException => ErrorCategory.ObjectNotFound,
                IOException when fallbackCategory == ErrorCategory.NotSpecified => ErrorCategory.ReadError,
                ArgumentException when fallbackCategory == ErrorCategory.NotSpecified => ErrorCategory.InvalidArgument,
                NotSupportedException or NotImplementedException => ErrorCategory.NotImplemented,
                _ => fallbackCategory,
            };
            record = new ErrorRecord(exception, fallbackErrorId, category, target);
        }

        return record;
    }

    /// <summary>Maps the library's <see cref="ErrorKind"/> to PowerShell's <see cref="ErrorCategory"/>.</summary>
    public static ErrorCategory ToCategory(ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidData => ErrorCategory.InvalidData,
        ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        ErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        ErrorKind.ResourceExists => ErrorCategory.ResourceExists,
        ErrorKind.NotImplemented => ErrorCategory.NotImplemented,
        ErrorKind.WriteError => ErrorCategory.WriteError,
        ErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
        ErrorKind.OperationStopped => ErrorCategory.OperationStopped,
        ErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
        _ => ErrorCategory.NotSpecified,
    };

    /// <summary>
    /// Reports a failure that concerns one input (non-terminating): the pipeline goes on with the next input.
    /// When the failure is a cancellation caused by Ctrl+C, stops the pipeline instead.
    /// </summary>
    protected void WriteModelError(Exception exception, object? target = null,
        string fallbackErrorId = ErrorIds.ModelParseFailed, ErrorCategory fallbackCategory = ErrorCategory.NotSpecified)
    {
        if (Stopping) throw new PipelineStoppedException();
        WriteError(CreateErrorRecord(exception, target, fallbackErrorId, fallbackCategory));
    }

    /// <summary>Stops the command: for failures no input can escape (a bad parameter combination).</summary>
    protected void ThrowModelError(Exception exception, object? target = null,
        string fallbackErrorId = ErrorIds.ParameterCombinationInvalid, ErrorCategory fallbackCategory = ErrorCategory.InvalidArgument)
    {
        if (Stopping) throw new PipelineStoppedException();
        ThrowTerminatingError(CreateErrorRecord(exception, target, fallbackErrorId, fallbackCategory));
    }

    /// <summary>Stops the pipeline when the user pressed Ctrl+C; call it between inputs and between steps.</summary>
    protected void ThrowIfStopping()
    {
        if (CancellationToken.IsCancellationRequested || Stopping) throw new PipelineStoppedException();
    }

    /// <summary>
    /// Samples as given to a -CalibrationData/-Dataset parameter (a dataset, one sample, an array of samples, a
    /// hashtable) as a dataset fitting the inputs of <paramref name="model"/>'s first subgraph.
    /// </summary>
    protected static Core.Data.IDataset ToDataset(object? samples, Core.Graph.Model model)
    {
        var sg = model.Subgraphs.Count > 0 ? model.Subgraphs[0] : null;
        var inputs = sg?.Inputs.Select(i => (sg.Tensors[i].Name ?? $"input{i}", sg.Tensors[i].Shape, sg.Tensors[i].Type)).ToArray();
        return Formats.Datasets.DatasetAdapter.ToDataset(samples, inputs);
    }

    /// <summary>A <see cref="ErrorIds.ModelFileNotFound"/> failure naming the path.</summary>
    protected static ModelOptimizationException FileNotFound(string path, string? detail = null)
        => new(ErrorIds.ModelFileNotFound, ErrorKind.ObjectNotFound,
            $"Cannot find a model at '{path}'{(detail is null ? "" : ": " + detail)}.", path,
            "Check the path; use -LiteralPath for names that contain wildcard characters ([, ], *, ?).");

    /// <summary>A <see cref="ErrorIds.ParameterCombinationInvalid"/> failure.</summary>
    protected static ModelOptimizationException InvalidCombination(string message, string recommendedAction, object? target = null)
        => new(ErrorIds.ParameterCombinationInvalid, ErrorKind.InvalidArgument, message, target, recommendedAction);

    /// <summary>
    /// Resolves input paths to existing file-system items. With <paramref name="literal"/> false, wildcards expand
    /// (<see cref="PSCmdlet.GetResolvedProviderPathFromPSPath"/>); with true, paths are taken as written
    /// (<see cref="PathIntrinsics.GetUnresolvedProviderPathFromPSPath(string)"/>). Each path that names nothing — or a
    /// pattern that matches nothing, or an item of another provider — is reported as a non-terminating
    /// <see cref="ErrorIds.ModelFileNotFound"/> error, and the others are returned.
    /// </summary>
    protected IEnumerable<string> ResolveInputPaths(IEnumerable<string> paths, bool literal)
    {
        foreach (string path in paths)
        {
            if (string.IsNullOrEmpty(path)) continue;
            var resolved = new List<string>();
            try
            {
                if (literal)
                {
                    string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
                    if (!IsFileSystem(provider)) throw FileNotFound(path, $"it is a {provider.Name} path, not a file-system path");
                    if (!File.Exists(full) && !Directory.Exists(full)) throw FileNotFound(full);
                    resolved.Add(full);
                }
                else
                {
                    var found = GetResolvedProviderPathFromPSPath(path, out var provider);
                    if (!IsFileSystem(provider)) throw FileNotFound(path, $"it is a {provider.Name} path, not a file-system path");
                    if (found.Count == 0) throw FileNotFound(path, "no file matches the pattern");
                    resolved.AddRange(found);
                }
            }
            catch (ModelOptimizationException ex)
            {
                WriteModelError(ex, path);
                continue;
            }
            catch (ItemNotFoundException ex)
            {
                WriteModelError(new ModelOptimizationException(ErrorIds.ModelFileNotFound, ErrorKind.ObjectNotFound,
                    $"Cannot find a model at '{path}': {ex.Message}", path,
                    "Check the path; use -LiteralPath for names that contain wildcard characters ([, ], *, ?).", ex), path);
                continue;
            }
            catch (Exception ex) when (ex is System.Management.Automation.DriveNotFoundException or System.IO.DriveNotFoundException or ProviderNotFoundException or PSArgumentException or NotSupportedException or ArgumentException)
            {
                WriteModelError(FileNotFoundFrom(path, ex), path);
                continue;
            }

            foreach (string r in resolved) yield return r;
        }
    }

    /// <summary>
    /// Resolves an output path (which need not exist) to a file-system path; a path of another provider or drive
    /// stops the command, since no input could be written there.
    /// </summary>
    protected string ResolveOutputPath(string path)
    {
        try
        {
            string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
            if (!IsFileSystem(provider))
            {
                ThrowModelError(InvalidCombination($"Cannot write a model to '{path}': it is a {provider.Name} path, not a file-system path.",
                    "Give a path on a file-system drive.", path));
            }

            return full;
        }
        catch (Exception ex) when (ex is System.Management.Automation.DriveNotFoundException or System.IO.DriveNotFoundException or ProviderNotFoundException or PSArgumentException or NotSupportedException)
        {
            ThrowModelError(InvalidCombination($"Cannot write a model to '{path}': {ex.Message}", "Give a path on a file-system drive.", path));
            throw; // not reached: ThrowModelError throws.
        }
    }

    /// <summary>Writes the file-system item at <paramref name="path"/> as the provider returns it (with PSPath).</summary>
    protected void WriteItem(string path)
    {
        foreach (var item in InvokeProvider.Item.Get([path], true, true)) WriteObject(item);
    }

    private static bool IsFileSystem(ProviderInfo provider) => string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase);

    private static ModelOptimizationException FileNotFoundFrom(string path, Exception ex)
        => new(ErrorIds.ModelFileNotFound, ErrorKind.ObjectNotFound, $"Cannot find a model at '{path}': {ex.Message}", path,
            "Check the path; use -LiteralPath for names that contain wildcard characters ([, ], *, ?).", ex);

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed) return;
        if (disposing) _cancellation.Dispose();
        _disposed = true;
    }
}
