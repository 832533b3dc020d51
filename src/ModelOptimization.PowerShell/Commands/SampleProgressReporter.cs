using System.Diagnostics;
using System.Management.Automation;

namespace ModelOptimization.PowerShell.Commands;

/// <summary>
/// Turns "samples done" reports into one progress record per 200 ms. Reports raised on another thread than the
/// pipeline thread are remembered and shown with the next report on the pipeline thread (a cmdlet may only write
/// from its own thread).
/// </summary>
internal sealed class SampleProgressReporter : IProgress<int>
{
    private readonly Cmdlet _cmdlet;
    private readonly int _id;
    private readonly string _activity;
    private readonly int? _total;
    private readonly int _thread = Environment.CurrentManagedThreadId;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _latest;
    private bool _shown;

    public SampleProgressReporter(Cmdlet cmdlet, int id, string activity, int? total)
    {
        _cmdlet = cmdlet;
        _id = id;
        _activity = activity;
        _total = total;
    }

    public void Report(int value)
    {
        Volatile.Write(ref _latest, Math.Max(Volatile.Read(ref _latest), value));
        if (Environment.CurrentManagedThreadId != _thread || (_shown && _clock.ElapsedMilliseconds < 200)) return;
        _clock.Restart();
        _shown = true;
        int done = Volatile.Read(ref _latest);
        int percent = _total is int n && n > 0 ? Math.Min(100, (int)(100L * done / n)) : -1;
        _cmdlet.WriteProgress(new ProgressRecord(_id, _activity, _total is int t ? $"{done} of {t} samples" : $"{done} samples") { PercentComplete = percent });
    }

    /// <summary>Completes the record (call in a finally block).</summary>
    public void Complete()
    {
        if (_shown) _cmdlet.WriteProgress(new ProgressRecord(_id, _activity, "Done") { RecordType = ProgressRecordType.Completed });
    }
}
