using System.Buffers;
using System.Runtime.Intrinsics;
using ModelOptimization.Kernels.Simd;

namespace ModelOptimization.Kernels;

/// <summary>
/// Average and max pooling over NHWC tensors (TFLite reference_ops / reference_integer_ops semantics), vectorized
/// over channels. Every method equals its twin in <see cref="Reference.Pooling"/> bit for bit: the float average adds
/// the window in the reference's order and divides once; integer averages use TFLite's rounding
/// (int8: (acc ± n/2) / n by the sign of acc; uint8: (acc + n/2) / n).
/// </summary>
public static unsafe class Pooling
{
    public static void AveragePoolFloat(ReadOnlySpan<float> input, Span<float> output, in Pool2DGeometry geometry, float activationMin, float activationMax)
        => PoolFloat(input, output, geometry, activationMin, activationMax, average: true);

    public static void MaxPoolFloat(ReadOnlySpan<float> input, Span<float> output, in Pool2DGeometry geometry, float activationMin, float activationMax)
        => PoolFloat(input, output, geometry, activationMin, activationMax, average: false);

    private static void PoolFloat(ReadOnlySpan<float> input, Span<float> output, in Pool2DGeometry g, float lo, float hi, bool average)
    {
        Check(g, input.Length, output.Length);
        fixed (float* pIn = input)
        fixed (float* pOut = output)
        {
            int bits = Isa.FloatBits;
            if (bits >= 512) PoolFloat<FloatVector512, Vector512<float>>(pIn, pOut, g, lo, hi, average, true);
            else if (bits >= 256) PoolFloat<FloatVector256, Vector256<float>>(pIn, pOut, g, lo, hi, average, true);
            else if (bits >= 128) PoolFloat<FloatVector128, Vector128<float>>(pIn, pOut, g, lo, hi, average, true);
            else PoolFloat<FloatVector128, Vector128<float>>(pIn, pOut, g, lo, hi, average, false);
        }
    }

    private static void PoolFloat<TS, TV>(float* input, float* output, in Pool2DGeometry g, float lo, float hi, bool average, bool vector)
        where TS : struct, IFloatVector<TV> where TV : struct
    {
        int ch = g.Channels;
        for (int b = 0; b < g.Batches; b++)
        for (int oy = 0; oy < g.OutputHeight; oy++)
        for (int ox = 0; ox < g.OutputWidth; ox++)
        {
            Reference.Pooling.Window(g, oy, ox, out int y0, out int y1, out int x0, out int x1);
            int count = Math.Max(0, y1 - y0) * Math.Max(0, x1 - x0);
            float* o = output + (((long)b * g.OutputHeight + oy) * g.OutputWidth + ox) * ch;
            int c = 0;
            if (vector)
            {
                TV vlo = TS.Broadcast(lo), vhi = TS.Broadcast(hi), vcount = TS.Broadcast(count);
                for (; c <= ch - TS.Count; c += TS.Count)
                {
                    TV acc = average ? TS.Zero : TS.Broadcast(float.MinValue);
                    for (int y = y0; y < y1; y++)
                    for (int x = x0; x < x1; x++)
                    {
                        TV v = TS.Load(input + (((long)b * g.InputHeight + y) * g.InputWidth + x) * ch + c);
                        acc = average ? TS.Add(acc, v) : TS.Max(acc, v);
                    }

                    if (average)
                    {
                        if (count == 0) { TS.Store(TS.Zero, o + c); continue; }
                        acc = TS.Divide(acc, vcount);
                    }

                    TS.Store(TS.Clamp(acc, vlo, vhi), o + c);
                }
            }

            for (; c < ch; c++)
            {
                float acc = average ? 0f : float.MinValue;
                for (int y = y0; y < y1; y++)
                for (int x = x0; x < x1; x++)
                {
                    float v = input[(((long)b * g.InputHeight + y) * g.InputWidth + x) * ch + c];
                    acc = average ? acc + v : (acc < v ? v : acc);
                }

                o[c] = average && count == 0 ? 0f : Scalar.Clamp(average ? acc / count : acc, lo, hi);
            }
        }
    }

    /// <summary>int8 average pool: acc = Σ window; (acc + n/2)/n when acc &gt; 0, else (acc − n/2)/n; clamp.</summary>
    public static void AveragePoolInt8(ReadOnlySpan<sbyte> input, Span<sbyte> output, in Pool2DGeometry geometry, int activationMin, int activationMax)
    {
        Check(geometry, input.Length, output.Length);
        fixed (sbyte* pIn = input)
        fixed (sbyte* pOut = output)
            AverageInteger(pIn, null, pOut, null, geometry, activationMin, activationMax);
    }

    /// <summary>uint8 average pool: (Σ window + n/2)/n; clamp.</summary>
    public static void AveragePoolUInt8(ReadOnlySpan<byte> input, Span<byte> output, in Pool2DGeometry geometry, int activationMin, int activationMax)
    {
        Check(geometry, input.Length, output.Length);
        fixed (byte* pIn = input)
        fixed (byte* pOut = output)
            AverageInteger(null, pIn, null, pOut, geometry, activationMin, activationMax);
    }

