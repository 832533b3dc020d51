using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// Constant int4/int8 weights with TFLite <c>BlockwiseQuantization</c>: a [rows, columns] tensor whose scales (and
/// optional zero points) live in a [rows, columns / block size] tensor of the subgraph, one per block of consecutive
/// values along the last axis; value = (q − zp) · scale. Scales may be float16 (as AI Edge Quantizer writes them),
/// bfloat16 or float32; zero points int8/int16/int32 (index −1 = all zero).
/// </summary>
internal sealed class BlockwiseWeights
{
    private BlockwiseWeights(sbyte[] values, float[] scales, int[] zeroPoints, int rows, int columns, int blockSize)
    {
        Values = values;
        Scales = scales;
        ZeroPoints = zeroPoints;
        Rows = rows;
        Columns = columns;
        BlockSize = blockSize;
    }

    /// <summary>The quantized values, row-major [rows, columns] (int4 unpacked).</summary>
    public sbyte[] Values { get; }

    /// <summary>One scale per block, row-major [rows, blocks].</summary>
    public float[] Scales { get; }

    /// <summary>One zero point per block (all zero when the model has none).</summary>
    public int[] ZeroPoints { get; }

    public int Rows { get; }

    public int Columns { get; }

    public int BlockSize { get; }

    public int BlocksPerRow => Columns / BlockSize;

    /// <summary>True when the tensor carries <c>BlockwiseQuantization</c>.</summary>
    public static bool IsBlockwise(RuntimeTensor t) => t.Quantization?.Details is BlockwiseQuantization;

    /// <summary>Reads and validates the weights, their scales and zero points (all must be constants).</summary>
    public static BlockwiseWeights Read(KernelContext ctx, RuntimeTensor t)
    {
        var b = (BlockwiseQuantization)t.Quantization!.Details!;
        ctx.Require(t.Type is TensorType.Int4 or TensorType.Int8, $"blockwise {TensorTypeInfo.ShortName(t.Type)} weights (int4 and int8 only)");
        ctx.Require(t.IsConstantValue, "blockwise-quantized weights must be constant");
        Check(t, t.Rank >= 1 && b.BlockSize > 0, $"it needs a shape and a positive block size, not {b.BlockSize}");
        int columns = t.Shape[^1];
        int rows = columns == 0 ? 0 : t.ElementCount / columns;
        Check(t, columns % b.BlockSize == 0, $"the last dimension {columns} is not a multiple of the block size {b.BlockSize}");
        int blocks = rows * (columns / b.BlockSize);
        var tensors = ctx.Graph.Tensors;
        Check(t, b.Scales >= 0 && b.Scales < tensors.Length, $"scale tensor {b.Scales} does not exist");
        var s = tensors[b.Scales];
        Check(t, s.IsConstantValue && s.ElementCount == blocks, $"the scales must be a constant of {blocks} values (one per block), not {s.ElementCount}");
        var scales = new float[blocks];
        switch (s.Type)
        {
            case TensorType.Float16:
                {
                    var h = s.Read<Half>();
                    for (int i = 0; i < blocks; i++) scales[i] = (float)h[i];
                    break;
                }

            case TensorType.BFloat16:
                {
                    var h = s.Read<ushort>();
                    for (int i = 0; i < blocks; i++) scales[i] = BitConverter.Int32BitsToSingle(h[i] << 16);
                    break;
                }

            case TensorType.Float32: s.Read<float>().CopyTo(scales); break;
            default: throw ctx.NotSupported($"blockwise scales of type {TensorTypeInfo.ShortName(s.Type)}");
        }

        var zeroPoints = new int[blocks];
        if (b.ZeroPoints >= 0)
        {
            Check(t, b.ZeroPoints < tensors.Length, $"zero-point tensor {b.ZeroPoints} does not exist");
            var z = tensors[b.ZeroPoints];
            Check(t, z.IsConstantValue && z.ElementCount == blocks, $"the zero points must be a constant of {blocks} values (one per block), not {z.ElementCount}");
            switch (z.Type)
            {
                case TensorType.Int8: Widen(z.Read<sbyte>(), zeroPoints); break;
                case TensorType.Int16: Widen(z.Read<short>(), zeroPoints); break;
                case TensorType.Int32: z.Read<int>().CopyTo(zeroPoints); break;
                default: throw ctx.NotSupported($"blockwise zero points of type {TensorTypeInfo.ShortName(z.Type)}");
            }
        }

        var values = t.Type == TensorType.Int4 ? Int4.Unpack(t.Bytes, t.ElementCount) : t.Read<sbyte>().ToArray();
        return new BlockwiseWeights(values, scales, zeroPoints, rows, columns, b.BlockSize);
    }

    /// <summary>The float values (q − zp) · scale, row-major like the weights.</summary>
    public float[] Dequantize()
    {
        var y = new float[Values.Length];
        Dequantize(y);
        return y;
    }

    /// <summary>Writes the float values (q − zp) · scale into <paramref name="y"/>.</summary>
    public void Dequantize(Span<float> y)
    {
        for (int i = 0; i < Values.Length; i++)
        {
            int block = i / BlockSize; // rows are whole blocks, so the flat block index is row·blocks + column / size
            y[i] = (Values[i] - ZeroPoints[block]) * Scales[block];
        }
    }

    /// <summary>Malformed blockwise parameters are a model error, not a missing feature.</summary>
    private static void Check(RuntimeTensor t, bool condition, string what)
    {
        if (!condition)
        {
            throw new ModelOptimizationException(ErrorIds.ModelValidationFailed, ErrorKind.InvalidData,
                $"Blockwise quantization of tensor '{t.Name}' is malformed: {what}.", t.Name,
                "Re-create the model with Invoke-Quantization -Granularity Blockwise, or fix the scale/zero-point tensors.");
        }
    }

    private static void Widen<T>(ReadOnlySpan<T> x, Span<int> y) where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        for (int i = 0; i < x.Length; i++) y[i] = int.CreateTruncating(x[i]);
    }
}
