using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.TensorFlow;
using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Formats.SavedModel.Conversion;

/// <summary>
/// Lowers a flat TensorFlow graph to one TFLite subgraph, node by node in topological order: constants are folded
/// (variables, dequantize chains, shape arithmetic), BiasAdd/Add of a constant vector and FusedBatchNorm are folded
/// into the preceding convolution or fully connected layer, Relu/Relu6 become its fused activation, and every other
/// node becomes the TFLite builtin with the same meaning. Shapes are inferred twice (batch B and B+1) so dimensions
/// that follow the batch get <c>shape_signature</c> -1.
/// </summary>
internal sealed partial class TfliteLowering
{
    private readonly GraphFlattener _flat;
    private readonly TfSignature _signature;
    private readonly SavedModelConversionOptions _options;
    private readonly bool _dynamic;
    private readonly Model _model = new();
    private readonly Subgraph _sg = new();
    private readonly Dictionary<FlatNode, ConvValue?[]> _values = [];
    private readonly Dictionary<FlatRef, int> _uses = [];
    private readonly List<OpRecord> _records = [];
    private FlatNode _current = new();

    private TfliteLowering(GraphFlattener flat, TfSignature signature, SavedModelConversionOptions options, bool dynamic)
    {
        _flat = flat;
        _signature = signature;
        _options = options;
        _dynamic = dynamic;
    }

    /// <summary>Lowers the flat graph; first with dynamic batch dimensions, then (if the graph fixes the batch) without.</summary>
    public static Model Lower(GraphFlattener flat, TfSignature signature, SavedModelConversionOptions options)
    {
        if (options.DynamicBatch)
        {
            try
            {
                return new TfliteLowering(flat, signature, options, dynamic: true).Run();
            }
            catch (ProbeMismatchException)
            {
                // The graph only works for the given batch size (e.g. a Reshape to a fixed [1, n]): no dynamic dimensions.
            }
        }

        return new TfliteLowering(flat, signature, options, dynamic: false).Run();
    }

    private Model Run()
    {
        _model.Buffers.Add(new ModelBuffer());
        _model.Subgraphs.Add(_sg);
        _sg.Name = _signature.Key;
        CountUses();
        CreateInputs();
        foreach (var node in _flat.Nodes)
        {
            if (node.Op == FlatNode.InputOp) continue;
            _current = node;
            _values[node] = LowerNode(node);
        }

        var outputs = new List<int>();
        for (int i = 0; i < _flat.Outputs.Count; i++)
        {
            var spec = _signature.Outputs[i];
            var r = _flat.Outputs[i];
            _current = r.Node;
            var v = Value(r);
            if (v is not TensorValue t || t.Producer is null)
            {
                throw ConversionErrors.Unsupported($"output '{spec.Key}' of signature '{_signature.Key}' does not depend on any operator (it is a constant or an input)", spec.Key);
            }

            if (outputs.Contains(t.Tensor)) t = Copy(t, spec.TensorName);
            else _sg.Tensors[t.Tensor].Name = spec.TensorName;
            outputs.Add(t.Tensor);
        }

        _sg.Outputs = [.. outputs];
        foreach (var r in _records) FinishWeights(r);
        _model.SignatureDefs =
        [
            new SignatureDef
            {
                SignatureKey = _signature.Key,
                SubgraphIndex = 0,
                Inputs = _signature.Inputs.Select((s, i) => new TensorMap { Name = s.Key, TensorIndex = (uint)_sg.Inputs[i] }).ToList(),
                Outputs = _signature.Outputs.Select((s, i) => new TensorMap { Name = s.Key, TensorIndex = (uint)_sg.Outputs[i] }).ToList(),
            },
        ];
        GraphCompaction.RemoveUnused(_model);
        return _model;
    }

    private void CountUses()
    {
        foreach (var n in _flat.Nodes)
        {
            if (n.Op == "Shape") continue; // reads only the shape: not a use of the values
            foreach (var r in n.Inputs) _uses[r] = _uses.GetValueOrDefault(r) + 1;
        }

        foreach (var r in _flat.Outputs) _uses[r] = _uses.GetValueOrDefault(r) + 1;
    }

    private int Uses(FlatRef r) => _uses.GetValueOrDefault(r);

