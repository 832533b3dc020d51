using ModelOptimization.Core.Graph;

namespace ModelOptimization.Runtime.Execution;

/// <summary>Reads small parameter tensors (shapes, axes, paddings) and copies elements of any width.</summary>
internal static class TensorValues
{
    /// <summary>The values of an int32 or int64 tensor as int.</summary>
    public static int[] ReadInts(RuntimeTensor t)
    {
        return t.Type switch
        {
            TensorType.Int32 => t.Read<int>().ToArray(),
            TensorType.Int64 => t.Read<long>().ToArray().Select(v => (int)Math.Clamp(v, int.MinValue, int.MaxValue)).ToArray(),
            TensorType.Int16 => t.Read<short>().ToArray().Select(v => (int)v).ToArray(),
            TensorType.Int8 => t.Read<sbyte>().ToArray().Select(v => (int)v).ToArray(),
            TensorType.UInt8 => t.Read<byte>().ToArray().Select(v => (int)v).ToArray(),
            _ => throw new InvalidOperationException($"Tensor '{t.Name}' of type {t.Type} does not hold integers."),
        };
    }

    /// <summary>Copies <paramref name="count"/> elements of <paramref name="elementSize"/> bytes.</summary>
    public static void CopyElements(ReadOnlySpan<byte> src, long srcIndex, Span<byte> dst, long dstIndex, int count, int elementSize)
        => src.Slice((int)(srcIndex * elementSize), count * elementSize).CopyTo(dst.Slice((int)(dstIndex * elementSize), count * elementSize));

    /// <summary>Normalises a possibly negative axis; throws when out of range.</summary>
    public static int Axis(KernelContext ctx, int axis, int rank)
    {
        int a = axis < 0 ? axis + rank : axis;
        ctx.Require(a >= 0 && a < Math.Max(rank, 1), $"axis {axis} is out of range for rank {rank}");
        return a;
    }
}
