using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// DEPTH_TO_SPACE (NHWC, any element type): [N, H, W, C·b²] → [N, H·b, W·b, C], out[n, h·b+dy, w·b+dx, c] =
/// in[n, h, w, (dy·b+dx)·C + c]. Quantized tensors keep their values (TFLite requires equal parameters).
/// </summary>
internal sealed class DepthToSpaceOperator : OperatorKernel
{
    private int _block;

    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        _block = ctx.GetInt("block_size");
        ctx.Require(input.Rank == 4, "input must be 4-D");
        ctx.Require(_block > 0 && input.Dim(3) % (_block * _block) == 0, $"depth {input.Dim(3)} is not a multiple of block_size² ({_block}²)");
        ctx.Require(input.Type == ctx.Output(0).Type, "input and output types differ");
        ctx.SetOutputShape(0, [input.Dim(0), input.Dim(1) * _block, input.Dim(2) * _block, input.Dim(3) / (_block * _block)]);
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        int n = input.Dim(0), h = input.Dim(1), w = input.Dim(2), c = output.Dim(3), b = _block;
        int elem = input.ElementSize;
        var src = input.Bytes;
        var dst = output.WritableBytes;
        for (int bn = 0; bn < n; bn++)
        {
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    long inBase = (((long)bn * h + y) * w + x) * c * b * b;
                    for (int dy = 0; dy < b; dy++)
                    {
                        for (int dx = 0; dx < b; dx++)
                        {
                            long outBase = (((long)bn * h * b + y * b + dy) * w * b + x * b + dx) * c;
                            TensorValues.CopyElements(src, inBase + (dy * b + dx) * c, dst, outBase, c, elem);
                        }
                    }
                }
            }
        }
    }
}
