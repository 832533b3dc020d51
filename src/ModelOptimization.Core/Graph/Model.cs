using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Core.Graph;

/// <summary>
/// The model object every cmdlet passes down the pipeline: everything a TFLite file (schema 3d) holds, plus where
/// it came from and the user's quantization plan. Readers and writers are the only code that sees FlatBuffers or
/// Protobuf types; everything else works on this graph.
/// </summary>
public sealed class Model
{
    /// <summary>A display name (the file name without extension, or the transform that made it).</summary>
    [Layout]
    public string Name { get; set; } = "model";

    [Layout]
    public ModelFormat Format { get; set; } = ModelFormat.Tflite;

    /// <summary>The file or folder the model was read from, if any.</summary>
    [Layout]
    public string? SourcePath { get; set; }

    /// <summary>Size of the file it was read from, in bytes (0 when built in memory).</summary>
    [Layout]
    public long FileSize { get; set; }

    /// <summary>The model this one was produced from (e.g. the float model of a quantized one), if any.</summary>
    [Layout]
    public Model? Source { get; set; }

    /// <summary>What produced this model from <see cref="Source"/>, e.g. <c>Quantization FullInteger</c>.</summary>
    [Layout]
    public string? Transform { get; set; }

    /// <summary>The user's quantization plan (exclusion rules); not part of the file.</summary>
    [Layout]
    public QuantizationPlan Plan { get; set; } = new();

    /// <summary>Keeps memory-mapped storage alive as long as the model (and its buffer views) are reachable.</summary>
    [Layout]
    public object? Storage { get; set; }

    /// <summary>Schema version (<c>Model.version</c>), 3 for all current files.</summary>
    public uint Version { get; set; } = 3;

    public List<OperatorCode> OperatorCodes { get; set; } = [];

    public List<Subgraph> Subgraphs { get; set; } = [];

    public string? Description { get; set; }

    /// <summary>Buffers; entry 0 is the empty sentinel.</summary>
    public List<ModelBuffer> Buffers { get; set; } = [];

    /// <summary>Deprecated metadata buffer indices (<c>metadata_buffer</c>).</summary>
    public int[]? MetadataBuffer { get; set; }

    public List<ModelMetadata>? Metadata { get; set; }

    public List<SignatureDef>? SignatureDefs { get; set; }

    public List<ExternalBufferGroup>? ExternalBufferGroups { get; set; }

    public List<ExternalBuffer>? ExternalBuffers { get; set; }

    /// <summary>The TensorFlow graph form (nodes, functions, signatures, variables) of a SavedModel; null for TFLite.</summary>
    public TensorFlow.TfGraph? TensorFlowGraph { get; set; }

    /// <summary>The operator code of an operator.</summary>
    public OperatorCode CodeOf(Operator op) => OperatorCodes[(int)op.OpcodeIndex];

    /// <summary>The constant bytes of a tensor (empty when it has none).</summary>
    public ReadOnlyMemory<byte> DataOf(Tensor tensor)
        => tensor.Buffer < Buffers.Count ? Buffers[(int)tensor.Buffer].Data : ReadOnlyMemory<byte>.Empty;

    /// <summary>True when the tensor holds constant data.</summary>
    public bool IsConstant(Tensor tensor) => tensor.Buffer != 0 && !DataOf(tensor).IsEmpty;

    /// <summary>Number of elements in constant tensors of all subgraphs (the weights).</summary>
    public long ParameterCount
    {
        get
        {
            if (TensorFlowGraph is { } tf) return tf.ParameterCount;
            long n = 0;
            foreach (var sg in Subgraphs)
            {
                foreach (var t in sg.Tensors)
                {
                    if (IsConstant(t) && !t.IsVariable) n += t.ElementCount;
                }
            }

            return n;
        }
    }

    /// <summary>Bytes held by buffers (weights and metadata).</summary>
    public long BufferBytes => Buffers.Sum(b => (long)b.Data.Length);

