using System.Collections;
using System.Diagnostics;
using System.Management.Automation;

namespace ModelOptimization.PowerShell.Commands;

using ModelOptimization.Core.Data;
using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Datasets;
using ModelOptimization.PowerShell.Model;
using ModelOptimization.Runtime;

/// <summary>
/// <c>Invoke-Model</c>: runs a model with the interpreter on one sample, a dataset (from Import-Dataset) or an array
/// of samples, and writes one result per sample as soon as it exists. Without -Input it runs one sample of random
/// data (seed 0), as a smoke test.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "Model", DefaultParameterSetName = ModelFromPipelineSet)]
[OutputType(typeof(InferenceResult))]
public sealed class InvokeModelCommand : ModelCmdletBase
{
    private const string ModelFromPipelineSet = "ModelFromPipeline";
    private const string InputFromPipelineSet = "InputFromPipeline";
    private const int ProgressId = 1;
    private const int SampleProgressId = 2;

    private readonly Dictionary<Core.Graph.Model, int> _nextIndex = new(ReferenceEqualityComparer.Instance);
    private Interpreter? _interpreter;
    private Core.Graph.Model? _interpreterModel;

    /// <summary>The model to run.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ModelFromPipelineSet)]
    [Parameter(Mandatory = true, ParameterSetName = InputFromPipelineSet)]
    [Alias("Model")]
    [ValidateNotNull]
    public Core.Graph.Model InputObject { get; set; } = null!;

