using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// DEQUANTIZE to float: int8/uint8/int16/int32 (per tensor: scale·(q − zp) in double; per channel in float),
/// int4, float16 and bfloat16; constant int4/int8 with <c>BlockwiseQuantization</c> ((q − zp) · block scale, the
/// value the format defines; LiteRT's built-in DEQUANTIZE ignores block scales). Constant weights are dequantized
/// once in prepare (folded).
/// </summary>
internal sealed class DequantizeOperator : UnaryOperator
{
    private double[] _scales = [];
    private int[] _zeroPoints = [];
    private int _inner = 1;
    private float[]? _blockwise;

    protected override void PrepareTypes(KernelContext ctx, RuntimeTensor input, RuntimeTensor output)
    {
        ctx.Require(output.Type == TensorType.Float32, $"DEQUANTIZE to {TensorTypeInfo.ShortName(output.Type)}");
        switch (input.Type)
        {
            case TensorType.Float16 or TensorType.BFloat16 or TensorType.Float32:
                return;
            case TensorType.Int8 or TensorType.Int4 when BlockwiseWeights.IsBlockwise(input):
                _blockwise = BlockwiseWeights.Read(ctx, input).Dequantize();
                return;
            case TensorType.Int8 or TensorType.UInt8 or TensorType.Int16 or TensorType.Int32 or TensorType.Int4:
                ctx.Require(input.IsQuantized, "the input has no quantization parameters");
                var q = input.Quantization!;
                _scales = q.Scale!.Select(s => (double)s).ToArray();
                _zeroPoints = (q.ZeroPoint is { Length: > 0 } z ? z : [0]).Select(v => (int)v).ToArray();
                if (_scales.Length > 1)
                {
                    int axis = TensorValues.Axis(ctx, q.QuantizedDimension, input.Rank);
                    ctx.Require(input.Shape[axis] == _scales.Length, "per-channel scales do not match the quantized dimension");
                    _inner = ShapeUtil.Product(input.Shape, axis + 1, input.Rank);
                }

                return;
            default:
                throw ctx.NotSupported($"DEQUANTIZE from {TensorTypeInfo.ShortName(input.Type)}");
        }
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var y = ctx.Output(0).Write<float>();
        if (_blockwise is not null)
        {
            _blockwise.CopyTo(y);
            return;
        }

        switch (input.Type)
        {
            case TensorType.Float32: input.Read<float>().CopyTo(y); return;
            case TensorType.Float16:
                {
                    var h = input.Read<Half>();
                    for (int i = 0; i < h.Length; i++) y[i] = (float)h[i];
                    return;
                }

            case TensorType.BFloat16:
                {
                    var b = input.Read<ushort>();
                    for (int i = 0; i < b.Length; i++) y[i] = BitConverter.Int32BitsToSingle(b[i] << 16);
                    return;
                }

            case TensorType.Int8: Affine(input.Read<sbyte>(), y); return;
            case TensorType.UInt8: Affine(input.Read<byte>(), y); return;
            case TensorType.Int16: Affine(input.Read<short>(), y); return;
            case TensorType.Int32: Affine(input.Read<int>(), y); return;
            case TensorType.Int4: Affine<sbyte>(Int4.Unpack(input.Bytes, input.ElementCount), y); return;
        }
    }

    private void Affine<T>(ReadOnlySpan<T> x, Span<float> y) where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        if (_scales.Length == 1)
        {
            double scale = _scales[0];
            int zp = _zeroPoints[0];
            for (int i = 0; i < x.Length; i++) y[i] = (float)(scale * (int.CreateTruncating(x[i]) - zp));
            return;
        }

        int channels = _scales.Length;
        for (int i = 0; i < x.Length; i++)
        {
            int c = i / _inner % channels;
            int zp = _zeroPoints[Math.Min(c, _zeroPoints.Length - 1)];
            y[i] = (int.CreateTruncating(x[i]) - zp) * (float)_scales[c];
        }
    }
}
