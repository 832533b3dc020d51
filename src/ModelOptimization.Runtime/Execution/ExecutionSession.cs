using ModelOptimization.Core.Graph;

namespace ModelOptimization.Runtime.Execution;

/// <summary>
/// The state shared by all subgraphs of one interpreter: the model, settings, and one executor per subgraph
/// (created when first needed, e.g. by a WHILE or IF node).
/// </summary>
internal sealed class ExecutionSession
{
    private readonly SubgraphExecutor?[] _executors;

    public ExecutionSession(Model model, int threadCount, bool preserveIntermediates, CancellationToken cancellationToken)
    {
        Model = model;
        ThreadCount = Math.Max(1, threadCount);
        PreserveIntermediates = preserveIntermediates;
        CancellationToken = cancellationToken;
        _executors = new SubgraphExecutor?[model.Subgraphs.Count];
    }

    public Model Model { get; }

    public int ThreadCount { get; }

    public bool PreserveIntermediates { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>Use the scalar reference kernels (the specification) instead of the fast paths.</summary>
    public bool UseReferenceKernels { get; init; }

    /// <summary>Record per-node timings.</summary>
    public bool Profiling { get; init; }

    /// <summary>Which TFLite integer arithmetic the 8-bit kernels reproduce.</summary>
    public QuantizedArithmetic QuantizedArithmetic { get; init; }

    /// <summary>Resource variables (VAR_HANDLE / ASSIGN_VARIABLE / READ_VARIABLE), by container/shared_name.</summary>
    public Dictionary<string, ResourceVariable> ResourceVariables { get; } = new(StringComparer.Ordinal);

    /// <summary>The prepared executor of a subgraph.</summary>
    public SubgraphExecutor GetExecutor(int subgraphIndex)
    {
        if ((uint)subgraphIndex >= (uint)_executors.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(subgraphIndex), $"The model has {_executors.Length} subgraphs.");
        }

        if (_executors[subgraphIndex] is { } e) return e;
        var created = new SubgraphExecutor(this, subgraphIndex);
        _executors[subgraphIndex] = created;
        created.Prepare();
        return created;
    }

    public IEnumerable<SubgraphExecutor> Executors => _executors.Where(e => e is not null)!;

    /// <summary>Arena and persistent bytes over all prepared subgraphs.</summary>
    public long AllocatedBytes => Executors.Sum(e => e.AllocatedBytes);
}
