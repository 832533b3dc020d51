using System.Runtime.InteropServices;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Runtime.Tests.Helpers;

/// <summary>Builds small one-subgraph models in memory for operator tests.</summary>
public sealed class ModelBuilder
{
    private readonly Model _model = new() { Name = "test", Buffers = [new ModelBuffer()] };
    private readonly Subgraph _sg = new();
    private readonly List<int> _inputs = [];

    public ModelBuilder() => _model.Subgraphs.Add(_sg);

    private ModelBuilder(Model model)
    {
        _model = model;
        _model.Subgraphs.Add(_sg);
    }

    /// <summary>A builder for another subgraph of the same model (for WHILE, IF, CALL_ONCE); Build it to set its I/O.</summary>
    public ModelBuilder NewSubgraph() => new(_model);

    /// <summary>This builder's subgraph index in the model.</summary>
    public int SubgraphIndex => _model.Subgraphs.IndexOf(_sg);

    /// <summary>A graph input.</summary>
    public int Input(TensorType type, int[] shape, QuantizationParameters? q = null, string? name = null)
    {
        int t = Tensor(type, shape, q, name ?? $"input{_inputs.Count}");
        _inputs.Add(t);
        return t;
    }

    /// <summary>An activation tensor (operator output).</summary>
    public int Tensor(TensorType type, int[] shape, QuantizationParameters? q = null, string? name = null)
        => _sg.AddTensor(new Tensor { Type = type, Shape = shape, Name = name ?? $"t{_sg.Tensors.Count}", Quantization = q, HasRank = true });

    /// <summary>A constant tensor holding <paramref name="data"/>.</summary>
    public int Const<T>(TensorType type, int[] shape, T[] data, QuantizationParameters? q = null, string? name = null) where T : unmanaged
    {
        uint buffer = _model.AddBuffer(MemoryMarshal.AsBytes(data.AsSpan()).ToArray());
        return _sg.AddTensor(new Tensor { Type = type, Shape = shape, Name = name ?? $"c{_sg.Tensors.Count}", Quantization = q, Buffer = buffer, HasRank = true });
    }

    /// <summary>A variable (state) tensor, zero-initialised.</summary>
    public int Variable(TensorType type, int[] shape, string? name = null)
        => _sg.AddTensor(new Tensor { Type = type, Shape = shape, Name = name ?? $"v{_sg.Tensors.Count}", IsVariable = true, HasRank = true });

    /// <summary>Adds a builtin operator; <paramref name="options"/> fills its options table by field name.</summary>
    public ModelBuilder Op(BuiltinOperator op, int[] inputs, int[] outputs, Action<OperatorOptions>? options = null, int version = 1)
    {
        var o = OperatorOptions.For(op);
        if (o is not null) options?.Invoke(o);
        _sg.Operators.Add(new Operator { OpcodeIndex = _model.GetOrAddOperatorCode(op, version), Inputs = inputs, Outputs = outputs, BuiltinOptions = o });
        return this;
    }

    /// <summary>Adds a custom operator.</summary>
    public ModelBuilder Custom(string code, int[] inputs, int[] outputs, byte[]? options = null)
    {
        _model.OperatorCodes.Add(new OperatorCode { BuiltinCode = BuiltinOperator.CUSTOM, DeprecatedBuiltinCode = (sbyte)BuiltinOperator.CUSTOM, CustomCode = code });
        _sg.Operators.Add(new Operator { OpcodeIndex = (uint)(_model.OperatorCodes.Count - 1), Inputs = inputs, Outputs = outputs, CustomOptions = options });
        return this;
    }

    public Model Build(params int[] outputs)
    {
        _sg.Inputs = _inputs.ToArray();
        _sg.Outputs = outputs;
        return _model;
    }

    /// <summary>Builds a one-operator model and runs it once on <paramref name="inputs"/>; returns output 0.</summary>
    public static TensorValue RunSingle(Model model, InterpreterOptions? options, params Array[] inputs)
    {
        using var interpreter = Interpreter.Create(model, options);
        for (int i = 0; i < inputs.Length; i++) interpreter.SetInput(i, inputs[i]);
        interpreter.Invoke();
        return interpreter.GetOutput(0);
    }

    public static QuantizationParameters Q(float scale, long zeroPoint) => QuantizationParameters.PerTensor(scale, zeroPoint);
}
