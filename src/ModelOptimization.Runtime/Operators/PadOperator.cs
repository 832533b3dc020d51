using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// PAD and PADV2: pads with 0 (quantized tensors: the output zero point) or with PADV2's constant value.
/// </summary>
internal sealed class PadOperator : OperatorKernel
{
    private int[] _before = [];

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
        _before = new int[rank];
        var shape = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            ctx.Require(p[2 * d] >= 0 && p[2 * d + 1] >= 0, "paddings must not be negative");
            _before[d] = p[2 * d];
            shape[d] = input.Shape[d] + p[2 * d] + p[2 * d + 1];
        }

        var constant = ctx.OptionalInput(2);
        ctx.Require(constant is null || (constant.Type == input.Type && constant.ElementCount == 1), "the constant value must be a scalar of the input's type");
        ctx.Require(TensorTypeInfo.BitWidth(input.Type) >= 8, $"PAD of {TensorTypeInfo.ShortName(input.Type)}");
        ctx.SetOutputShape(0, shape);
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        int elem = input.ElementSize;
        var dst = output.WritableBytes;
        Span<byte> pad = stackalloc byte[elem];
        pad.Clear();
        if (ctx.OptionalInput(2) is { } c) c.Bytes[..elem].CopyTo(pad);
        else if (output.IsQuantized && output.ZeroPoint != 0)
        {
            switch (output.Type)
            {
                case TensorType.Int8: pad[0] = (byte)(sbyte)output.ZeroPoint; break;
                case TensorType.UInt8: pad[0] = (byte)output.ZeroPoint; break;
                case TensorType.Int16: BitConverter.TryWriteBytes(pad, (short)output.ZeroPoint); break;
            }
        }

        for (int i = 0; i < output.ElementCount; i++) pad.CopyTo(dst.Slice(i * elem, elem));
        int rank = input.Rank;
        if (input.ElementCount == 0) return;
        if (rank == 0)
        {
            input.Bytes.CopyTo(dst);
            return;
        }

        var outStrides = ShapeUtil.Strides(output.Shape);
        int run = input.Shape[rank - 1];
        int rows = input.ElementCount / run;
        var idx = new int[rank];
        var src = input.Bytes;
        for (int r = 0; r < rows; r++)
        {
            long o = _before[rank - 1];
            for (int d = 0; d < rank - 1; d++) o += (long)(idx[d] + _before[d]) * outStrides[d];
            TensorValues.CopyElements(src, (long)r * run, dst, o, run, elem);
            for (int d = rank - 2; d >= 0; d--)
            {
                if (++idx[d] < input.Shape[d]) break;
                idx[d] = 0;
            }
        }
    }
}