    private void CreateInputs()
    {
        var inputs = new List<int>();
        foreach (var node in _flat.Inputs)
        {
            var spec = _signature.Inputs[node.InputIndex];
            _current = node;
            int[] dims;
            if (_options.InputShapes is { } given && given.TryGetValue(spec.Key, out var shape))
            {
                dims = shape.ToArray();
            }
            else if (spec.Shape.Dimensions is { } d)
            {
                dims = d.Select(x => x < 0 ? -1 : checked((int)x)).ToArray();
            }
            else
            {
                throw ConversionErrors.Option($"Input '{spec.Key}' of signature '{_signature.Key}' has an unknown rank; give its shape in SavedModelConversionOptions.InputShapes.", spec.Key);
            }

            var type = TfDataTypeInfo.BaseType(spec.DataType);
            if (!ConstTensor.IsFloatType(type) && !ConstTensor.IsIntegerType(type))
            {
                throw ConversionErrors.Unsupported($"input '{spec.Key}' is of type {TfDataTypeInfo.ShortName(type)}, which has no TFLite tensor type the converter supports", spec.Key);
            }

            int batch = _options.BatchSize;
            var s1 = dims.Select(x => x < 0 ? batch : x).ToArray();
            var s2 = dims.Select(x => x < 0 ? (_dynamic ? batch + 1 : batch) : x).ToArray();
            int t = AddTensor(spec.TensorName, type, s1, s2);
            if (dims.Any(x => x < 0)) _sg.Tensors[t].ShapeSignature = dims;
            inputs.Add(t);
            _values[node] = [new TensorValue { Tensor = t, Type = type, Shape1 = s1, Shape2 = s2, Origin = node }];
        }

        _sg.Inputs = [.. inputs];
    }

    private ConvValue Value(FlatRef r)
    {
        var outs = _values[r.Node];
        if (r.Index >= outs.Length || outs[r.Index] is not { } v)
        {
            throw ConversionErrors.Unsupported($"output {r.Index} of {r.Node.Where} is used, but only its first output can be converted", r.Node.Name);
        }

        return v;
    }

    private ConvValue In(FlatNode n, int i)
    {
        if (i >= n.Inputs.Count) throw ConversionErrors.Structure($"{n.Where} has {n.Inputs.Count} inputs, expected more than {i}", n.Name);
        return Value(n.Inputs[i]);
    }

    /// <summary>True when input <paramref name="i"/> of <paramref name="n"/> is the direct, only use of the value its producer wrote.</summary>
    private bool Fusable(FlatNode n, int i, TensorValue t)
        => t.Producer is not null && t.Origin == n.Inputs[i].Node && n.Inputs[i].Index == 0 && Uses(n.Inputs[i]) == 1;

    // ---- attributes -------------------------------------------------------------------------------------------

    private static long[] IntsAttr(FlatNode n, string name, long[] fallback)
        => n.Attr(name) is { Kind: TfAttrKind.List } a ? a.List!.Ints.ToArray() : fallback;

    private static string StringAttr(FlatNode n, string name, string fallback) => n.Attr(name)?.String ?? fallback;

    private static bool BoolAttr(FlatNode n, string name, bool fallback) => n.Attr(name) is { Kind: TfAttrKind.Bool } a ? a.Bool : fallback;

    private static float FloatAttr(FlatNode n, string name, float fallback) => n.Attr(name) is { Kind: TfAttrKind.Float } a ? a.Float : fallback;

    private static long IntAttr(FlatNode n, string name, long fallback) => n.Attr(name) is { Kind: TfAttrKind.Int } a ? a.Int : fallback;

    private static TfDataType TypeAttr(FlatNode n, string name, TfDataType fallback)
        => n.Attr(name) is { Kind: TfAttrKind.Type } a ? TfDataTypeInfo.BaseType(a.Type) : fallback;

    // ---- building ---------------------------------------------------------------------------------------------

    private Exception ShapeError(int probe, string what)
        => probe == 1 && _dynamic ? new ProbeMismatchException() : ConversionErrors.Shape($"{what} ({_current.Where})", _current.Name);

    private Exception NotSupported(string what) => ConversionErrors.Unsupported($"{_current.Where}: {what}", _current.Name);

    private static TensorType TensorTypeOf(TfDataType type)
        => TfDataTypeInfo.ToTensorType(type) ?? throw ConversionErrors.Unsupported($"the type {TfDataTypeInfo.ShortName(type)} has no TFLite counterpart", type);

