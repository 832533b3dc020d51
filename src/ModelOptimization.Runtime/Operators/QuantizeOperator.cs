using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// QUANTIZE: float → int8/uint8 (round(x / scale) in double, as TFLite's optimized kernel) or int16 (in float,
/// the reference), per tensor or per channel; and requantization between int8/uint8/int16/int32 with a fixed-point
/// multiplier.
/// </summary>
internal sealed class QuantizeOperator : UnaryOperator
{
    private int _mult, _shift;
    private float[] _scales = [];
    private int[] _zeroPoints = [];
    private int _axis, _inner = 1;

    protected override void PrepareTypes(KernelContext ctx, RuntimeTensor input, RuntimeTensor output)
    {
        ctx.Require(output.IsQuantized, "the output has no quantization parameters");
        var q = output.Quantization!;
        if (input.Type == TensorType.Float32)
        {
            ctx.Require(output.Type is TensorType.Int8 or TensorType.UInt8 or TensorType.Int16, $"QUANTIZE to {TensorTypeInfo.ShortName(output.Type)}");
            _scales = q.Scale!.ToArray();
            _zeroPoints = (q.ZeroPoint ?? [0]).Select(z => (int)z).ToArray();
            if (_zeroPoints.Length == 0) _zeroPoints = [0];
            if (_scales.Length > 1)
            {
                _axis = TensorValues.Axis(ctx, q.QuantizedDimension, input.Rank);
                ctx.Require(input.Shape[_axis] == _scales.Length, "per-channel scales do not match the quantized dimension");
                _inner = ShapeUtil.Product(input.Shape, _axis + 1, input.Rank);
            }

            return;
        }

        ctx.Require(input.Type is TensorType.Int8 or TensorType.UInt8 or TensorType.Int16 or TensorType.Int32, $"QUANTIZE from {TensorTypeInfo.ShortName(input.Type)}");
        ctx.Require(output.Type is TensorType.Int8 or TensorType.UInt8 or TensorType.Int16 or TensorType.Int32, $"QUANTIZE to {TensorTypeInfo.ShortName(output.Type)}");
        ctx.Require(input.IsQuantized, "the input has no quantization parameters");
        IntegerArithmetic.QuantizeMultiplier((double)input.Scale / output.Scale, out _mult, out _shift);
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        if (input.Type == TensorType.Float32)
        {
            var x = input.Read<float>();
            switch (output.Type)
            {
                case TensorType.Int8: FromFloat(x, output.Write<sbyte>(), sbyte.MinValue, sbyte.MaxValue, useDouble: true); break;
                case TensorType.UInt8: FromFloat(x, output.Write<byte>(), 0, 255, useDouble: true); break;
                case TensorType.Int16: FromFloat(x, output.Write<short>(), short.MinValue, short.MaxValue, useDouble: false); break;
            }

            return;
        }

        int inZp = input.ZeroPoint, outZp = output.ZeroPoint;
        var (min, max) = IntegerArithmetic.Range(output.Type);
        int n = input.ElementCount;
        for (int i = 0; i < n; i++)
        {
            int v = input.Type switch
            {
                TensorType.Int8 => input.Read<sbyte>()[i],
                TensorType.UInt8 => input.Read<byte>()[i],
                TensorType.Int16 => input.Read<short>()[i],
                _ => input.Read<int>()[i],
            };
            int r = IntegerArithmetic.Clamp(IntegerArithmetic.MultiplyByQuantizedMultiplier(v - inZp, _mult, _shift) + outZp, min, max);
            switch (output.Type)
            {
                case TensorType.Int8: output.Write<sbyte>()[i] = (sbyte)r; break;
                case TensorType.UInt8: output.Write<byte>()[i] = (byte)r; break;
                case TensorType.Int16: output.Write<short>()[i] = (short)r; break;
                default: output.Write<int>()[i] = r; break;
            }
        }
    }

    private void FromFloat<T>(ReadOnlySpan<float> x, Span<T> y, int min, int max, bool useDouble) where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        int channels = _scales.Length;
        for (int i = 0; i < x.Length; i++)
        {
            int c = channels > 1 ? i / _inner % channels : 0;
            float scale = _scales[c];
            int zp = _zeroPoints[Math.Min(c, _zeroPoints.Length - 1)];
            int q = useDouble
                ? (int)IntegerArithmetic.Round(x[i] / (double)scale)
                : (int)IntegerArithmetic.Round(x[i] / scale);
            y[i] = T.CreateTruncating(Math.Clamp(q + zp, min, max));
        }
    }
}
