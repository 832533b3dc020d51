using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>The reduction a <see cref="ReduceOperator"/> computes.</summary>
internal enum ReduceKind
{
    Mean,
    Sum,
    Product,
    Max,
    Min,
    Any,
    All,
}

/// <summary>
/// MEAN, SUM, REDUCE_PROD, REDUCE_MAX, REDUCE_MIN, REDUCE_ANY, REDUCE_ALL over the axes of the second input, with
/// keep_dims. Float/int32/int64 accumulate in their own type (int32 MEAN in int64); quantized MEAN and SUM follow
/// TFLite's QuantizedMeanOrSum (sum minus zero points, rescaled by s_in / s_out [/ count]).
/// </summary>
internal sealed class ReduceOperator(ReduceKind kind) : OperatorKernel
{
    private bool[] _reduced = [];
    private int _count;
    private int _mult, _shift;
    private bool _xnnpack;
    private float _xnnScale, _xnnZeroPoint;

    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var axes = ctx.Input(1);
        var output = ctx.Output(0);
        if (!ctx.HasValue(axes))
        {
            ctx.SetOutputsDynamic();
            return;
        }

        int rank = input.Rank;
        _reduced = new bool[rank];
        foreach (int a in TensorValues.ReadInts(axes)) _reduced[TensorValues.Axis(ctx, a, rank)] = true;
        bool keep = ctx.GetBool("keep_dims");
        var shape = new List<int>();
        _count = 1;
        for (int d = 0; d < rank; d++)
        {
            if (_reduced[d])
            {
                _count *= input.Shape[d];
                if (keep) shape.Add(1);
            }
            else
            {
                shape.Add(input.Shape[d]);
            }
        }

