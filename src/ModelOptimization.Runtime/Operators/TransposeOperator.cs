using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>TRANSPOSE by a permutation tensor (any element width).</summary>
internal sealed class TransposeOperator : OperatorKernel
{
    private int[] _perm = [];

    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var permT = ctx.Input(1);
        if (!ctx.HasValue(permT))
        {
            ctx.SetOutputsDynamic();
            return;
        }

        var perm = TensorValues.ReadInts(permT);
        int rank = input.Rank;
        ctx.Require(perm.Length == rank, $"permutation of length {perm.Length} for rank {rank}");
        for (int i = 0; i < rank; i++)
        {
            if (perm[i] < 0) perm[i] += rank;
            ctx.Require(perm[i] >= 0 && perm[i] < rank, "permutation value out of range");
        }

        ctx.Require(perm.Distinct().Count() == rank, "permutation repeats an axis");
        _perm = perm;
        ctx.SetOutputShape(0, perm.Select(p => input.Shape[p]).ToArray());
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        int rank = input.Rank;
        int elem = input.ElementSize;
        if (rank == 0 || output.ElementCount == 0)
        {
            input.Bytes.CopyTo(output.WritableBytes);
            return;
        }

        var inStrides = ShapeUtil.Strides(input.Shape);
        var srcStride = _perm.Select(p => inStrides[p]).ToArray();
        var outShape = output.Shape;
        switch (elem)
        {
            case 1: Permute(input.Read<byte>(), output.Write<byte>(), outShape, srcStride); break;
            case 2: Permute(input.Read<short>(), output.Write<short>(), outShape, srcStride); break;
            case 4: Permute(input.Read<int>(), output.Write<int>(), outShape, srcStride); break;
            case 8: Permute(input.Read<long>(), output.Write<long>(), outShape, srcStride); break;
            default: throw ctx.NotSupported($"elements of {elem} bytes");
        }
    }

    private static void Permute<T>(ReadOnlySpan<T> src, Span<T> dst, int[] outShape, int[] srcStride) where T : unmanaged
    {
        int rank = outShape.Length;
        int inner = outShape[rank - 1];
        int innerStride = srcStride[rank - 1];
        var idx = new int[rank];
        int outer = dst.Length / inner;
        int o = 0;
        for (int r = 0; r < outer; r++)
        {
            int s = 0;
            for (int d = 0; d < rank - 1; d++) s += idx[d] * srcStride[d];
            for (int k = 0; k < inner; k++) dst[o++] = src[s + k * innerStride];
            for (int d = rank - 2; d >= 0; d--)
            {
                if (++idx[d] < outShape[d]) break;
                idx[d] = 0;
            }
        }
    }
}