    private static void AverageInteger(sbyte* in8, byte* inU8, sbyte* out8, byte* outU8, in Pool2DGeometry g, int lo, int hi)
    {
        int ch = g.Channels;
        int[] accArray = ArrayPool<int>.Shared.Rent(Math.Max(1, ch));
        try
        {
            fixed (int* acc = accArray)
            {
                for (int b = 0; b < g.Batches; b++)
                for (int oy = 0; oy < g.OutputHeight; oy++)
                for (int ox = 0; ox < g.OutputWidth; ox++)
                {
                    Reference.Pooling.Window(g, oy, ox, out int y0, out int y1, out int x0, out int x1);
                    int count = Math.Max(0, y1 - y0) * Math.Max(0, x1 - x0);
                    new Span<int>(acc, ch).Clear();
                    for (int y = y0; y < y1; y++)
                    for (int x = x0; x < x1; x++)
                    {
                        long offset = (((long)b * g.InputHeight + y) * g.InputWidth + x) * ch;
                        if (in8 != null) AddWidened(in8 + offset, acc, ch);
                        else AddWidened(inU8 + offset, acc, ch);
                    }

                    long o = (((long)b * g.OutputHeight + oy) * g.OutputWidth + ox) * ch;
                    int half = count / 2;
                    for (int c = 0; c < ch; c++)
                    {
                        int a = acc[c];
                        if (count == 0) a = 0;
                        else a = a > 0 ? (a + half) / count : (a - half) / count;
                        a = Math.Min(Math.Max(a, lo), hi);
                        if (out8 != null) out8[o + c] = (sbyte)a;
                        else outU8[o + c] = (byte)a;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(accArray);
        }
    }

    private static void AddWidened(sbyte* x, int* acc, int count)
    {
        int c = 0;
        if (Isa.ElementwiseBits >= 256)
        {
            for (; c <= count - 16; c += 16)
            {
                (Vector256<int> lo, Vector256<int> hi) = Vector256.Widen(Vector256.WidenLower(Vector128.Load(x + c).ToVector256Unsafe()));
                (Vector256.Load(acc + c) + lo).Store(acc + c);
                (Vector256.Load(acc + c + 8) + hi).Store(acc + c + 8);
            }
        }

        for (; c < count; c++) acc[c] += x[c];
    }

    private static void AddWidened(byte* x, int* acc, int count)
    {
        int c = 0;
        if (Isa.ElementwiseBits >= 256)
        {
            for (; c <= count - 16; c += 16)
            {
                (Vector256<uint> lo, Vector256<uint> hi) = Vector256.Widen(Vector256.WidenLower(Vector128.Load(x + c).ToVector256Unsafe()));
                (Vector256.Load(acc + c) + lo.AsInt32()).Store(acc + c);
                (Vector256.Load(acc + c + 8) + hi.AsInt32()).Store(acc + c + 8);
            }
        }

        for (; c < count; c++) acc[c] += x[c];
    }

    /// <summary>int8 max pool: max over the window (starting from −128), then clamp.</summary>
    public static void MaxPoolInt8(ReadOnlySpan<sbyte> input, Span<sbyte> output, in Pool2DGeometry geometry, int activationMin, int activationMax)
    {
        Check(geometry, input.Length, output.Length);
        Pool2DGeometry g = geometry;
        int ch = g.Channels;
        if (ch == 0) return;
        for (int b = 0; b < g.Batches; b++)
        for (int oy = 0; oy < g.OutputHeight; oy++)
        for (int ox = 0; ox < g.OutputWidth; ox++)
        {
            Reference.Pooling.Window(g, oy, ox, out int y0, out int y1, out int x0, out int x1);
            Span<sbyte> o = output.Slice((int)(((long)b * g.OutputHeight + oy) * g.OutputWidth + ox) * ch, ch);
            o.Fill(sbyte.MinValue);
            for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
                System.Numerics.Tensors.TensorPrimitives.Max(o, input.Slice((int)(((long)b * g.InputHeight + y) * g.InputWidth + x) * ch, ch), o);
            System.Numerics.Tensors.TensorPrimitives.Clamp(o, (sbyte)Math.Clamp(activationMin, -128, 127), (sbyte)Math.Clamp(activationMax, -128, 127), o);
        }
    }

    /// <summary>uint8 max pool: max over the window (starting from 0), then clamp.</summary>
    public static void MaxPoolUInt8(ReadOnlySpan<byte> input, Span<byte> output, in Pool2DGeometry geometry, int activationMin, int activationMax)
    {
        Check(geometry, input.Length, output.Length);
        Pool2DGeometry g = geometry;
        int ch = g.Channels;
        if (ch == 0) return;
        for (int b = 0; b < g.Batches; b++)
        for (int oy = 0; oy < g.OutputHeight; oy++)
        for (int ox = 0; ox < g.OutputWidth; ox++)
        {
            Reference.Pooling.Window(g, oy, ox, out int y0, out int y1, out int x0, out int x1);
            Span<byte> o = output.Slice((int)(((long)b * g.OutputHeight + oy) * g.OutputWidth + ox) * ch, ch);
            o.Clear();
            for (int y = y0; y < y1; y++)
            for (int x = x0; x < x1; x++)
                System.Numerics.Tensors.TensorPrimitives.Max(o, input.Slice((int)(((long)b * g.InputHeight + y) * g.InputWidth + x) * ch, ch), o);
            System.Numerics.Tensors.TensorPrimitives.Clamp(o, (byte)Math.Clamp(activationMin, 0, 255), (byte)Math.Clamp(activationMax, 0, 255), o);
        }
    }

    private static void Check(in Pool2DGeometry g, int inputLength, int outputLength)
    {
        if (g.Batches < 0 || g.Channels < 0 || g.FilterHeight <= 0 || g.FilterWidth <= 0 || g.StrideHeight <= 0 || g.StrideWidth <= 0
            || g.OutputHeight < 0 || g.OutputWidth < 0)
            throw new ArgumentException($"Invalid pooling geometry: {g}.");
        Guard.Length(inputLength, g.InputLength, "input");
        Guard.Length(outputLength, g.OutputLength, "output");
    }
}
