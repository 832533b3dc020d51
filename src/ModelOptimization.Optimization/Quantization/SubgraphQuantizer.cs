using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Optimization.Calibration;
using ModelOptimization.Optimization.Quantization.OperatorQuantizers;

namespace ModelOptimization.Optimization.Quantization;

/// <summary>
/// Rewrites one subgraph of the (cloned) model. Operator quantizers call its methods to say which form each input
/// must have and which form each output gets, and to replace weights and biases; <see cref="Materialize"/> then
/// gives every activation the form its producer writes and inserts QUANTIZE/DEQUANTIZE ops wherever a consumer or
/// the model interface needs another form. Operator indices are those of the input model until materialization.
/// </summary>
internal sealed partial class SubgraphQuantizer
{
    private readonly ModelQuantizerRun _run;
    private readonly int _originalTensorCount;
    private readonly int _originalOperatorCount;
    private readonly int[] _producer;
    private readonly List<int>[] _consumers;
    private readonly TensorForm?[] _produced;
    private readonly bool[] _adjustable;
    private readonly bool[] _quantizedOp;
    private readonly Dictionary<(int Op, int Slot), TensorForm> _required = [];
    private readonly SortedDictionary<int, List<Operator>> _insertAfter = [];
    private readonly Dictionary<(int Tensor, TensorForm Form), int> _constantForms = [];
    private readonly Dictionary<int, float[]?> _constantFloats = [];

    public SubgraphQuantizer(ModelQuantizerRun run, int subgraphIndex)
    {
        _run = run;
        Model = run.Model;
        SubgraphIndex = subgraphIndex;
        Graph = Model.Subgraphs[subgraphIndex];
        _originalTensorCount = Graph.Tensors.Count;
        _originalOperatorCount = Graph.Operators.Count;
        _producer = new int[_originalTensorCount];
        Array.Fill(_producer, -1);
        _consumers = new List<int>[_originalTensorCount];
        for (int t = 0; t < _originalTensorCount; t++) _consumers[t] = [];
        for (int o = 0; o < Graph.Operators.Count; o++)
        {
            var op = Graph.Operators[o];
            foreach (int t in op.Outputs) if (t >= 0 && t < _originalTensorCount) _producer[t] = o;
            foreach (int t in op.Inputs.Distinct()) if (t >= 0 && t < _originalTensorCount) _consumers[t].Add(o);
        }

        _produced = new TensorForm?[_originalTensorCount];
        _adjustable = new bool[_originalTensorCount];
        _quantizedOp = new bool[_originalOperatorCount];
    }

    public Model Model { get; }

    public Subgraph Graph { get; }

    public int SubgraphIndex { get; }

    public QuantizationOptions Options => _run.Options;

    public int OperatorCount => _originalOperatorCount;

    public Operator Op(int op) => Graph.Operators[op];

    public BuiltinOperator OpCode(int op) => Model.CodeOf(Graph.Operators[op]).Op;

    public Tensor Tensor(int t) => Graph.Tensors[t];

    /// <summary>The options table of an op, created with schema defaults if the file had none.</summary>
    public OperatorOptions? OptionsOf(int op)
    {
        var o = Graph.Operators[op];
        return o.BuiltinOptions ??= OperatorOptions.For(OpCode(op));
    }

    /// <summary>The input tensor index at <paramref name="slot"/>, or −1 when absent.</summary>
    public int Input(int op, int slot) => slot < Op(op).Inputs.Length ? Op(op).Inputs[slot] : -1;

    public int Output(int op, int slot) => slot < Op(op).Outputs.Length ? Op(op).Outputs[slot] : -1;

    /// <summary>True for a float32 tensor computed at run time (not constant, not a variable).</summary>
    public bool IsFloatActivation(int t)
        => t >= 0 && t < Graph.Tensors.Count && Graph.Tensors[t].Type == TensorType.Float32 && !Graph.Tensors[t].IsVariable
           && !Model.IsConstant(Graph.Tensors[t]) && !IsFoldableConstant(t);

    /// <summary>True for a float32 tensor with constant data (or a DEQUANTIZE of a constant, which folds).</summary>
    public bool IsFloatConstant(int t)
        => t >= 0 && t < Graph.Tensors.Count && Graph.Tensors[t].Type == TensorType.Float32
           && (Model.IsConstant(Graph.Tensors[t]) || IsFoldableConstant(t));

    /// <summary>The op that writes tensor <paramref name="t"/> in the input model, or −1.</summary>
    public int ProducerOf(int t) => t >= 0 && t < _originalTensorCount ? _producer[t] : -1;

    /// <summary>The ops reading tensor <paramref name="t"/> in the input model.</summary>
    public IReadOnlyList<int> ConsumersOf(int t) => t >= 0 && t < _originalTensorCount ? _consumers[t] : [];

    public bool IsGraphOutput(int t) => Array.IndexOf(Graph.Outputs, t) >= 0;

    public bool IsGraphInput(int t) => Array.IndexOf(Graph.Inputs, t) >= 0;

    // ---------------------------------------------------------------------------------------------------------
    // Activation ranges and forms

    /// <summary>Statistics of an activation, or null when calibration did not see it.</summary>
    public TensorStatistics? StatisticsOf(int t) => _run.Statistics?.Find(SubgraphIndex, t);

    /// <summary>True when the tensor's range is known (calibrated activation, or constant data).</summary>
    public bool HasRange(int t) => IsFloatConstant(t) || (t < _originalTensorCount && StatisticsOf(t) is not null);

