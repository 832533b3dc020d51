using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Operators;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Execution;

/// <summary>
/// Prepares and runs one subgraph: creates a kernel per node from the <see cref="OpRegistry"/>, prepares the
/// nodes in order (shape inference, requantization factors, constant folding), plans the activation arena by
/// tensor lifetime, and invokes the nodes.
/// </summary>
internal sealed class SubgraphExecutor
{
    private KernelContext[] _contexts = [];
    private OperatorKernel[] _kernels = [];
    private bool[] _folded = [];
    private bool[] _reprepare = [];
    private byte[] _arena = [];
    private long[] _ticks = [];
    private int[] _calls = [];

    public SubgraphExecutor(ExecutionSession session, int subgraphIndex)
    {
        Session = session;
        SubgraphIndex = subgraphIndex;
        Subgraph = session.Model.Subgraphs[subgraphIndex];
        Tensors = [];
    }

    public ExecutionSession Session { get; }

    public int SubgraphIndex { get; }

    public Subgraph Subgraph { get; }

    public RuntimeTensor[] Tensors { get; private set; }

    public int[] Inputs => Subgraph.Inputs;

    public int[] Outputs => Subgraph.Outputs;

    public long ArenaBytes => _arena.Length;

    /// <summary>Arena, owned tensor buffers and kernel scratch.</summary>
    public long AllocatedBytes => _arena.Length + Tensors.Sum(t => t.OwnedBytes) + _kernels.Sum(k => k.ScratchBytes);

    /// <summary>Shapes given to the inputs before prepare (by the interpreter or a control-flow node), by tensor index.</summary>
    public Dictionary<int, int[]> InputShapes { get; } = [];

    /// <summary>Creates the runtime tensors and prepares every node. Safe to call again after input shapes change.</summary>
    public void Prepare()
    {
        var model = Session.Model;
        var tensors = new RuntimeTensor[Subgraph.Tensors.Count];
        for (int i = 0; i < tensors.Length; i++)
        {
            var t = Subgraph.Tensors[i];
            var data = t.Buffer != 0 ? model.DataOf(t) : ReadOnlyMemory<byte>.Empty;
            if (t.ExternalBuffer != 0 && data.IsEmpty)
            {
                throw new ModelOptimizationException(ErrorIds.OperatorNotSupported, ErrorKind.NotImplemented,
                    $"Tensor '{t.Name}' keeps its data in an external buffer, which the interpreter does not load.", t.Name);
            }

            var rt = new RuntimeTensor(i, t, data);
            if (rt.Storage == TensorStorage.Constant && t.Sparsity is { } sp)
            {
                rt.SetConstant(SparseDensifier.Densify(rt.Name, t.Shape, rt.ElementSize, sp, data.Span));
            }

            if (InputShapes.TryGetValue(i, out var shape)) rt.Shape = shape.ToArray();
            if (rt.Storage == TensorStorage.Variable) rt.ResetVariable();
            tensors[i] = rt;
        }

        Tensors = tensors;
        int n = Subgraph.Operators.Count;
        _contexts = new KernelContext[n];
        _kernels = new OperatorKernel[n];
        _folded = new bool[n];
        _reprepare = new bool[n];
        _ticks = new long[n];
        _calls = new int[n];
        for (int i = 0; i < n; i++)
        {
            var op = Subgraph.Operators[i];
            if (op.OpcodeIndex >= model.OperatorCodes.Count)
            {
                throw new ModelOptimizationException(ErrorIds.ModelValidationFailed, ErrorKind.InvalidData,
                    $"Operator {i} refers to operator code {op.OpcodeIndex}, but the model has {model.OperatorCodes.Count}.");
            }

            var code = model.CodeOf(op);
            var ctx = new KernelContext(this, i, op, code);
            var registration = OpRegistry.Find(code)
                ?? throw ctx.NotSupported(OpRegistry.IsKnown(code)
                    ? $"version {code.Version} is outside the supported range {OpRegistry.VersionRange(code)}"
                    : code.CustomCode is not null ? "no kernel for this custom operator" : "no kernel for this operator");
            var kernel = registration.Create();
            _contexts[i] = ctx;
            _kernels[i] = kernel;

            bool dynamicInput = false, allConstant = op.Inputs.Length > 0;
            foreach (int ti in op.Inputs)
            {
                if (ti < 0) continue;
                if (ti >= tensors.Length) throw ctx.NotSupported($"input tensor index {ti} is out of range");
                var t = tensors[ti];
                if (t.Storage == TensorStorage.Dynamic) dynamicInput = true;
                if (!t.IsConstantValue) allConstant = false;
            }

            foreach (int to in op.Outputs)
            {
                if (to < 0 || to >= tensors.Length) throw ctx.NotSupported($"output tensor index {to} is out of range");
            }

            kernel.Prepare(ctx);
            if (ctx.RequestedDynamic || dynamicInput)
            {
                _reprepare[i] = true;
                foreach (int to in op.Outputs)
                {
                    if (tensors[to].Storage != TensorStorage.Variable) tensors[to].Storage = TensorStorage.Dynamic;
                }
            }
            else if (kernel.CanFold(ctx, allConstant) && !op.Outputs.Any(o => tensors[o].Storage == TensorStorage.Variable))
            {
                foreach (int to in op.Outputs)
                {
                    tensors[to].Storage = TensorStorage.Persistent;
                    tensors[to].EnsureOwned();
                }

                kernel.Eval(ctx);
                _folded[i] = true;
            }
        }

        PlanArena();
    }

