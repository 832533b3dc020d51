using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// SPACE_TO_DEPTH (NHWC, any element type): [N, H·b, W·b, C] → [N, H, W, C·b²], out[n, h, w, (dy·b+dx)·C + c] =
/// in[n, h·b+dy, w·b+dx, c].
/// </summary>
internal sealed class SpaceToDepthOperator : OperatorKernel
{
    private int _block;

    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        _block = ctx.GetInt("block_size");
        ctx.Require(input.Rank == 4, "input must be 4-D");
        ctx.Require(_block > 0 && input.Dim(1) % _block == 0 && input.Dim(2) % _block == 0, $"height and width must be multiples of block_size {_block}");
        ctx.Require(input.Type == ctx.Output(0).Type, "input and output types differ");
        ctx.SetOutputShape(0, [input.Dim(0), input.Dim(1) / _block, input.Dim(2) / _block, input.Dim(3) * _block * _block]);
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        int n = output.Dim(0), h = output.Dim(1), w = output.Dim(2), c = input.Dim(3), b = _block;
        int elem = input.ElementSize;
        var src = input.Bytes;
        var dst = output.WritableBytes;
        for (int bn = 0; bn < n; bn++)
        {
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    long outBase = (((long)bn * h + y) * w + x) * c * b * b;
                    for (int dy = 0; dy < b; dy++)
                    {
                        for (int dx = 0; dx < b; dx++)
                        {
                            long inBase = (((long)bn * h * b + y * b + dy) * w * b + x * b + dx) * c;
                            TensorValues.CopyElements(src, inBase, dst, outBase + (dy * b + dx) * c, c, elem);
                        }
                    }
                }
            }
        }
    }
}
