using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;

namespace ModelOptimization.Runtime;

/// <summary>
/// A tensor's value after <see cref="Interpreter.Invoke"/>: a flat row-major array of the tensor's own element
/// type (float[], sbyte[], byte[], short[], int[], long[], bool[], Half[] ...).
/// </summary>
public sealed class TensorValue
{
    public TensorValue(string name, int[] shape, TensorType dataType, Array data, QuantizationParameters? quantization, int tensorIndex)
    {
        Name = name;
        Shape = shape;
        DataType = dataType;
        Data = data;
        Quantization = quantization;
        TensorIndex = tensorIndex;
    }

    public string Name { get; }

    public int[] Shape { get; }

    public TensorType DataType { get; }

    /// <summary>The elements, flat and row-major, in the tensor's own type.</summary>
    public Array Data { get; }

    public QuantizationParameters? Quantization { get; }

    public int TensorIndex { get; }

    /// <summary>
    /// The values as float: float tensors as they are, quantized tensors dequantized
    /// (<c>scale · (q − zero_point)</c>, per channel where the parameters are per channel), others converted.
    /// </summary>
    public float[] ToFloats()
    {
        int n = Data.Length;
        var result = new float[n];
        var q = Quantization is { IsQuantized: true, Scale: not null } qp ? qp : null;
        int axis = q?.QuantizedDimension ?? 0;
        int channels = q?.Scale!.Length ?? 1;
        int inner = 1;
        if (q is not null && channels > 1)
        {
            for (int d = axis + 1; d < Shape.Length; d++) inner *= Shape[d];
        }

        for (int i = 0; i < n; i++)
        {
            double v = Element(Data, i);
            if (q is not null && DataType != TensorType.Float32)
            {
                int c = channels > 1 ? i / inner % channels : 0;
                long zp = q.ZeroPoint is { Length: > 0 } z ? z[Math.Min(c, z.Length - 1)] : 0;
                v = q.Scale![c] * (v - zp);
            }

            result[i] = (float)v;
        }

        return result;
    }

    /// <summary>Element i as double. Dispatches on the exact element type: the CLR lets byte[] pass as sbyte[] (and
    /// int[] as uint[]...), so type patterns on arrays are not enough.</summary>
    private static double Element(Array data, int i) => Type.GetTypeCode(data.GetType().GetElementType()) switch
    {
        TypeCode.Single => ((float[])data)[i],
        TypeCode.SByte => ((sbyte[])data)[i],
        TypeCode.Byte => ((byte[])data)[i],
        TypeCode.Int16 => ((short[])data)[i],
        TypeCode.UInt16 => ((ushort[])data)[i],
        TypeCode.Int32 => ((int[])data)[i],
        TypeCode.UInt32 => ((uint[])data)[i],
        TypeCode.Int64 => ((long[])data)[i],
        TypeCode.UInt64 => ((ulong[])data)[i],
        TypeCode.Boolean => ((bool[])data)[i] ? 1 : 0,
        TypeCode.Double => ((double[])data)[i],
        _ => data is Half[] h ? (double)h[i] : Convert.ToDouble(data.GetValue(i)),
    };

    public override string ToString() => $"{Name} {TensorTypeInfo.ShortName(DataType)}[{string.Join(", ", Shape)}]";
}