    private void PlanArena()
    {
        int n = Subgraph.Operators.Count;
        bool preserve = Session.PreserveIntermediates;
        var first = new Dictionary<int, int>();
        var last = new Dictionary<int, int>();
        foreach (int t in Inputs)
        {
            if (t >= 0 && Tensors[t].Storage == TensorStorage.None) first[t] = -1;
        }

        for (int i = 0; i < n; i++)
        {
            var op = Subgraph.Operators[i];
            foreach (int t in op.Inputs)
            {
                if (t >= 0 && first.ContainsKey(t)) last[t] = i;
            }

            if (_folded[i]) continue;
            foreach (int t in op.Outputs)
            {
                if (Tensors[t].Storage == TensorStorage.None && !first.ContainsKey(t))
                {
                    first[t] = i;
                    last[t] = i;
                }
            }
        }

        foreach (int t in Outputs.Concat(Inputs))
        {
            if (t >= 0 && first.ContainsKey(t)) last[t] = n;
        }

        var ids = first.Keys.ToArray();
        var requests = ids.Select(t => new ArenaPlanner.Request(Tensors[t].ByteCount,
            preserve ? -1 : first[t], preserve ? n : last.GetValueOrDefault(t, first[t]))).ToList();
        var (offsets, total) = ArenaPlanner.Plan(requests);
        _arena = GC.AllocateArray<byte>(checked((int)total), pinned: true);
        for (int k = 0; k < ids.Length; k++)
        {
            var rt = Tensors[ids[k]];
            rt.Storage = TensorStorage.Arena;
            rt.Arena = _arena;
            rt.ArenaOffset = offsets[k];
        }
    }

    /// <summary>Runs every node that was not folded in prepare.</summary>
    public void Invoke()
    {
        var token = Session.CancellationToken;
        for (int i = 0; i < _kernels.Length; i++)
        {
            if (_folded[i]) continue;
            if (token.IsCancellationRequested)
            {
                throw new ModelOptimizationException(ErrorIds.OperationCancelled, ErrorKind.OperationStopped,
                    "The inference was cancelled.", null, null, new OperationCanceledException(token));
            }

            var ctx = _contexts[i];
            if (_reprepare[i])
            {
                ctx.Evaluating = true;
                _kernels[i].Prepare(ctx);
                foreach (int to in ctx.Op.Outputs)
                {
                    if (Tensors[to].Storage == TensorStorage.Dynamic) Tensors[to].EnsureOwned();
                }
            }

            if (Session.Profiling)
            {
                long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                _kernels[i].Eval(ctx);
                _ticks[i] += System.Diagnostics.Stopwatch.GetTimestamp() - t0;
                _calls[i]++;
            }
            else
            {
                _kernels[i].Eval(ctx);
            }
        }
    }

    /// <summary>Recorded node timings.</summary>
    public IEnumerable<OperatorProfile> Profile()
    {
        for (int i = 0; i < _calls.Length; i++)
        {
            if (_calls[i] > 0)
            {
                yield return new OperatorProfile(SubgraphIndex, i, _contexts[i].OpName, _calls[i], _ticks[i] * 1000.0 / System.Diagnostics.Stopwatch.Frequency);
            }
        }
    }

    /// <summary>
    /// Makes the subgraph's inputs take these shapes, preparing the subgraph again when any differs (control-flow
    /// nodes call this before running a branch or loop body).
    /// </summary>
    public void EnsureInputShapes(IReadOnlyList<int[]> shapes)
    {
        bool changed = false;
        for (int i = 0; i < Inputs.Length && i < shapes.Count; i++)
        {
            if (!ShapeUtil.SameShape(Tensors[Inputs[i]].Shape, shapes[i]))
            {
                InputShapes[Inputs[i]] = shapes[i].ToArray();
                changed = true;
            }
        }

        if (changed) Prepare();
    }

    /// <summary>Copies values into the subgraph's inputs (shapes must already match).</summary>
    public void SetInputs(IReadOnlyList<RuntimeTensor> values)
    {
        for (int i = 0; i < Inputs.Length && i < values.Count; i++)
        {
            var t = Tensors[Inputs[i]];
            values[i].Bytes[..t.ByteCount].CopyTo(t.WritableBytes);
        }
    }

    /// <summary>Resets variable tensors to their initial values.</summary>
    public void ResetVariables()
    {
        foreach (var t in Tensors)
        {
            if (t.Storage == TensorStorage.Variable) t.ResetVariable();
        }
    }
}
