using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>MIRROR_PAD: REFLECT (edge not repeated) or SYMMETRIC (edge repeated).</summary>
internal sealed class MirrorPadOperator : OperatorKernel
{
    private int[] _before = [];
    private bool _symmetric;

    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var paddings = ctx.Input(1);
        if (!ctx.HasValue(paddings))
        {
            ctx.SetOutputsDynamic();
            return;
        }

        var p = TensorValues.ReadInts(paddings);
        int rank = input.Rank;
        ctx.Require(p.Length == 2 * rank, $"paddings must be [{rank}, 2]");
        _symmetric = ctx.GetInt("mode") == (int)Core.Tflite.MirrorPadMode.SYMMETRIC;
        _before = new int[rank];
        var shape = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            int limit = _symmetric ? input.Shape[d] : input.Shape[d] - 1;
            ctx.Require(p[2 * d] >= 0 && p[2 * d + 1] >= 0 && p[2 * d] <= limit && p[2 * d + 1] <= limit, "paddings too large for MIRROR_PAD");
            _before[d] = p[2 * d];
            shape[d] = input.Shape[d] + p[2 * d] + p[2 * d + 1];
        }

        ctx.SetOutputShape(0, shape);
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        int rank = input.Rank;
        int elem = input.ElementSize;
        var inStrides = ShapeUtil.Strides(input.Shape);
        var idx = new int[rank];
        var src = input.Bytes;
        var dst = output.WritableBytes;
        for (int o = 0; o < output.ElementCount; o++)
        {
            long s = 0;
            for (int d = 0; d < rank; d++)
            {
                int n = input.Shape[d];
                int i = idx[d] - _before[d];
                if (i < 0) i = _symmetric ? -i - 1 : -i;
                else if (i >= n) i = _symmetric ? 2 * n - i - 1 : 2 * n - i - 2;
                s += i * (long)inStrides[d];
            }

            TensorValues.CopyElements(src, s, dst, o, 1, elem);
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++idx[d] < output.Shape[d]) break;
                idx[d] = 0;
            }
        }
    }
}
