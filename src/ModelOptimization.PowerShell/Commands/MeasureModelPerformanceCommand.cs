using System.Management.Automation;

namespace ModelOptimization.PowerShell.Commands;

using ModelOptimization.Core.Errors;
using ModelOptimization.PowerShell.Model;
using ModelOptimization.Runtime;

/// <summary>
/// <c>Measure-ModelPerformance</c>: times repeated inferences of a model on random inputs, like TFLite's
/// benchmark_model, and writes the median, minimum and mean latency and the peak memory, one object per model.
/// </summary>
[Cmdlet(VerbsDiagnostic.Measure, "ModelPerformance")]
[OutputType(typeof(ModelPerformance))]
public sealed class MeasureModelPerformanceCommand : ModelCmdletBase
{
    /// <summary>The model to measure.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    [Alias("Model")]
    [ValidateNotNull]
    public Core.Graph.Model InputObject { get; set; } = null!;

    /// <summary>Timed runs.</summary>
    [Parameter]
    [ValidateRange(1, 1_000_000)]
    public int Runs { get; set; } = 50;

    /// <summary>Untimed runs first.</summary>
    [Parameter]
    [ValidateRange(0, 1_000_000)]
    public int Warmup { get; set; } = 5;

    /// <summary>Threads the interpreter may use.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThreadCount { get; set; }

    protected override void ProcessRecord()
    {
        ThrowIfStopping();
        var model = InputObject;
        int threads = MyInvocation.BoundParameters.ContainsKey(nameof(ThreadCount)) ? ThreadCount : Environment.ProcessorCount;
        string activity = $"Measure-ModelPerformance: {model.Name}";
        WriteVerbose($"Measuring '{model.Name}': {Warmup} warm-up and {Runs} timed runs on random inputs, {threads} thread{(threads == 1 ? "" : "s")}.");
        WriteProgress(new ProgressRecord(1, activity, $"{Warmup} warm-up and {Runs} timed runs") { PercentComplete = 0 });
        try
        {
            var runnable = model.Format == Core.Graph.ModelFormat.SavedModel
                ? Formats.SavedModel.Conversion.SavedModelConverter.ToTflite(model, null)
                : model;
            var result = Interpreter.Benchmark(runnable, Runs, Warmup, threads);
            ThrowIfStopping();
            var performance = ModelPerformance.From(result);
            WriteVerbose(performance.ToString());
            WriteObject(performance);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteModelError(ex, model, ErrorIds.OperatorNotSupported, ErrorCategory.NotImplemented);
        }
        finally
        {
            WriteProgress(new ProgressRecord(1, activity, "Done") { RecordType = ProgressRecordType.Completed });
        }
    }
}
