using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>RESIZE_NEAREST_NEIGHBOR (NHWC) with align_corners / half_pixel_centers, any element type.</summary>
internal sealed class ResizeNearestNeighborOperator : OperatorKernel
{
    private bool _alignCorners, _halfPixel;

    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var size = ctx.Input(1);
        ctx.Require(input.Rank == 4, "input must be 4-D");
        _alignCorners = ctx.GetBool("align_corners");
        _halfPixel = ctx.GetBool("half_pixel_centers");
        if (!ctx.HasValue(size))
        {
            ctx.SetOutputsDynamic();
            return;
        }

        var hw = TensorValues.ReadInts(size);
        ctx.Require(hw.Length == 2 && hw[0] > 0 && hw[1] > 0, "size must hold two positive values");
        ctx.SetOutputShape(0, [input.Dim(0), hw[0], hw[1], input.Dim(3)]);
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        int batches = input.Dim(0), inH = input.Dim(1), inW = input.Dim(2), depth = input.Dim(3);
        int outH = output.Dim(1), outW = output.Dim(2);
        int elem = input.ElementSize;
        float hScale = _alignCorners && outH > 1 ? (float)(inH - 1) / (outH - 1) : (float)inH / outH;
        float wScale = _alignCorners && outW > 1 ? (float)(inW - 1) / (outW - 1) : (float)inW / outW;
        float offset = _halfPixel ? 0.5f : 0f;
        var src = input.Bytes;
        var dst = output.WritableBytes;
        for (int b = 0; b < batches; b++)
        {
            for (int y = 0; y < outH; y++)
            {
                int iy = Source(y, hScale, offset, inH);
                for (int x = 0; x < outW; x++)
                {
                    int ix = Source(x, wScale, offset, inW);
                    TensorValues.CopyElements(src, (((long)b * inH + iy) * inW + ix) * depth, dst, (((long)b * outH + y) * outW + x) * depth, depth, elem);
                }
            }
        }
    }

    private int Source(int value, float scale, float offset, int size)
    {
        float v = (value + offset) * scale;
        int r = _alignCorners ? (int)MathF.Round(v, MidpointRounding.AwayFromZero) : (int)MathF.Floor(v);
        if (_halfPixel) r = Math.Max(0, r);
        return Math.Min(r, size - 1);
    }
}