    /// <summary>
    /// The types of the weights, e.g. <c>float32</c>, <c>int8 per-channel</c>, <c>float16</c> or <c>mixed</c>
    /// (weights of several types).
    /// </summary>
    public string QuantizationSummary
    {
        get
        {
            var kinds = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var sg in Subgraphs)
            {
                foreach (var op in sg.Operators)
                {
                    foreach (int i in op.Inputs)
                    {
                        if (i < 0 || i >= sg.Tensors.Count) continue;
                        var t = sg.Tensors[i];
                        if (!IsConstant(t) || t.Type is TensorType.Int32 or TensorType.Int64 || t.IsVariable) continue;
                        string kind = TensorTypeInfo.ShortName(t.Type);
                        if (t.Quantization is { IsQuantized: true } q)
                        {
                            kind += q.Granularity switch
                            {
                                QuantizationGranularity.PerChannel => " per-channel",
                                QuantizationGranularity.Blockwise => " blockwise",
                                _ => " per-tensor",
                            };
                        }

                        kinds.Add(kind);
                    }
                }
            }

            return kinds.Count switch
            {
                0 => "none",
                1 => kinds.Min!,
                _ => "mixed (" + string.Join(", ", kinds) + ")",
            };
        }
    }

    /// <summary>Number of operators over all subgraphs.</summary>
    public int OperatorCount => TensorFlowGraph?.TotalNodeCount ?? Subgraphs.Sum(s => s.Operators.Count);

    /// <summary>
    /// A deep copy of the graph that shares buffer bytes (immutable views) and storage. The copy's
    /// <see cref="Source"/> is this model's source; callers producing a new model set it to this model.
    /// </summary>
    public Model Clone() => new()
    {
        Name = Name,
        Format = Format,
        SourcePath = SourcePath,
        FileSize = FileSize,
        Source = Source,
        Transform = Transform,
        Plan = Plan.Clone(),
        Storage = Storage,
        Version = Version,
        OperatorCodes = OperatorCodes.Select(c => c.Clone()).ToList(),
        Subgraphs = Subgraphs.Select(s => s.Clone()).ToList(),
        Description = Description,
        Buffers = Buffers.Select(b => b.Clone()).ToList(),
        MetadataBuffer = MetadataBuffer?.ToArray(),
        Metadata = Metadata?.Select(m => m.Clone()).ToList(),
        SignatureDefs = SignatureDefs?.Select(s => s.Clone()).ToList(),
        ExternalBufferGroups = ExternalBufferGroups?.Select(g => g.Clone()).ToList(),
        ExternalBuffers = ExternalBuffers?.Select(b => b.Clone()).ToList(),
        TensorFlowGraph = TensorFlowGraph?.Clone(),
    };

    /// <summary>Finds or adds the operator code for a builtin op and version; returns its index.</summary>
    public uint GetOrAddOperatorCode(BuiltinOperator op, int version = 1)
    {
        for (int i = 0; i < OperatorCodes.Count; i++)
        {
            if (OperatorCodes[i].Op == op && OperatorCodes[i].Version == version && OperatorCodes[i].CustomCode is null) return (uint)i;
        }

        OperatorCodes.Add(OperatorCode.ForBuiltin(op, version));
        return (uint)(OperatorCodes.Count - 1);
    }

    /// <summary>Adds a buffer and returns its index.</summary>
    public uint AddBuffer(ReadOnlyMemory<byte> data)
    {
        Buffers.Add(new ModelBuffer(data));
        return (uint)(Buffers.Count - 1);
    }

    public override string ToString()
        => $"{Name} ({Format}, {Subgraphs.Count} subgraph{(Subgraphs.Count == 1 ? "" : "s")}, {OperatorCount} ops, "
           + $"{ParameterCount:N0} parameters, {QuantizationSummary})";
}
