using System.Runtime.InteropServices;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Optimization.Tests.Helpers;

/// <summary>Builds small one-subgraph float models in memory.</summary>
internal sealed class GraphBuilder
{
    private readonly Model _model = new() { Name = "test", Buffers = [new ModelBuffer()] };
    private readonly Subgraph _sg = new();
    private readonly List<int> _inputs = [];

    public GraphBuilder() => _model.Subgraphs.Add(_sg);

    public int Input(int[] shape, string? name = null, TensorType type = TensorType.Float32)
    {
        int t = Tensor(shape, name ?? $"input{_inputs.Count}", type);
        _inputs.Add(t);
        return t;
    }

    public int Tensor(int[] shape, string? name = null, TensorType type = TensorType.Float32)
        => _sg.AddTensor(new Tensor { Type = type, Shape = shape, Name = name ?? $"t{_sg.Tensors.Count}", HasRank = true });

    public int Const(int[] shape, float[] data, string? name = null)
        => _sg.AddTensor(new Tensor { Type = TensorType.Float32, Shape = shape, Name = name ?? $"c{_sg.Tensors.Count}", Buffer = _model.AddBuffer(MemoryMarshal.AsBytes(data.AsSpan()).ToArray()), HasRank = true });

    public int ConstInt(int[] shape, int[] data, string? name = null)
        => _sg.AddTensor(new Tensor { Type = TensorType.Int32, Shape = shape, Name = name ?? $"c{_sg.Tensors.Count}", Buffer = _model.AddBuffer(MemoryMarshal.AsBytes(data.AsSpan()).ToArray()), HasRank = true });

    public GraphBuilder Op(BuiltinOperator op, int[] inputs, int[] outputs, Action<OperatorOptions>? options = null)
    {
        var o = OperatorOptions.For(op);
        if (o is not null) options?.Invoke(o);
        _sg.Operators.Add(new Operator { OpcodeIndex = _model.GetOrAddOperatorCode(op), Inputs = inputs, Outputs = outputs, BuiltinOptions = o });
        return this;
    }

    public Model Build(params int[] outputs)
    {
        _sg.Inputs = _inputs.ToArray();
        _sg.Outputs = outputs;
        return _model;
    }

    /// <summary>Deterministic values in [−scale, scale].</summary>
    public static float[] Values(int n, int seed, float scale = 1f)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)((r.NextDouble() * 2 - 1) * scale)).ToArray();
    }

    /// <summary>input [1, 16] → FULLY_CONNECTED (8, ReLU) → [extra op] → output; the extra op is applied when given.</summary>
    public static Model FullyConnected(BuiltinOperator? extra = null, int inputs = 16, int outputs = 8)
    {
        var b = new GraphBuilder();
        int x = b.Input([1, inputs], "x");
        int w = b.Const([outputs, inputs], Values(outputs * inputs, 1, 0.5f), "fc/weights");
        int bias = b.Const([outputs], Values(outputs, 2, 0.1f), "fc/bias");
        int h = b.Tensor([1, outputs], "fc/out");
        b.Op(BuiltinOperator.FULLY_CONNECTED, [x, w, bias], [h], o => o["fused_activation_function"] = (sbyte)ActivationFunctionType.RELU);
        if (extra is null) return b.Build(h);
        int y = b.Tensor([1, outputs], "extra/out");
        b.Op(extra.Value, [h], [y]);
        return b.Build(y);
    }

    /// <summary>Random samples for a model with one float input.</summary>
    public static Core.Data.InMemoryDataset Samples(Model model, int count, int seed = 7, float scale = 1f)
    {
        var t = model.Subgraphs[0].Tensors[model.Subgraphs[0].Inputs[0]];
        return new Core.Data.InMemoryDataset(Enumerable.Range(0, count).Select(i => new Array[] { Values((int)t.ElementCount, seed + i, scale) }).ToList());
    }
}