    private int AddTensor(string name, TfDataType type, int[] s1, int[] s2)
    {
        var t = new Tensor { Name = name, Type = TensorTypeOf(type), Shape = s1.ToArray(), HasRank = true };
        if (!s1.AsSpan().SequenceEqual(s2)) t.ShapeSignature = s1.Select((d, i) => d == s2[i] ? d : -1).ToArray();
        return _sg.AddTensor(t);
    }

    /// <summary>Adds a constant tensor holding <paramref name="c"/> converted to <paramref name="type"/>.</summary>
    private int AddConstant(string name, ConstTensor c, TfDataType type)
    {
        var converted = c.Type == type ? c : c.Cast(type);
        int t = AddTensor(name, type, c.Shape, c.Shape);
        _sg.Tensors[t].Buffer = _model.AddBuffer(Bytes(converted, type));
        return t;
    }

    private int AddFloatConstant(string name, float[] values, int[] shape)
    {
        int t = AddTensor(name, TfDataType.Float, shape, shape);
        _sg.Tensors[t].Buffer = _model.AddBuffer(MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
        return t;
    }

    private int AddInt32Constant(string name, int[] values, int[] shape)
    {
        int t = AddTensor(name, TfDataType.Int32, shape, shape);
        _sg.Tensors[t].Buffer = _model.AddBuffer(MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
        return t;
    }

    private static byte[] Bytes(ConstTensor c, TfDataType type)
    {
        int n = c.Count;
        switch (type)
        {
            case TfDataType.Float:
                return MemoryMarshal.AsBytes(c.ToFloats().AsSpan()).ToArray();
            case TfDataType.Int32:
                return MemoryMarshal.AsBytes(c.ToInt32s().AsSpan()).ToArray();
            case TfDataType.Int64:
                return MemoryMarshal.AsBytes(c.ToInt64s().AsSpan()).ToArray();
            case TfDataType.BFloat16:
            {
                var b = new byte[n * 2];
                for (int i = 0; i < n; i++) BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(i * 2), (ushort)(BitConverter.SingleToUInt32Bits(ConstTensor.ToBFloat16((float)c[i])) >> 16));
                return b;
            }

            case TfDataType.Half:
            {
                var b = new byte[n * 2];
                for (int i = 0; i < n; i++) BinaryPrimitives.WriteHalfLittleEndian(b.AsSpan(i * 2), (Half)c[i]);
                return b;
            }

            case TfDataType.Double:
            {
                var b = new byte[n * 8];
                for (int i = 0; i < n; i++) BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(i * 8), c[i]);
                return b;
            }

            case TfDataType.Int8 or TfDataType.UInt8 or TfDataType.Bool:
            {
                var b = new byte[n];
                for (int i = 0; i < n; i++) b[i] = unchecked((byte)(long)c[i]);
                return b;
            }

            case TfDataType.Int16 or TfDataType.UInt16:
            {
                var b = new byte[n * 2];
                for (int i = 0; i < n; i++) BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(i * 2), unchecked((ushort)(long)c[i]));
                return b;
            }

            case TfDataType.UInt32:
            {
                var b = new byte[n * 4];
                for (int i = 0; i < n; i++) BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(i * 4), unchecked((uint)(long)c[i]));
                return b;
            }
        }

        throw ConversionErrors.Unsupported($"constants of type {TfDataTypeInfo.ShortName(type)} cannot be written", type);
    }

    /// <summary>The value as a tensor of the subgraph (constants become constant tensors of <paramref name="type"/>).</summary>
    private TensorValue AsTensor(ConvValue v, TfDataType type, string name)
    {
        switch (v)
        {
            case TensorValue t:
                if (t.Type != type) return Cast(t, type, name + "/cast");
                return t;
            case ConstValue c when c.IsStatic:
            {
                int t = AddConstant(name, c.A, type);
                return new TensorValue { Tensor = t, Type = type, Shape1 = c.A.Shape, Shape2 = c.A.Shape };
            }

            case ConstValue c when c.A.Shape.Length == 1 && !ConstTensor.IsFloatType(c.A.Type):
            {
                // A shape vector that depends on the batch: the dynamic entries become -1.
                var a = c.A.ToInt64s();
                var b = c.B!.ToInt64s();
                if (a.Length != b.Length) throw NotSupported("a value whose length depends on the batch size is used as an operand");
                var merged = a.Select((x, i) => x == b[i] ? x : -1L).ToArray();
                if (merged.Count(x => x == -1) > 1) throw NotSupported("a shape with more than one dimension that depends on the batch size is used as an operand");
                int t = AddConstant(name, ConstTensor.Ints(c.A.Type, c.A.Shape, merged), type);
                return new TensorValue { Tensor = t, Type = type, Shape1 = c.A.Shape, Shape2 = c.A.Shape };
            }

            case RangeValue r when r.IsExact && r.Shape1.AsSpan().SequenceEqual(r.Shape2):
            {
                var filled = ConstTensor.FromDoubles(type, r.Shape1, Enumerable.Repeat(r.Lo, (int)ConstTensor.ElementCount(r.Shape1)).ToArray());
                int t = AddConstant(name, filled, type);
                return new TensorValue { Tensor = t, Type = type, Shape1 = r.Shape1, Shape2 = r.Shape1 };
            }

            case RangeValue:
                throw NotSupported("a random value (RandomUniform) reaches an operator of the model; only dropout with keep probability 1 can be folded");
            default:
                throw NotSupported("a value that depends on the batch size is used as an operand");
        }
    }

    private TensorValue Cast(TensorValue t, TfDataType type, string name)
    {
        var opts = OperatorOptions.For(BuiltinOperator.CAST)!;
        opts["in_data_type"] = (sbyte)TensorTypeOf(t.Type);
        opts["out_data_type"] = (sbyte)TensorTypeOf(type);
        return Emit(BuiltinOperator.CAST, [t.Tensor], type, t.Shape1, t.Shape2, opts, name: name);
    }

    /// <summary>A RESHAPE to the same shape: a second tensor with the same values (an output listed twice).</summary>
    private TensorValue Copy(TensorValue t, string name)
    {
        int shape = AddInt32Constant(name + "/shape", t.Shape1.Select((d, i) => d == t.Shape2[i] ? d : -1).ToArray(), [t.Rank]);
        return Emit(BuiltinOperator.RESHAPE, [t.Tensor, shape], t.Type, t.Shape1, t.Shape2, null, name: name);
    }

    /// <summary>Adds an operator writing a new tensor and returns that tensor.</summary>
    private TensorValue Emit(BuiltinOperator kind, int[] inputs, TfDataType type, int[] s1, int[] s2, OperatorOptions? options,
        int version = 1, string? name = null, float[]? weights = null, int[]? weightShape = null, float[]? bias = null,
        int weightTensor = -1, int biasTensor = -1)
    {
        int output = AddTensor(name ?? _current.Name, type, s1, s2);
        var op = new Operator
        {
            OpcodeIndex = _model.GetOrAddOperatorCode(kind, version),
            Inputs = inputs,
            Outputs = [output],
            BuiltinOptions = options,
        };
        _sg.Operators.Add(op);
        var record = new OpRecord
        {
            Op = op,
            Kind = kind,
            Weights = weights,
            WeightShape = weightShape,
            Bias = bias,
            WeightTensor = weightTensor,
            BiasTensor = biasTensor,
        };
        if (weights is not null) _records.Add(record);
        return new TensorValue { Tensor = output, Type = type, Shape1 = s1, Shape2 = s2, Origin = _current, Producer = record };
    }

    /// <summary>The same tensor, now the value of the current node (after fusing the node into its producer).</summary>
    private TensorValue Fused(TensorValue t)
    {
        _sg.Tensors[t.Tensor].Name = _current.Name;
        return new TensorValue { Tensor = t.Tensor, Type = t.Type, Shape1 = t.Shape1, Shape2 = t.Shape2, Origin = _current, Producer = t.Producer };
    }

    private void FinishWeights(OpRecord r)
    {
        if (r.Weights is null || r.WeightTensor < 0) return;
        _sg.Tensors[r.WeightTensor].Buffer = _model.AddBuffer(MemoryMarshal.AsBytes(r.Weights.AsSpan()).ToArray());
        if (r.Bias is not null && r.BiasTensor >= 0) _sg.Tensors[r.BiasTensor].Buffer = _model.AddBuffer(MemoryMarshal.AsBytes(r.Bias.AsSpan()).ToArray());
    }

    /// <summary>Thrown when the second shape probe fails: the graph fixes the batch size, so convert without dynamic dimensions.</summary>
    private sealed class ProbeMismatchException : Exception
    {
    }
}
