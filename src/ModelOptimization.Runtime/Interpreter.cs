using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime;

/// <summary>
/// Runs a TFLite model held as a <see cref="Model"/>: every node is prepared once in <see cref="Create"/>
/// (shapes, requantization factors, folded constants, memory plan), then <see cref="Invoke"/> only computes.
/// Integer kernels follow TFLite's arithmetic bit for bit; results do not depend on the thread count.
/// </summary>
public sealed partial class Interpreter : IDisposable
{
    private readonly ExecutionSession _session;
    private readonly SubgraphExecutor _main;
    private readonly TensorInfo[] _inputs;
    private readonly TensorInfo[] _outputs;
    private bool _disposed;

    private Interpreter(Model model, InterpreterOptions options)
    {
        int subgraph = options.SubgraphIndex ?? 0;
        SignatureDef? signature = null;
        if (options.SignatureKey is { } key)
        {
            signature = model.SignatureDefs?.FirstOrDefault(s => s.SignatureKey == key)
                ?? throw new ModelOptimizationException(ErrorIds.ParameterCombinationInvalid, ErrorKind.ObjectNotFound,
                    $"The model has no signature '{key}'" + (model.SignatureDefs is { Count: > 0 } sigs
                        ? $" (it has: {string.Join(", ", sigs.Select(s => s.SignatureKey))})." : " (it has none)."), key);
            if (options.SubgraphIndex is { } s && s != signature.SubgraphIndex)
            {
                throw new ModelOptimizationException(ErrorIds.ParameterCombinationInvalid, ErrorKind.InvalidArgument,
                    $"Signature '{key}' runs subgraph {signature.SubgraphIndex}, not {s}.", key);
            }

            subgraph = (int)signature.SubgraphIndex;
        }
        else
        {
            signature = model.SignatureDefs?.FirstOrDefault(s => s.SubgraphIndex == subgraph);
        }

        if (subgraph < 0 || subgraph >= model.Subgraphs.Count)
        {
            throw new ModelOptimizationException(ErrorIds.ParameterCombinationInvalid, ErrorKind.InvalidArgument,
                $"Subgraph {subgraph} does not exist; the model has {model.Subgraphs.Count}.", subgraph);
        }

        Model = model;
        SubgraphIndex = subgraph;
        SignatureKey = signature?.SignatureKey;
        _session = new ExecutionSession(model, options.ThreadCount, options.PreserveIntermediates, options.CancellationToken)
        {
            UseReferenceKernels = options.UseReferenceKernels,
            QuantizedArithmetic = options.QuantizedArithmetic,
            Profiling = options.EnableProfiling,
        };
        _main = _session.GetExecutor(subgraph);
        var sg = model.Subgraphs[subgraph];
        string? Alias(IEnumerable<TensorMap>? maps, int t) => maps?.FirstOrDefault(m => m.TensorIndex == t)?.Name;
        _inputs = sg.Inputs.Select(t => Info(t, Alias(signature?.Inputs, t))).ToArray();
        _outputs = sg.Outputs.Select(t => Info(t, Alias(signature?.Outputs, t))).ToArray();
    }

    /// <summary>The model being run.</summary>
    public Model Model { get; }

    /// <summary>The subgraph being run.</summary>
    public int SubgraphIndex { get; }

    /// <summary>The signature of that subgraph, if the model has one.</summary>
    public string? SignatureKey { get; }

    /// <summary>The subgraph's inputs in order.</summary>
    public IReadOnlyList<TensorInfo> Inputs => _inputs;

    /// <summary>The subgraph's outputs in order.</summary>
    public IReadOnlyList<TensorInfo> Outputs => _outputs;

    /// <summary>Bytes of the activation arena of the main subgraph.</summary>
    public long ArenaBytes => _main.ArenaBytes;

    /// <summary>Bytes held by the interpreter: arenas, folded constants, packed weights and scratch buffers.</summary>
    public long AllocatedBytes => _session.AllocatedBytes;

    /// <summary>
    /// Prepares an interpreter: checks every operator (OperatorNotSupported names the op, version, types and
    /// index of the first one without a kernel), infers shapes and plans memory.
    /// </summary>
    public static Interpreter Create(Model model, InterpreterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new Interpreter(model, options ?? new InterpreterOptions());
    }

    /// <summary>Sets input <paramref name="index"/> from a flat array of the tensor's own element type.</summary>
    public void SetInput(int index, Array data)
    {
        ThrowIfDisposed();
        if ((uint)index >= (uint)_inputs.Length)
        {
            throw new ModelOptimizationException(ErrorIds.InputNotFound, ErrorKind.ObjectNotFound,
                $"Input {index} does not exist; the model has {_inputs.Length} input{(_inputs.Length == 1 ? "" : "s")}.", index);
        }

        var info = _inputs[index];
        var tensor = _main.Tensors[info.TensorIndex];
        if (data is null)
        {
            throw InvalidInput(info, "no data was given");
        }

        var expected = TensorData.ClrType(info.DataType);
        var given = data.GetType().GetElementType();
        if (expected is null)
        {
            throw InvalidInput(info, $"inputs of type {TensorTypeInfo.ShortName(info.DataType)} cannot be set");
        }

        if (given != expected)
        {
            throw InvalidInput(info, $"the tensor is {TensorTypeInfo.ShortName(info.DataType)}, so it takes {expected.Name}[], not {given?.Name ?? "?"}[]"
                + (info.Quantization is { IsQuantized: true } ? " (quantize the values with the input's scale and zero point first)" : ""));
        }

        if (data.Length != tensor.ElementCount)
        {
            throw InvalidInput(info, $"it needs {tensor.ElementCount} values for shape {ShapeUtil.Format(tensor.Shape)}, but {data.Length} were given");
        }

        var src = TensorData.BytesOf(data);
        if (tensor.Storage is TensorStorage.Constant or TensorStorage.Persistent)
        {
            throw InvalidInput(info, "the input is a constant of the model");
        }

        src.CopyTo(tensor.WritableBytes);
    }

