using System.Diagnostics;
using System.Management.Automation;

namespace ModelOptimization.PowerShell.Commands;

using ModelOptimization.Optimization.Quantization;

/// <summary>
/// Turns the library's progress reports (raised synchronously on the pipeline thread) into a parent activity per
/// model and a child activity per stage (Calibrating, Quantizing), throttled to one record per 200 ms, and
/// completes both at the end.
/// </summary>
internal sealed class QuantizationProgressReporter : IProgress<QuantizationProgress>
{
    private readonly Cmdlet _cmdlet;
    private readonly int _parentId;
    private readonly string _activity;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly HashSet<string> _stages = [];

    public QuantizationProgressReporter(Cmdlet cmdlet, int parentId, string activity)
    {
        _cmdlet = cmdlet;
        _parentId = parentId;
        _activity = activity;
        _cmdlet.WriteProgress(new ProgressRecord(_parentId, _activity, "Starting") { PercentComplete = 0 });
    }

    public void Report(QuantizationProgress value)
    {
        bool first = _stages.Add(value.Activity);
        if (!first && value.PercentComplete is > 0 and < 100 && _clock.ElapsedMilliseconds < 200) return;
        _clock.Restart();
        _cmdlet.WriteProgress(new ProgressRecord(_parentId, _activity, value.Activity) { PercentComplete = -1 });
        _cmdlet.WriteProgress(new ProgressRecord(ChildId(value.Activity), value.Activity, value.Status)
        {
            ParentActivityId = _parentId,
            PercentComplete = value.PercentComplete is >= 0 and <= 100 ? value.PercentComplete : -1,
        });
    }

    /// <summary>Completes the stage and parent records (call in a finally block).</summary>
    public void Complete()
    {
        foreach (var stage in _stages)
        {
            _cmdlet.WriteProgress(new ProgressRecord(ChildId(stage), stage, "Done") { ParentActivityId = _parentId, RecordType = ProgressRecordType.Completed });
        }

        _cmdlet.WriteProgress(new ProgressRecord(_parentId, _activity, "Done") { RecordType = ProgressRecordType.Completed });
    }

    private int ChildId(string stage) => _parentId + 1 + Math.Abs(stage.GetHashCode(StringComparison.Ordinal) % 1000);
}