    /// <summary>The form a tensor has on its own: calibrated (or constant-data) range, nudged per the spec.</summary>
    public TensorForm NaturalForm(int t, ActivationType act)
    {
        float min, max;
        if (IsFloatConstant(t))
        {
            var data = ConstantFloats(t)!;
            min = data.Length == 0 ? 0 : System.Numerics.Tensors.TensorPrimitives.Min(data);
            max = data.Length == 0 ? 0 : System.Numerics.Tensors.TensorPrimitives.Max(data);
        }
        else
        {
            var s = StatisticsOf(t) ?? throw new InvalidOperationException($"No calibration statistics for tensor {t} ('{Tensor(t).Name}').");
            var c = Options.Calibration;
            (min, max) = RangeSelector.Select(s, c.Method, c.Percentile, act == ActivationType.Int8 ? 8 : 16, act == ActivationType.Int16);
        }

        return FormFromRange(min, max, act);
    }

    public static TensorForm FormFromRange(float min, float max, ActivationType act)
    {
        if (act == ActivationType.Int16)
        {
            var (s16, _, _, _) = QuantizationMath.SymmetricActivationParams(min, max, 16);
            return TensorForm.Quantized(TensorType.Int16, s16, 0);
        }

        var (s, zp) = QuantizationMath.Asymmetric(min, max, -128, 127);
        return TensorForm.Quantized(TensorType.Int8, s, zp);
    }

    /// <summary>A fixed form (e.g. SOFTMAX's 1/256, −128).</summary>
    public static TensorForm FixedForm(ActivationType act, float scale, long zeroPoint)
        => TensorForm.Quantized(act == ActivationType.Int8 ? TensorType.Int8 : TensorType.Int16, scale, zeroPoint);

    /// <summary>
    /// The form an input should take: what its producer writes when that is already of the wanted type (no
    /// requantization), else its natural form.
    /// </summary>
    public TensorForm InputForm(int t, ActivationType act)
    {
        var want = act == ActivationType.Int8 ? TensorType.Int8 : TensorType.Int16;
        if (t < _originalTensorCount && _produced[t] is { } p && p.Type == want) return p;
        return NaturalForm(t, act);
    }

    /// <summary>What the producer of <paramref name="t"/> writes so far (float when unknown).</summary>
    public TensorForm ProducedForm(int t) => t < _originalTensorCount && _produced[t] is { } p ? p : TensorForm.Float;

    /// <summary>
    /// Records that input <paramref name="slot"/> of <paramref name="op"/> must be in <paramref name="form"/>. When
    /// the producer's output scale is free (its natural range), this op is its only reader and it is no model
    /// output, the producer writes this form directly (no requantization op).
    /// </summary>
    public void RequireInput(int op, int slot, TensorForm form)
    {
        int t = Input(op, slot);
        if (t < 0) return;
        _required[(op, slot)] = form;
        if (t < _originalTensorCount && _adjustable[t] && _produced[t] is { } p && p.Type == form.Type && !p.Equals(form)
            && _consumers[t].Count == 1 && !IsGraphOutput(t))
        {
            _produced[t] = form;
        }
    }

    /// <summary>Output <paramref name="slot"/> of <paramref name="op"/> is written in <paramref name="form"/>.</summary>
    /// <param name="adjustable">The op can write any scale (it rescales internally), so a sole reader may pick it.</param>
    public void SetOutput(int op, int slot, TensorForm form, bool adjustable = false)
    {
        int t = Output(op, slot);
        if (t < 0 || t >= _originalTensorCount) return;
        _produced[t] = form;
        _adjustable[t] = adjustable;
    }

    /// <summary>Marks an op as quantized (its activations use the recorded forms).</summary>
    public void MarkQuantized(int op) => _quantizedOp[op] = true;

    public bool IsQuantized(int op) => _quantizedOp[op];

    /// <summary>Schedules <paramref name="newOp"/> right after operator <paramref name="op"/> (−1: before all).</summary>
    public void InsertAfter(int op, Operator newOp)
    {
        if (!_insertAfter.TryGetValue(op, out var list)) _insertAfter[op] = list = [];
        list.Add(newOp);
    }

    /// <summary>Adds a tensor and returns its index.</summary>
    public int AddTensor(Tensor tensor) => Graph.AddTensor(tensor);

    /// <summary>A new operator of <paramref name="code"/> at the version its types need.</summary>
    public Operator NewOperator(BuiltinOperator code, int[] inputs, int[] outputs)
    {
        var op = new Operator { Inputs = inputs, Outputs = outputs, BuiltinOptions = OperatorOptions.For(code) };
        op.OpcodeIndex = Model.GetOrAddOperatorCode(code, 1);
        return op;
    }

    private List<string>? _notes;

    /// <summary>Starts collecting notes on what is done to the current op (weights, bias types).</summary>
    public void BeginNotes() => _notes = [];

    /// <summary>The notes since <see cref="BeginNotes"/>, as ", a, b" (empty when none).</summary>
    public string EndNotes()
    {
        string s = _notes is { Count: > 0 } n ? ", " + string.Join(", ", n.Distinct()) : "";
        _notes = null;
        return s;
    }

    private void Note(string note) => _notes?.Add(note);

    /// <summary>A unique tensor name derived from <paramref name="baseName"/>.</summary>
    public string UniqueName(string? baseName, string suffix) => _run.UniqueName(SubgraphIndex, (baseName ?? "tensor") + "_" + suffix);
}