        ctx.SetOutputShape(0, shape.ToArray());
        bool quantized = input.Type is TensorType.Int8 or TensorType.UInt8 or TensorType.Int16;
        switch (kind)
        {
            case ReduceKind.Any or ReduceKind.All:
                ctx.Require(input.Type == TensorType.Bool, $"{ctx.OpName} of {TensorTypeInfo.ShortName(input.Type)}");
                break;
            case ReduceKind.Mean or ReduceKind.Sum when quantized:
                ctx.Require(input.IsQuantized && output.IsQuantized && input.Type == output.Type, "quantized reductions need quantization parameters");
                IntegerArithmetic.QuantizeMultiplier((double)input.Scale / output.Scale, out _mult, out _shift);
                if (ctx.LiteRtArithmetic && input.Type != TensorType.Int16)
                {
                    // XNNPACK (LiteRT's delegate): raw int32 sum, then y = rint(sum · s + z') with s = (s_in/s_out)·(1/N)
                    // and z' = z_out − N·z_in·s, all in float.
                    _xnnpack = true;
                    float inputOutput = input.Scale / output.Scale;
                    _xnnScale = kind == ReduceKind.Mean && _count > 0 ? inputOutput * (1.0f / _count) : inputOutput;
                    _xnnZeroPoint = output.ZeroPoint - (_count * (float)input.ZeroPoint) * _xnnScale;
                }

                if (kind == ReduceKind.Mean && _count > 0)
                {
                    int shift = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)_count);
                    shift = Math.Min(shift, 32);
                    shift = Math.Min(shift, 31 + _shift);
                    _mult = (int)(((long)_mult << shift) / _count);
                    _shift -= shift;
                }

                break;
            case ReduceKind.Max or ReduceKind.Min:
                ctx.Require(input.Type is TensorType.Float32 or TensorType.Int32 or TensorType.Int64 or TensorType.Int8 or TensorType.UInt8 or TensorType.Int16,
                    $"{ctx.OpName} of {TensorTypeInfo.ShortName(input.Type)}");
                break;
            default:
                ctx.Require(input.Type is TensorType.Float32 or TensorType.Int32 or TensorType.Int64, $"{ctx.OpName} of {TensorTypeInfo.ShortName(input.Type)}");
                break;
        }
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        var map = OutputIndex(input.Shape);
        switch (input.Type)
        {
            case TensorType.Float32: Float(input.Read<float>(), output.Write<float>(), map); break;
            case TensorType.Int32: Integer(input.Read<int>(), output.Write<int>(), map); break;
            case TensorType.Int64: Integer(input.Read<long>(), output.Write<long>(), map); break;
            case TensorType.Bool: Logical(input.Bytes, output.WritableBytes, map); break;
            case TensorType.Int8: Quantized(input.Read<sbyte>(), output.Write<sbyte>(), map, input, output); break;
            case TensorType.UInt8: Quantized(input.Read<byte>(), output.Write<byte>(), map, input, output); break;
            case TensorType.Int16: Quantized(input.Read<short>(), output.Write<short>(), map, input, output); break;
        }
    }

    /// <summary>For each input element, the output element it reduces into.</summary>
    private int[] OutputIndex(int[] shape)
    {
        int rank = shape.Length;
        int n = ShapeUtil.ElementCount(shape);
        var outStrides = new int[rank];
        int acc = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            if (_reduced[d]) continue;
            outStrides[d] = acc;
            acc *= shape[d];
        }

        var map = new int[n];
        var idx = new int[rank];
        for (int i = 0; i < n; i++)
        {
            int o = 0;
            for (int d = 0; d < rank; d++) o += idx[d] * outStrides[d];
            map[i] = o;
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }

        return map;
    }

    private void Float(ReadOnlySpan<float> x, Span<float> y, int[] map)
    {
        switch (kind)
        {
            case ReduceKind.Max: y.Fill(float.MinValue); for (int i = 0; i < x.Length; i++) y[map[i]] = Math.Max(y[map[i]], x[i]); break;
            case ReduceKind.Min: y.Fill(float.MaxValue); for (int i = 0; i < x.Length; i++) y[map[i]] = Math.Min(y[map[i]], x[i]); break;
            case ReduceKind.Product: y.Fill(1f); for (int i = 0; i < x.Length; i++) y[map[i]] *= x[i]; break;
            default:
                y.Clear();
                for (int i = 0; i < x.Length; i++) y[map[i]] += x[i];
                if (kind == ReduceKind.Mean && _count > 0)
                {
                    for (int i = 0; i < y.Length; i++) y[i] /= _count;
                }

                break;
        }
    }

    private void Integer<T>(ReadOnlySpan<T> x, Span<T> y, int[] map) where T : unmanaged, System.Numerics.IBinaryInteger<T>, System.Numerics.IMinMaxValue<T>
    {
        switch (kind)
        {
            case ReduceKind.Max: y.Fill(T.MinValue); for (int i = 0; i < x.Length; i++) y[map[i]] = T.Max(y[map[i]], x[i]); break;
            case ReduceKind.Min: y.Fill(T.MaxValue); for (int i = 0; i < x.Length; i++) y[map[i]] = T.Min(y[map[i]], x[i]); break;
            case ReduceKind.Product: y.Fill(T.One); for (int i = 0; i < x.Length; i++) y[map[i]] *= x[i]; break;
            default:
                var sums = new long[y.Length];
                for (int i = 0; i < x.Length; i++) sums[map[i]] += long.CreateTruncating(x[i]);
                for (int i = 0; i < y.Length; i++) y[i] = T.CreateTruncating(kind == ReduceKind.Mean && _count > 0 ? sums[i] / _count : sums[i]);
                break;
        }
    }

    private void Logical(ReadOnlySpan<byte> x, Span<byte> y, int[] map)
    {
        bool all = kind == ReduceKind.All;
        y.Fill(all ? (byte)1 : (byte)0);
        for (int i = 0; i < x.Length; i++)
        {
            if (all && x[i] == 0) y[map[i]] = 0;
            if (!all && x[i] != 0) y[map[i]] = 1;
        }
    }

    private void Quantized<T>(ReadOnlySpan<T> x, Span<T> y, int[] map, RuntimeTensor input, RuntimeTensor output)
        where T : unmanaged, System.Numerics.IBinaryInteger<T>, System.Numerics.IMinMaxValue<T>
    {
        if (kind is ReduceKind.Max or ReduceKind.Min)
        {
            Integer(x, y, map);
            return;
        }

        var sums = new int[y.Length];
        for (int i = 0; i < x.Length; i++) sums[map[i]] += int.CreateTruncating(x[i]);
        int min = int.CreateTruncating(T.MinValue), max = int.CreateTruncating(T.MaxValue);
        if (_xnnpack)
        {
            for (int i = 0; i < y.Length; i++)
            {
                float v = MathF.Round(sums[i] * _xnnScale + _xnnZeroPoint);
                y[i] = T.CreateTruncating((int)Math.Min(Math.Max(v, min), max));
            }

            return;
        }

        for (int i = 0; i < y.Length; i++)
        {
            int shifted = sums[i] - input.ZeroPoint * _count;
            int v = IntegerArithmetic.MultiplyByQuantizedMultiplier(shifted, _mult, _shift) + output.ZeroPoint;
            y[i] = T.CreateTruncating(Math.Clamp(v, min, max));
        }
    }
}