    /// <summary>One sample, a hashtable input name → data, a dataset, or an array of samples.</summary>
    [Parameter(Position = 0, ParameterSetName = ModelFromPipelineSet)]
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputFromPipelineSet)]
    [Alias("Dataset")]
    [AllowEmptyCollection]
    public object? Input { get; set; }

    /// <summary>The signature (SignatureDef key) to run.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Signature { get; set; }

    /// <summary>Also return every tensor of the subgraph.</summary>
    [Parameter]
    public SwitchParameter IncludeIntermediate { get; set; }

    /// <summary>Threads the interpreter may use.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThreadCount { get; set; }

    protected override void ProcessRecord()
    {
        ThrowIfStopping();
        var model = InputObject;
        var interpreter = GetInterpreter(model);
        if (interpreter is null) return;

        IDataset dataset;
        bool random = Input is null && ParameterSetName == ModelFromPipelineSet && !MyInvocation.BoundParameters.ContainsKey(nameof(Input));
        try
        {
            var inputs = interpreter.Inputs.Select(i => (i.Name, i.Shape, i.DataType)).ToArray();
            if (random)
            {
                WriteVerbose($"No -Input: running '{model.Name}' on one sample of random data (seed 0).");
                dataset = new RandomDataset(inputs, count: 1, seed: 0);
            }
            else
            {
                dataset = DatasetAdapter.ToDataset(WithTensorNames(Input, interpreter), inputs);
            }
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteModelError(ex, Input, ErrorIds.InputDataInvalid, ErrorCategory.InvalidData);
            return;
        }

        Run(model, interpreter, dataset);
    }

    protected override void EndProcessing() => DisposeInterpreter();

    protected override void Dispose(bool disposing)
    {
        if (disposing) DisposeInterpreter();
        base.Dispose(disposing);
    }

    private void Run(Core.Graph.Model model, Interpreter interpreter, IDataset dataset)
    {
        int index = _nextIndex.GetValueOrDefault(model);
        int? count = dataset.Count;
        var labels = dataset.Labels;
        bool showProgress = count is null or > 1;
        string activity = $"Invoke-Model: {model.Name}";
        var lastProgress = Stopwatch.StartNew();
        int done = 0;
        var watch = new Stopwatch();
        try
        {
            if (showProgress)
            {
                WriteProgress(new ProgressRecord(ProgressId, activity, $"Running {dataset.Name}") { PercentComplete = 0 });
            }

            foreach (var sample in dataset.GetSamples(CancellationToken))
            {
                ThrowIfStopping();
                for (int i = 0; i < sample.Length; i++) interpreter.SetInput(i, sample[i]);
                watch.Restart();
                interpreter.Invoke();
                watch.Stop();

                var outputs = Enumerable.Range(0, interpreter.Outputs.Count).Select(interpreter.GetOutput).ToArray();
                var result = new InferenceResult
                {
                    ModelName = model.Name,
                    SampleIndex = index,
                    Outputs = outputs,
                    Tensors = IncludeIntermediate ? interpreter.GetAllTensors() : null,
                    Milliseconds = watch.Elapsed.TotalMilliseconds,
                    Label = labels is not null && done < labels.Count ? labels[done] : null,
                    Predicted = InferenceResult.ArgMaxOfClassifier(outputs.FirstOrDefault()),
                };
                index++;
                done++;
                _nextIndex[model] = index;
                WriteObject(result);

                if (showProgress && lastProgress.ElapsedMilliseconds >= 200)
                {
                    lastProgress.Restart();
                    WriteSampleProgress(activity, dataset, done, count);
                }
            }
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteModelError(ex, model, ErrorIds.InputDataInvalid, ErrorCategory.InvalidData);
        }
        finally
        {
            if (showProgress)
            {
                WriteProgress(new ProgressRecord(SampleProgressId, "Samples", "Done") { ParentActivityId = ProgressId, RecordType = ProgressRecordType.Completed });
                WriteProgress(new ProgressRecord(ProgressId, activity, "Done") { RecordType = ProgressRecordType.Completed });
            }
        }

        WriteVerbose($"Ran '{model.Name}' on {done} sample{(done == 1 ? "" : "s")} of {dataset.Name}.");
    }

    private void WriteSampleProgress(string activity, IDataset dataset, int done, int? count)
    {
        int percent = count is int n && n > 0 ? Math.Min(100, (int)(100L * done / n)) : -1;
        WriteProgress(new ProgressRecord(ProgressId, activity, $"Running {dataset.Name}") { PercentComplete = percent });
        WriteProgress(new ProgressRecord(SampleProgressId, "Samples", count is int c ? $"{done} of {c}" : $"{done}")
        {
            ParentActivityId = ProgressId,
            PercentComplete = percent,
        });
    }

    /// <summary>The interpreter for <paramref name="model"/>, reused while the same model comes; null after an error.</summary>
    private Interpreter? GetInterpreter(Core.Graph.Model model)
    {
        if (_interpreter is not null && ReferenceEquals(_interpreterModel, model)) return _interpreter;
        DisposeInterpreter();
        var options = new InterpreterOptions
        {
            SignatureKey = Signature,
            PreserveIntermediates = IncludeIntermediate,
            CancellationToken = CancellationToken,
        };
        if (MyInvocation.BoundParameters.ContainsKey(nameof(ThreadCount))) options.ThreadCount = ThreadCount;
        try
        {
            WriteVerbose($"Preparing the interpreter for '{model.Name}'.");
            // A SavedModel runs through its TFLite conversion (the common op set).
            var runnable = model.Format == ModelFormat.SavedModel
                ? Formats.SavedModel.Conversion.SavedModelConverter.ToTflite(model,
                    new Formats.SavedModel.Conversion.SavedModelConversionOptions { SignatureKey = Signature ?? "serving_default" })
                : model;
            if (!ReferenceEquals(runnable, model)) options.SignatureKey = null;
            _interpreter = Interpreter.Create(runnable, options);
            _interpreterModel = model;
            return _interpreter;
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteModelError(ex, model, ErrorIds.OperatorNotSupported, ErrorCategory.NotImplemented);
            return null;
        }
    }

    private void DisposeInterpreter()
    {
        _interpreter?.Dispose();
        _interpreter = null;
        _interpreterModel = null;
    }

    /// <summary>
    /// Hashtable keys may be the signature's input names (e.g. <c>conv2d_input</c>); the converter knows the tensor
    /// names, so such keys are renamed. Everything else passes unchanged.
    /// </summary>
    private static object? WithTensorNames(object? input, Interpreter interpreter)
    {
        object? value = input is PSObject ps ? ps.BaseObject : input;
        if (value is IDictionary dictionary) return Rename(dictionary, interpreter);
        if (value is object[] items && items.Length > 0 && items.All(i => (i is PSObject p ? p.BaseObject : i) is IDictionary))
        {
            return items.Select(i => (object)Rename((IDictionary)(i is PSObject p ? p.BaseObject : i), interpreter)).ToArray();
        }

        return input;
    }

    private static Hashtable Rename(IDictionary dictionary, Interpreter interpreter)
    {
        var renamed = new Hashtable();
        foreach (DictionaryEntry entry in dictionary)
        {
            object key = entry.Key is PSObject p ? p.BaseObject : entry.Key;
            if (key is string name)
            {
                var match = interpreter.Inputs.FirstOrDefault(i => string.Equals(i.SignatureName, name, StringComparison.OrdinalIgnoreCase)
                                                                   && !interpreter.Inputs.Any(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase)));
                if (match is not null) key = match.Name;
            }

            renamed[key] = entry.Value;
        }

        return renamed;
    }
}
