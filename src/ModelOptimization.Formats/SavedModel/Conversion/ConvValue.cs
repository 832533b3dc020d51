using ModelOptimization.Core.TensorFlow;

namespace ModelOptimization.Formats.SavedModel.Conversion;

/// <summary>
/// What the lowering knows about one output of a flat node. Shapes come in two probes: the shape with unknown input
/// dimensions set to the batch size, and with the batch size plus one; dimensions that differ between the probes are
/// the dynamic ones (<c>shape_signature</c> -1).
/// </summary>
internal abstract class ConvValue
{
}

/// <summary>A value known while converting (weights, shapes...): folded, never an operator of the output.</summary>
internal sealed class ConstValue(ConstTensor a, ConstTensor? b = null) : ConvValue
{
    /// <summary>The value in the first shape probe.</summary>
    public ConstTensor A { get; } = a;

    /// <summary>The value in the second shape probe when it differs (a shape that depends on the batch size).</summary>
    public ConstTensor? B { get; } = b is not null && b.SameAs(a) ? null : b;

    public bool IsStatic => B is null;

    public ConstTensor Probe(int p) => p == 0 ? A : B ?? A;

    public override string ToString() => IsStatic ? $"const {A}" : $"const {A} / {B}";
}

/// <summary>A tensor of the TFLite subgraph: computed at run time.</summary>
internal sealed class TensorValue : ConvValue
{
    public int Tensor { get; init; }

    public TfDataType Type { get; init; }

    public int[] Shape1 { get; init; } = [];

    public int[] Shape2 { get; init; } = [];

    /// <summary>The flat node whose output this value is: fusing into <see cref="Producer"/> is only safe for its direct consumer.</summary>
    public FlatNode? Origin { get; init; }

    /// <summary>The operator that writes the tensor, if it was made by the converter (not a graph input).</summary>
    public OpRecord? Producer { get; init; }

    public int[] Shape(int probe) => probe == 0 ? Shape1 : Shape2;

    public int Rank => Shape1.Length;

    public override string ToString() => $"tensor {Tensor} [{string.Join(",", Shape1)}]";
}

/// <summary>
/// A value of a known shape whose elements all lie in [<see cref="Lo"/>, <see cref="Hi"/>) — exactly
/// <see cref="Lo"/> when the two are equal. Lets the converter fold <c>tf.nn.dropout</c> with keep probability 1
/// (<c>floor(1 + uniform[0,1))</c> is 1).
/// </summary>
internal sealed class RangeValue(double lo, double hi, TfDataType type, int[] shape1, int[] shape2) : ConvValue
{
    public double Lo { get; } = lo;

    public double Hi { get; } = hi;

    public TfDataType Type { get; } = type;

    public int[] Shape1 { get; } = shape1;

    public int[] Shape2 { get; } = shape2;

    public bool IsExact => Lo == Hi;

    public int[] Shape(int probe) => probe == 0 ? Shape1 : Shape2;
}
