namespace ModelOptimization.Runtime;

/// <summary>Settings of an <see cref="Interpreter"/>.</summary>
public sealed class InterpreterOptions
{
    /// <summary>Threads the heavy kernels may use (results never depend on it). Default: all processors.</summary>
    public int ThreadCount { get; set; } = Environment.ProcessorCount;

    /// <summary>The subgraph to run (default 0, or the signature's subgraph).</summary>
    public int? SubgraphIndex { get; set; }

    /// <summary>Run the subgraph of this signature (TFLite SignatureDef key).</summary>
    public string? SignatureKey { get; set; }

    /// <summary>Keep every tensor's value after <see cref="Interpreter.Invoke"/> (no arena reuse), for debugging.</summary>
    public bool PreserveIntermediates { get; set; }

    /// <summary>
    /// Which TFLite integer arithmetic 8-bit convolutions and matrix products reproduce (default: as LiteRT with its
    /// XNNPACK delegate computes them).
    /// </summary>
    public QuantizedArithmetic QuantizedArithmetic { get; set; } = QuantizedArithmetic.LiteRt;

    /// <summary>Run the scalar reference kernels instead of the fast ones (tests compare the two).</summary>
    internal bool UseReferenceKernels { get; set; }

    /// <summary>Record the time spent in each node (read it with <see cref="Interpreter.GetProfile"/>).</summary>
    public bool EnableProfiling { get; set; }

    /// <summary>Cancels a running <see cref="Interpreter.Invoke"/> between operators.</summary>
    public CancellationToken CancellationToken { get; set; }
}
