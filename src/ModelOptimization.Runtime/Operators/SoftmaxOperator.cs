using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// SOFTMAX over the last dimension: float; uint8/int8 → uint8/int8/int16 with TFLite's generic optimized kernel
/// (a 256-entry float table of exp(−input_scale · β · d), normalised in float and rounded to the output); int16 →
/// int16 with TFLite's interpolated exp and reciprocal tables.
/// </summary>
internal sealed class SoftmaxOperator : UnaryOperator
{
    private float _beta;
    private float[]? _table;
    private short[]? _expLut, _reciprocalLut;
    private int _inputMultiplier, _inputShift;

    protected override void PrepareTypes(KernelContext ctx, RuntimeTensor input, RuntimeTensor output)
    {
        ctx.Require(input.Rank >= 1, "input must have at least one dimension");
        _beta = ctx.GetFloat("beta", 1f);
        switch (input.Type, output.Type)
        {
            case (TensorType.Float32, TensorType.Float32):
                break;
            case (TensorType.UInt8 or TensorType.Int8, TensorType.UInt8 or TensorType.Int8 or TensorType.Int16):
                ctx.Require(input.IsQuantized && output.IsQuantized, "quantized SOFTMAX needs quantization parameters");
                if (output.Type == TensorType.Int8)
                {
                    ctx.Require(output.ZeroPoint == -128 && Math.Abs(output.Scale - 1f / 256) <= 0.001f / 256, "int8 SOFTMAX output must have scale 1/256 and zero point -128");
                }

                _table = new float[256];
                float scale = -input.Scale * _beta;
                for (int val = 0; val <= 255; val++) _table[255 - val] = MathF.Exp(scale * val);
                break;
            case (TensorType.Int16, TensorType.Int16):
                {
                    ctx.Require(input.IsQuantized && output.IsQuantized, "quantized SOFTMAX needs quantization parameters");
                    ctx.Require(input.ZeroPoint == 0 && output.ZeroPoint == 0 && Math.Abs(output.Scale - 1f / 32768) <= 0.001f / 32768,
                        "int16 SOFTMAX needs zero points of 0 and an output scale of 1/32768");
                    const double range = 65535.0;
                    _expLut = Int16LookupTable.BuildDouble(10.0 / range, short.MaxValue, 2.0 / range, 0, Math.Exp);
                    _reciprocalLut = Int16LookupTable.BuildDouble(1.0 / range, short.MinValue, 2.0 / range, 0, v => 1.0 / (1.0 + v));
                    IntegerArithmetic.QuantizeMultiplier(input.Scale * _beta / (10.0 / 65535.0), out _inputMultiplier, out _inputShift);
                    break;
                }

            default:
                throw ctx.NotSupported($"SOFTMAX from {TensorTypeInfo.ShortName(input.Type)} to {TensorTypeInfo.ShortName(output.Type)}");
        }
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        int depth = input.Dim(-1);
        if (depth == 0) return;
        int outer = input.ElementCount / depth;
        switch (input.Type, output.Type)
        {
            case (TensorType.Float32, _):
                {
                    var x = input.Read<float>();
                    var y = output.Write<float>();
                    for (int r = 0; r < outer; r++)
                    {
                        var xi = x.Slice(r * depth, depth);
                        var yi = y.Slice(r * depth, depth);
                        float max = float.MinValue;
                        foreach (float v in xi) max = Math.Max(max, v);
                        float sum = 0;
                        for (int i = 0; i < depth; i++)
                        {
                            yi[i] = MathF.Exp((xi[i] - max) * _beta);
                            sum += yi[i];
                        }

                        for (int i = 0; i < depth; i++) yi[i] /= sum;
                    }

                    break;
                }

            case (TensorType.Int16, TensorType.Int16): Int16(input.Read<short>(), output.Write<short>(), depth, outer); break;
            case (TensorType.UInt8, TensorType.UInt8): Quantized<byte, byte>(input.Read<byte>(), output.Write<byte>(), depth, outer, output); break;
            case (TensorType.UInt8, TensorType.Int8): Quantized<byte, sbyte>(input.Read<byte>(), output.Write<sbyte>(), depth, outer, output); break;
            case (TensorType.UInt8, TensorType.Int16): Quantized<byte, short>(input.Read<byte>(), output.Write<short>(), depth, outer, output); break;
            case (TensorType.Int8, TensorType.Int8): Quantized<sbyte, sbyte>(input.Read<sbyte>(), output.Write<sbyte>(), depth, outer, output); break;
            case (TensorType.Int8, TensorType.UInt8): Quantized<sbyte, byte>(input.Read<sbyte>(), output.Write<byte>(), depth, outer, output); break;
            case (TensorType.Int8, TensorType.Int16): Quantized<sbyte, short>(input.Read<sbyte>(), output.Write<short>(), depth, outer, output); break;
        }
    }

