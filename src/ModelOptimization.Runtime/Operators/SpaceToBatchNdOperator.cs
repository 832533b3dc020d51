using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>SPACE_TO_BATCH_ND for 3-D and 4-D inputs (one or two spatial dimensions), padding with 0 or the zero point.</summary>
internal sealed class SpaceToBatchNdOperator : OperatorKernel
{
    private int _bh, _bw, _pt, _pl;

    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var block = ctx.Input(1);
        var paddings = ctx.Input(2);
        if (!ctx.HasValue(block) || !ctx.HasValue(paddings))
        {
            ctx.SetOutputsDynamic();
            return;
        }

        ctx.Require(input.Rank is 3 or 4, "input must be 3-D or 4-D");
        var b = TensorValues.ReadInts(block);
        var p = TensorValues.ReadInts(paddings);
        bool twoD = input.Rank == 4;
        _bh = b[0];
        _bw = twoD ? b[1] : 1;
        _pt = p[0];
        _pl = twoD ? p[2] : 0;
        int h = input.Dim(1) + p[0] + p[1];
        int w = twoD ? input.Dim(2) + p[2] + p[3] : 1;
        ctx.Require(_bh > 0 && _bw > 0 && h % _bh == 0 && w % _bw == 0, "padded size is not a multiple of the block shape");
        ctx.SetOutputShape(0, twoD
            ? [input.Dim(0) * _bh * _bw, h / _bh, w / _bw, input.Dim(3)]
            : [input.Dim(0) * _bh, h / _bh, input.Dim(2)]);
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        bool twoD = input.Rank == 4;
        int batch = input.Dim(0), inH = input.Dim(1), inW = twoD ? input.Dim(2) : 1, depth = input.Dim(-1);
        int outB = output.Dim(0), outH = output.Dim(1), outW = twoD ? output.Dim(2) : 1;
        int elem = input.ElementSize;
        var dst = output.WritableBytes;
        var src = input.Bytes;
        byte pad = output.IsQuantized && output.Type is TensorType.Int8 or TensorType.UInt8 ? (byte)output.ZeroPoint : (byte)0;
        for (int ob = 0; ob < outB; ob++)
        {
            int ib = ob % batch;
            int shiftW = ob / batch % _bw, shiftH = ob / batch / _bw;
            for (int oy = 0; oy < outH; oy++)
            {
                int iy = oy * _bh + shiftH - _pt;
                for (int ox = 0; ox < outW; ox++)
                {
                    int ix = ox * _bw + shiftW - _pl;
                    long o = (((long)ob * outH + oy) * outW + ox) * depth;
                    if (iy < 0 || iy >= inH || ix < 0 || ix >= inW) dst.Slice((int)(o * elem), depth * elem).Fill(pad);
                    else TensorValues.CopyElements(src, (((long)ib * inH + iy) * inW + ix) * depth, dst, o, depth, elem);
                }
            }
        }
    }
}