    /// <summary>Sets the input with this tensor name (or signature alias).</summary>
    public void SetInput(string name, Array data) => SetInput(InputIndex(name), data);

    /// <summary>Runs the subgraph.</summary>
    public void Invoke()
    {
        ThrowIfDisposed();
        _main.Invoke();
    }

    /// <summary>The value of output <paramref name="index"/>.</summary>
    public TensorValue GetOutput(int index)
    {
        ThrowIfDisposed();
        if ((uint)index >= (uint)_outputs.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"The model has {_outputs.Length} outputs.");
        }

        return Value(_main.Tensors[_outputs[index].TensorIndex]);
    }

    /// <summary>The value of the output with this tensor name (or signature alias).</summary>
    public TensorValue GetOutput(string name)
    {
        for (int i = 0; i < _outputs.Length; i++)
        {
            if (_outputs[i].Name == name || _outputs[i].SignatureName == name) return GetOutput(i);
        }

        throw new ModelOptimizationException(ErrorIds.LayerNotFound, ErrorKind.ObjectNotFound, $"The model has no output '{name}'.", name);
    }

    /// <summary>
    /// The value of any tensor of the subgraph. Intermediate tensors are only kept with
    /// <see cref="InterpreterOptions.PreserveIntermediates"/>; constants, inputs and outputs always are.
    /// </summary>
    public TensorValue GetTensor(int tensorIndex)
    {
        ThrowIfDisposed();
        if ((uint)tensorIndex >= (uint)_main.Tensors.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(tensorIndex), $"The subgraph has {_main.Tensors.Length} tensors.");
        }

        var t = _main.Tensors[tensorIndex];
        if (t.Storage == TensorStorage.Arena && !_session.PreserveIntermediates
            && !_main.Inputs.Contains(tensorIndex) && !_main.Outputs.Contains(tensorIndex))
        {
            throw new ModelOptimizationException(ErrorIds.ParameterCombinationInvalid, ErrorKind.InvalidOperation,
                $"Tensor {tensorIndex} ('{t.Name}') is an intermediate whose memory is reused; create the interpreter with PreserveIntermediates to read it.",
                t.Name);
        }

        return Value(t);
    }

    /// <summary>Every tensor's value (needs <see cref="InterpreterOptions.PreserveIntermediates"/>); unallocated tensors are skipped.</summary>
    public IReadOnlyList<TensorValue> GetAllTensors()
    {
        ThrowIfDisposed();
        if (!_session.PreserveIntermediates)
        {
            throw new ModelOptimizationException(ErrorIds.ParameterCombinationInvalid, ErrorKind.InvalidOperation,
                "GetAllTensors needs an interpreter created with PreserveIntermediates.");
        }

        return _main.Tensors.Where(t => t.Storage != TensorStorage.None).Select(Value).ToList();
    }

    /// <summary>Per-node timings of every prepared subgraph (empty unless <see cref="InterpreterOptions.EnableProfiling"/>).</summary>
    public IReadOnlyList<OperatorProfile> GetProfile() => _session.Executors.SelectMany(e => e.Profile()).ToList();

    /// <summary>Resets variable (state) tensors to their initial values.</summary>
    public void ResetVariables()
    {
        foreach (var e in _session.Executors) e.ResetVariables();
    }

    public void Dispose() => _disposed = true;

    private int InputIndex(string name)
    {
        for (int i = 0; i < _inputs.Length; i++)
        {
            if (_inputs[i].Name == name || _inputs[i].SignatureName == name) return i;
        }

        throw new ModelOptimizationException(ErrorIds.InputNotFound, ErrorKind.ObjectNotFound,
            $"The model has no input '{name}' (inputs: {string.Join(", ", _inputs.Select(i => i.SignatureName ?? i.Name))}).", name);
    }

    private TensorInfo Info(int tensorIndex, string? alias)
    {
        var t = _main.Tensors[tensorIndex];
        return new TensorInfo(t.Name, t.Shape.ToArray(), t.Type, t.Quantization, tensorIndex, t.Source.ShapeSignature?.ToArray(), alias);
    }

    private static TensorValue Value(RuntimeTensor t)
        => new(t.Name, t.Shape.ToArray(), t.Type, TensorData.ToArray(t.Type, t.Bytes, t.ElementCount), t.Quantization, t.Index);

    private static ModelOptimizationException InvalidInput(TensorInfo info, string what)
        => new(ErrorIds.InputDataInvalid, ErrorKind.InvalidArgument, $"Input '{info.Name}' cannot take the data: {what}.", info.Name,
            "Pass a flat array of the input's element type with one value per element of its shape.");

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