    private void Quantized<TIn, TOut>(ReadOnlySpan<TIn> x, Span<TOut> y, int depth, int outer, RuntimeTensor output)
        where TIn : unmanaged, System.Numerics.IBinaryInteger<TIn>, System.Numerics.IMinMaxValue<TIn>
        where TOut : unmanaged, System.Numerics.IBinaryInteger<TOut>, System.Numerics.IMinMaxValue<TOut>
    {
        var table = _table!;
        int clampMax = int.CreateTruncating(TOut.MaxValue), clampMin = int.CreateTruncating(TOut.MinValue);
        bool isUInt8 = typeof(TOut) == typeof(byte);
        int zeroPoint = output.ZeroPoint;
        for (int r = 0; r < outer; r++)
        {
            var xi = x.Slice(r * depth, depth);
            var yi = y.Slice(r * depth, depth);
            int max = int.CreateTruncating(TIn.MinValue);
            for (int j = 0; j < depth; j++) max = Math.Max(max, int.CreateTruncating(xi[j]));
            int offset = 255 - max;
            float sum = 0;
            for (int j = 0; j < depth; j++) sum += table[offset + int.CreateTruncating(xi[j])];
            float inv = 1.0f / (sum * output.Scale);
            for (int j = 0; j < depth; j++)
            {
                float p = table[offset + int.CreateTruncating(xi[j])] * inv;
                // TFLite's QuantizeSoftmaxOutput: uint8 (off aarch64) truncates p + 0.5 and ignores the zero point.
                int q = isUInt8 ? (int)(p + 0.5f) : (int)MathF.Round(p, MidpointRounding.AwayFromZero) + zeroPoint;
                yi[j] = TOut.CreateTruncating(Math.Max(Math.Min(clampMax, q), clampMin));
            }
        }
    }

    /// <summary>TFLite's SoftmaxInt16: exp and 1/(1+x) through interpolated int16 tables, Q0.15 output.</summary>
    private void Int16(ReadOnlySpan<short> x, Span<short> y, int depth, int outer)
    {
        for (int r = 0; r < outer; r++)
        {
            var xi = x.Slice(r * depth, depth);
            var yi = y.Slice(r * depth, depth);
            short max = short.MinValue;
            foreach (short v in xi) max = Math.Max(max, v);
            int sum = 0;
            for (int c = 0; c < depth; c++)
            {
                int scaled = IntegerArithmetic.MultiplyByQuantizedMultiplier(xi[c] - max, _inputMultiplier, _inputShift);
                short symmetric = (short)Math.Clamp(scaled + 32767, short.MinValue, short.MaxValue);
                yi[c] = Int16LookupTable.Lookup(symmetric, _expLut!);
                sum = unchecked(sum + yi[c]);
            }

            int headroomPlusOne = System.Numerics.BitOperations.LeadingZeroCount((uint)sum);
            int shiftedSum = (int)((((long)sum << (headroomPlusOne - 1)) + (1 << 13)) >> 14);
            int symmetricSum = shiftedSum - ((1 << 15) + (1 << 16));
            short reciprocal = Int16LookupTable.Lookup((short)Math.Clamp(symmetricSum, short.MinValue, short.MaxValue), _reciprocalLut!);
            int rightShift = 31 - headroomPlusOne;
            long round = 1L << (rightShift - 1);
            for (int c = 0; c < depth; c++)
            {
                int result = (int)(((long)yi[c] * reciprocal + round) >> rightShift);
                yi[c] = (short)Math.Clamp(result, 0, 32767);
            }
        }
    }
}
