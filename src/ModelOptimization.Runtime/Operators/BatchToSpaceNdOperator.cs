using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>BATCH_TO_SPACE_ND for 3-D and 4-D inputs, with crops.</summary>
internal sealed class BatchToSpaceNdOperator : OperatorKernel
{
    private int _bh, _bw, _ct, _cl;

    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var block = ctx.Input(1);
        var crops = ctx.Input(2);
        if (!ctx.HasValue(block) || !ctx.HasValue(crops))
        {
            ctx.SetOutputsDynamic();
            return;
        }

        ctx.Require(input.Rank is 3 or 4, "input must be 3-D or 4-D");
        var b = TensorValues.ReadInts(block);
        var c = TensorValues.ReadInts(crops);
        bool twoD = input.Rank == 4;
        _bh = b[0];
        _bw = twoD ? b[1] : 1;
        _ct = c[0];
        _cl = twoD ? c[2] : 0;
        ctx.Require(_bh > 0 && _bw > 0 && input.Dim(0) % (_bh * _bw) == 0, "batch is not a multiple of the block size");
        int h = input.Dim(1) * _bh - c[0] - c[1];
        int w = twoD ? input.Dim(2) * _bw - c[2] - c[3] : 1;
        ctx.Require(h >= 0 && w >= 0, "crops exceed the size");
        ctx.SetOutputShape(0, twoD
            ? [input.Dim(0) / (_bh * _bw), h, w, input.Dim(3)]
            : [input.Dim(0) / _bh, h, input.Dim(2)]);
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        bool twoD = input.Rank == 4;
        int inB = input.Dim(0), inH = input.Dim(1), inW = twoD ? input.Dim(2) : 1, depth = input.Dim(-1);
        int outB = output.Dim(0), outH = output.Dim(1), outW = twoD ? output.Dim(2) : 1;
        int elem = input.ElementSize;
        var src = input.Bytes;
        var dst = output.WritableBytes;
        for (int ib = 0; ib < inB; ib++)
        {
            int ob = ib % outB;
            int spatial = ib / outB;
            int offH = spatial / _bw, offW = spatial % _bw;
            for (int iy = 0; iy < inH; iy++)
            {
                int oy = iy * _bh + offH - _ct;
                if (oy < 0 || oy >= outH) continue;
                for (int ix = 0; ix < inW; ix++)
                {
                    int ox = ix * _bw + offW - _cl;
                    if (ox < 0 || ox >= outW) continue;
                    TensorValues.CopyElements(src, (((long)ib * inH + iy) * inW + ix) * depth, dst, (((long)ob * outH + oy) * outW + ox) * depth, depth, elem);
                }
            }
        }
    }
}
