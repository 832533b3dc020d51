using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Optimization.Quantization;

internal sealed partial class SubgraphQuantizer
{
    /// <summary>
    /// Sets the form of every float graph input from the requested input type (before ops are quantized, so the
    /// first ops see it as their producer's form).
    /// </summary>
    public void SetGraphInputForms(IoType inputType)
    {
        if (inputType == IoType.Float32) return;
        foreach (int t in Graph.Inputs)
        {
            if (!IsFloatActivation(t) || t >= _originalTensorCount || StatisticsOf(t) is null || IsGraphOutput(t)) continue;
            _produced[t] = inputType switch
            {
                IoType.Int8 => NaturalForm(t, ActivationType.Int8),
                IoType.UInt8 => NaturalForm(t, ActivationType.Int8).ToUInt8(),
                IoType.Int16 => NaturalForm(t, ActivationType.Int16),
                _ => null,
            };
        }
    }

    /// <summary>
    /// Gives every float activation the form its producer writes and connects each reader to the form it needs,
    /// inserting QUANTIZE (float → int, int → int) and DEQUANTIZE (int → float) ops right after the producer.
    /// Quantized readers of float constants get quantized copies of the constants.
    /// </summary>
    public void Materialize(IoType outputType)
    {
        var byTensor = new Dictionary<int, List<(int Op, int Slot, TensorForm Form)>>();
        foreach (var ((op, slot), form) in _required)
        {
            int t = Input(op, slot);
            if (t < 0) continue;
            if (!byTensor.TryGetValue(t, out var list)) byTensor[t] = list = [];
            list.Add((op, slot, form));
        }

        for (int t = 0; t < _originalTensorCount; t++)
        {
            var tensor = Graph.Tensors[t];
            if (tensor.Type != TensorType.Float32 || tensor.IsVariable) continue;
            var requirements = byTensor.GetValueOrDefault(t) ?? [];
            if (IsFloatConstant(t))
            {
                foreach (var (op, slot, form) in requirements)
                {
                    if (!form.IsFloat) Op(op).Inputs[slot] = ConstantInForm(t, form);
                }

                continue;
            }

            // Readers: quantized ops with their recorded forms; float ops need float.
            var readers = new List<(int Op, int Slot, TensorForm Form)>(requirements);
            foreach (int c in _consumers[t])
            {
                var inputs = Op(c).Inputs;
                for (int s = 0; s < inputs.Length; s++)
                {
                    if (inputs[s] != t || _required.ContainsKey((c, s))) continue;
                    if (_quantizedOp[c])
                        throw new InvalidOperationException($"Quantized operator {c} ({OpCode(c)}) reads float tensor {t} ('{tensor.Name}') at input {s} without a form.");
                    readers.Add((c, s, TensorForm.Float));
                }
            }

            var produced = _produced[t] ?? TensorForm.Float;
            bool isOutput = IsGraphOutput(t) && !IsGraphInput(t);
            TensorForm? external = isOutput ? ExternalForm(t, produced, outputType) : null;
            if (produced.IsFloat && readers.All(r => r.Form.IsFloat) && (external is null || external.IsFloat)) continue;

            int producer = _producer[t];
            int after = producer; // −1 for graph inputs: conversions go first
            var tensorFor = new Dictionary<TensorForm, int>();
            if (external is null || external.Equals(produced))
            {
                ApplyForm(tensor, produced);
                tensorFor[produced] = t;
            }
            else
            {
                int tp = CloneTensor(t, produced);
                var outs = Op(producer).Outputs;
                outs[Array.IndexOf(outs, t)] = tp;
                tensorFor[produced] = tp;
                ApplyForm(tensor, external);
                tensorFor[external] = t;
                AddConversion(tp, produced, t, external, after, tensorFor, t);
            }

            foreach (var (op, slot, form) in readers)
            {
                if (!tensorFor.TryGetValue(form, out int idx))
                {
                    idx = CloneTensor(t, form);
                    AddConversion(tensorFor[produced], produced, idx, form, after, tensorFor, t);
                    tensorFor[form] = idx;
                }

                Op(op).Inputs[slot] = idx;
            }
        }
    }

