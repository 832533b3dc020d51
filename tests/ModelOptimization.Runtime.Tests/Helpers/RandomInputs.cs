using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime;
using ModelOptimization.Tests.Shared;

namespace ModelOptimization.Runtime.Tests.Helpers;

/// <summary>Seeded random inputs for a model's inputs, as arrays for the interpreter and as interop tensors.</summary>
public static class RandomInputs
{
    /// <summary>One array per input: floats in [-1, 1], ints in [0, 100), 8/16-bit values over their range.</summary>
    public static Array[] For(IReadOnlyList<TensorInfo> inputs, int seed)
    {
        var rng = new Random(seed);
        return inputs.Select(i => Make(i.DataType, i.ElementCount, rng)).ToArray();
    }

    /// <summary>Inputs for a subgraph straight from the model (when no interpreter can be made).</summary>
    public static IReadOnlyList<InteropTensor> ForModel(ModelOptimization.Core.Graph.Model model, int subgraph, int seed)
    {
        var rng = new Random(seed);
        var sg = model.Subgraphs[subgraph];
        var list = new List<InteropTensor>();
        foreach (int t in sg.Inputs)
        {
            var tensor = sg.Tensors[t];
            int n = tensor.Shape.Aggregate(1, (a, d) => a * Math.Max(d, 1));
            try
            {
                list.Add(ToInterop(tensor.Shape, Make(tensor.Type, n, rng)));
            }
            catch (NotSupportedException)
            {
                list.Add(InteropTensor.FromBytes("uint8", [0], []));
            }
        }

        return list;
    }

    public static Array Make(TensorType type, int n, Random rng) => type switch
    {
        TensorType.Float32 => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray(),
        TensorType.Int8 => Enumerable.Range(0, n).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray(),
        TensorType.UInt8 => Enumerable.Range(0, n).Select(_ => (byte)rng.Next(0, 256)).ToArray(),
        TensorType.Int16 => Enumerable.Range(0, n).Select(_ => (short)rng.Next(-4096, 4096)).ToArray(),
        TensorType.Int32 => Enumerable.Range(0, n).Select(_ => rng.Next(0, 100)).ToArray(),
        TensorType.Int64 => Enumerable.Range(0, n).Select(_ => (long)rng.Next(0, 100)).ToArray(),
        TensorType.Bool => Enumerable.Range(0, n).Select(_ => rng.Next(2) == 1).ToArray(),
        _ => throw new NotSupportedException($"No random data for {type}."),
    };

    /// <summary>The interop harness's view of an input array.</summary>
    /// <remarks>Dispatches on the element type: the CLR lets byte[] pass as sbyte[].</remarks>
    public static InteropTensor ToInterop(TensorInfo info, Array data) => ToInterop(info.Shape, data);

    public static InteropTensor ToInterop(int[] shape, Array data) => Type.GetTypeCode(data.GetType().GetElementType()) switch
    {
        TypeCode.Single => InteropTensor.FromFloats(shape, (float[])data),
        TypeCode.Int32 => InteropTensor.FromInt32s(shape, (int[])data),
        TypeCode.SByte => InteropTensor.FromSBytes(shape, (sbyte[])data),
        TypeCode.Int16 => InteropTensor.FromInt16s(shape, (short[])data),
        TypeCode.Byte => InteropTensor.FromBytes("uint8", shape, (byte[])data),
        _ => throw new NotSupportedException($"The interop harness takes no {data.GetType().Name} inputs."),
    };

    /// <summary>Our output as the interop dtype's array, for comparison.</summary>
    public static double[] AsDoubles(Array data) => Type.GetTypeCode(data.GetType().GetElementType()) switch
    {
        TypeCode.Single => ((float[])data).Select(v => (double)v).ToArray(),
        TypeCode.SByte => ((sbyte[])data).Select(v => (double)v).ToArray(),
        TypeCode.Byte => ((byte[])data).Select(v => (double)v).ToArray(),
        TypeCode.Int16 => ((short[])data).Select(v => (double)v).ToArray(),
        TypeCode.Int32 => ((int[])data).Select(v => (double)v).ToArray(),
        TypeCode.Int64 => ((long[])data).Select(v => (double)v).ToArray(),
        TypeCode.Boolean => ((bool[])data).Select(v => v ? 1.0 : 0.0).ToArray(),
        _ => throw new NotSupportedException(data.GetType().Name),
    };

    public static double[] AsDoubles(InteropTensor t) => t.DType switch
    {
        "float32" => t.ToFloats().Select(v => (double)v).ToArray(),
        "int32" => t.ToInt32s().Select(v => (double)v).ToArray(),
        "int8" => t.ToSBytes().Select(v => (double)v).ToArray(),
        "int16" => t.ToInt16s().Select(v => (double)v).ToArray(),
        "uint8" => t.ToBytes().Select(v => (double)v).ToArray(),
        "bool" => t.Data.Select(v => v != 0 ? 1.0 : 0.0).ToArray(),
        "int64" => Enumerable.Range(0, t.Data.Length / 8).Select(i => (double)BitConverter.ToInt64(t.Data, i * 8)).ToArray(),
        _ => throw new NotSupportedException(t.DType),
    };
}
