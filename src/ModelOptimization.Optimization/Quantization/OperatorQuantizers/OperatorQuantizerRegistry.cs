using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Optimization.Quantization.OperatorQuantizers;

/// <summary>
/// The one table of op quantizers (as onnxruntime's quantization registry.py): an op code maps to the quantizer of
/// its family; an op code without an entry has no quantized kernel and stays float ("stay float" fallback).
/// </summary>
internal static class OperatorQuantizerRegistry
{
    private static readonly OperatorQuantizer[] Quantizers =
    [
        new Conv2DQuantizer(),
        new DepthwiseConv2DQuantizer(),
        new FullyConnectedQuantizer(),
        new TransposeConvQuantizer(),
        new BatchMatMulQuantizer(),
        new EmbeddingLookupQuantizer(),
        new LstmQuantizer(),
        new GatherQuantizer(),
        new SameScaleQuantizer(),
        new MultiInputSameScaleQuantizer(),
        new FixedOutputQuantizer(),
        new ElementwiseQuantizer(),
        new ComparisonQuantizer(),
    ];

    private static readonly Dictionary<BuiltinOperator, OperatorQuantizer> ByOperator = Build();

    /// <summary>The quantizer of <paramref name="op"/>, or null (the op stays float).</summary>
    public static OperatorQuantizer? Find(BuiltinOperator op) => ByOperator.GetValueOrDefault(op);

    /// <summary>Every op code that has a quantizer.</summary>
    public static IEnumerable<BuiltinOperator> Operators => ByOperator.Keys;

    private static Dictionary<BuiltinOperator, OperatorQuantizer> Build()
    {
        var map = new Dictionary<BuiltinOperator, OperatorQuantizer>();
        foreach (var q in Quantizers)
        {
            foreach (var op in q.Operators)
            {
                if (!map.TryAdd(op, q)) throw new InvalidOperationException($"{op} has two quantizers.");
            }
        }

        return map;
    }
}