    private TensorForm ExternalForm(int t, TensorForm produced, IoType outputType)
    {
        bool known = StatisticsOf(t) is not null;
        return outputType switch
        {
            IoType.Int8 => produced.Type == TensorType.Int8 ? produced : known ? NaturalForm(t, ActivationType.Int8) : TensorForm.Float,
            IoType.UInt8 => (produced.Type == TensorType.Int8 ? produced : known ? NaturalForm(t, ActivationType.Int8) : TensorForm.Float).ToUInt8(),
            IoType.Int16 => produced.Type == TensorType.Int16 ? produced : known ? NaturalForm(t, ActivationType.Int16) : TensorForm.Float,
            _ => TensorForm.Float,
        };
    }

    private static void ApplyForm(Tensor tensor, TensorForm form)
    {
        if (form.IsFloat) return;
        tensor.Type = form.Type;
        tensor.Quantization = form.ToParameters();
    }

    private int CloneTensor(int t, TensorForm form)
    {
        var src = Graph.Tensors[t];
        var copy = new Tensor
        {
            Name = UniqueName(src.Name, form.IsFloat ? "float" : form.Suffix),
            Type = form.Type,
            Shape = src.Shape.ToArray(),
            ShapeSignature = src.ShapeSignature?.ToArray(),
            HasRank = src.HasRank,
            Quantization = form.IsFloat ? null : form.ToParameters(),
        };
        return AddTensor(copy);
    }

    /// <summary>Inserts the op(s) that turn tensor <paramref name="from"/> into <paramref name="to"/>.</summary>
    private void AddConversion(int from, TensorForm fromForm, int to, TensorForm toForm, int after, Dictionary<TensorForm, int> tensorFor, int original)
    {
        if (toForm.IsFloat)
        {
            InsertAfter(after, NewOperator(BuiltinOperator.DEQUANTIZE, [from], [to]));
            return;
        }

        if (fromForm.IsFloat || DirectRequantize(fromForm.Type, toForm.Type))
        {
            InsertAfter(after, NewOperator(BuiltinOperator.QUANTIZE, [from], [to]));
            return;
        }

        // TFLite's QUANTIZE cannot widen int8 to int16: go through float.
        if (!tensorFor.TryGetValue(TensorForm.Float, out int viaFloat))
        {
            viaFloat = CloneTensor(original, TensorForm.Float);
            InsertAfter(after, NewOperator(BuiltinOperator.DEQUANTIZE, [from], [viaFloat]));
            tensorFor[TensorForm.Float] = viaFloat;
        }

        InsertAfter(after, NewOperator(BuiltinOperator.QUANTIZE, [viaFloat], [to]));
    }

    /// <summary>TFLite QUANTIZE requantizes int8/uint8 → int8/uint8 and int16 → int8/int16.</summary>
    private static bool DirectRequantize(TensorType from, TensorType to) => from switch
    {
        TensorType.Int8 or TensorType.UInt8 => to is TensorType.Int8 or TensorType.UInt8,
        TensorType.Int16 => to is TensorType.Int8 or TensorType.Int16,
        _ => false,
    };

    /// <summary>
    /// Writes the final operator list: scheduled ops after their anchors, then removes DEQUANTIZE ops whose output
    /// nobody reads any more (folded float16/int8 weights).
    /// </summary>
    public void Commit()
    {
        var ops = new List<Operator>(Graph.Operators.Count + _insertAfter.Values.Sum(l => l.Count));
        if (_insertAfter.TryGetValue(-1, out var first)) ops.AddRange(first);
        for (int i = 0; i < Graph.Operators.Count; i++)
        {
            ops.Add(Graph.Operators[i]);
            if (_insertAfter.TryGetValue(i, out var list)) ops.AddRange(list);
        }

        bool removed;
        do
        {
            removed = false;
            var read = new HashSet<int>(ops.SelectMany(o => o.Inputs).Concat(Graph.Outputs));
            for (int i = ops.Count - 1; i >= 0; i--)
            {
                var op = ops[i];
                if (Model.CodeOf(op).Op == BuiltinOperator.DEQUANTIZE && op.Outputs.All(o => !read.Contains(o)))
                {
                    ops.RemoveAt(i);
                    removed = true;
                }
            }
        }
        while (removed);

        Graph.Operators = ops;
        _insertAfter.Clear();
    }
}
