using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ModelOptimization.Optimization.Quantization.Codecs;

/// <summary>
/// The weight-encoding kernels of the quantizer: per-channel magnitude, symmetric quantization, float16/bfloat16
/// conversion, int4 packing. A weight tensor is seen as [outer, channels, inner] around its channel axis (axis 0:
/// outer = 1; last axis: inner = 1). Vector loops (System.Numerics.Vector&lt;T&gt;) with a scalar tail; large
/// tensors are split over threads by whole channels or rows, so results never depend on the thread count.
/// </summary>
internal static class WeightEncoder
{
    /// <summary>Work below this many elements stays on one thread.</summary>
    private const long ParallelThreshold = 1 << 20;

    /// <summary>
    /// absMax[c] = max |data[o, c, i]| over o and i. NaN propagates (callers reject non-finite weights first).
    /// </summary>
    public static void AbsMaxPerChannel(ReadOnlySpan<float> data, int outer, int channels, int inner, Span<float> absMax)
    {
        if (inner == 1)
        {
            absMax[..channels].Clear();
            for (int o = 0; o < outer; o++) TensorPrimitives.MaxMagnitude(absMax[..channels], data.Slice(o * channels, channels), absMax[..channels]);
            TensorPrimitives.Abs(absMax[..channels], absMax[..channels]);
            return;
        }

        for (int c = 0; c < channels; c++)
        {
            float m = 0;
            for (int o = 0; o < outer; o++)
            {
                var row = data.Slice((o * channels + c) * inner, inner);
                m = Math.Max(m, Math.Abs(TensorPrimitives.MaxMagnitude(row)));
            }

            absMax[c] = m;
        }
    }

    /// <summary>Parallel version of <see cref="AbsMaxPerChannel"/> for large channel-contiguous tensors (outer = 1).</summary>
    public static void AbsMaxPerChannelParallel(ReadOnlyMemory<float> data, int outer, int channels, int inner, float[] absMax)
    {
        long n = (long)outer * channels * inner;
        if (n < ParallelThreshold || outer != 1 || Environment.ProcessorCount == 1)
        {
            AbsMaxPerChannel(data.Span, outer, channels, inner, absMax);
            return;
        }

        Parallel.ForEach(Partition(channels), range =>
        {
            var span = data.Span;
            for (int c = range.Start; c < range.End; c++) absMax[c] = Math.Abs(TensorPrimitives.MaxMagnitude(span.Slice(c * inner, inner)));
        });
    }

    /// <summary>
    /// dst = clamp(roundAway(data · invScale[c]), −qmax, qmax) (TFLite's symmetric weight quantization: round half
    /// away from zero). <paramref name="invScale"/> has one entry per channel.
    /// </summary>
    public static void QuantizeSymmetric(ReadOnlyMemory<float> data, int outer, int channels, int inner, float[] invScale, int qmax,
        Memory<sbyte> dst)
    {
        long n = (long)outer * channels * inner;
        if (inner >= Vector<float>.Count && outer == 1 && n >= ParallelThreshold && Environment.ProcessorCount > 1)
        {
            Parallel.ForEach(Partition(channels), range =>
            {
                var src = data.Span;
                var d = dst.Span;
                for (int c = range.Start; c < range.End; c++)
                    QuantizeRow(src.Slice(c * inner, inner), invScale[c], qmax, d.Slice(c * inner, inner));
            });
            return;
        }

        var s = data.Span;
        var o2 = dst.Span;
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
                QuantizeRowPerElement(s.Slice(o * channels, channels), invScale, qmax, o2.Slice(o * channels, channels));
            return;
        }

        for (int o = 0; o < outer; o++)
        {
            for (int c = 0; c < channels; c++)
            {
                int off = (o * channels + c) * inner;
                QuantizeRow(s.Slice(off, inner), invScale[c], qmax, o2.Slice(off, inner));
            }
        }
    }

    /// <summary>
    /// Per-row symmetric quantization in one pass over memory: for each row of <paramref name="cols"/> values, its
    /// largest magnitude m gives scale = max(m, minRange) / qmax (written to <paramref name="scales"/>), and the row,
    /// still in cache, is quantized with it (round half away from zero, clamp to ±qmax). Returns false — with
    /// undefined output — when a row holds NaN or infinity.
    /// </summary>
    public static bool QuantizeRowsSymmetric(ReadOnlyMemory<float> data, int rows, int cols, int qmax, float minRange, float[] scales, Memory<sbyte> dst)
    {
        int bad = 0;
        ForRanges(rows, (long)rows * cols, (r0, r1) =>
        {
            var src = data.Span;
            var d = dst.Span;
            for (int r = r0; r < r1; r++)
            {
                var row = src.Slice(r * cols, cols);
                float m = cols == 0 ? 0 : Math.Abs(TensorPrimitives.MaxMagnitude(row));
                if (!float.IsFinite(m))
                {
                    Interlocked.Exchange(ref bad, 1);
                    return;
                }

                float scale = Math.Max(m, minRange) / qmax;
                scales[r] = scale;
                QuantizeRow(row, 1f / scale, qmax, d.Slice(r * cols, cols));
            }
        });
        return bad == 0;
    }

    /// <summary>One row with one scale: the vector loop (round half away from zero, clamp, narrow) and a scalar tail.</summary>
    public static void QuantizeRow(ReadOnlySpan<float> src, float invScale, int qmax, Span<sbyte> dst)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && src.Length >= 4 * Vector<float>.Count)
        {
            int w = Vector<float>.Count;
            var vs = new Vector<float>(invScale);
            var hi = new Vector<float>(qmax);
            var lo = new Vector<float>(-qmax);
            ref float s0 = ref MemoryMarshal.GetReference(src);
            ref sbyte d0 = ref MemoryMarshal.GetReference(dst);
            for (; i <= src.Length - 4 * w; i += 4 * w)
            {
                var a = RoundAwayClamp(Vector.LoadUnsafe(ref s0, (nuint)i) * vs, lo, hi);
                var b = RoundAwayClamp(Vector.LoadUnsafe(ref s0, (nuint)(i + w)) * vs, lo, hi);
                var c = RoundAwayClamp(Vector.LoadUnsafe(ref s0, (nuint)(i + 2 * w)) * vs, lo, hi);
                var d = RoundAwayClamp(Vector.LoadUnsafe(ref s0, (nuint)(i + 3 * w)) * vs, lo, hi);
                var ab = Vector.Narrow(Vector.ConvertToInt32(a), Vector.ConvertToInt32(b));
                var cd = Vector.Narrow(Vector.ConvertToInt32(c), Vector.ConvertToInt32(d));
                Vector.Narrow(ab, cd).StoreUnsafe(ref d0, (nuint)i);
            }
        }

        for (; i < src.Length; i++) dst[i] = (sbyte)Math.Clamp(MathF.Round(src[i] * invScale, MidpointRounding.AwayFromZero), -qmax, qmax);
    }

    /// <summary>One row of channels (inner = 1): element c uses invScale[c].</summary>
    private static void QuantizeRowPerElement(ReadOnlySpan<float> src, ReadOnlySpan<float> invScale, int qmax, Span<sbyte> dst)
    {
        for (int c = 0; c < src.Length; c++)
            dst[c] = (sbyte)Math.Clamp(MathF.Round(src[c] * invScale[c], MidpointRounding.AwayFromZero), -qmax, qmax);
    }

    /// <summary>
    /// Round half away from zero, exactly: with t = trunc(x) and f = x − t (both exact), trunc(2f) is −1, 0 or 1
    /// (2f is exact since |f| &lt; 1), so t + trunc(2f) = round(x) — no compare-and-select, and no error just below
    /// one half (where x + 0.5 would round up).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> RoundAway(Vector<float> x)
    {
        var t = Vector.Truncate(x);
        var f = x - t;
        return t + Vector.Truncate(f + f);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> RoundAwayClamp(Vector<float> x, Vector<float> lo, Vector<float> hi)
        => Vector.Min(Vector.Max(RoundAway(x), lo), hi);

    /// <summary>IEEE half precision, round to nearest even (TensorPrimitives).</summary>
    public static void ToFloat16(ReadOnlySpan<float> src, Span<byte> dst)
        => TensorPrimitives.ConvertToHalf(src, MemoryMarshal.Cast<byte, Half>(dst));

    /// <summary>Parallel <see cref="ToFloat16(ReadOnlySpan{float}, Span{byte})"/> for large tensors.</summary>
    public static void ToFloat16Parallel(ReadOnlyMemory<float> src, Memory<byte> dst)
    {
        if (src.Length < ParallelThreshold || Environment.ProcessorCount == 1)
        {
            ToFloat16(src.Span, dst.Span);
            return;
        }

        Parallel.ForEach(Partition(src.Length), r => ToFloat16(src.Span[r.Start..r.End], dst.Span[(2 * r.Start)..(2 * r.End)]));
    }

    /// <summary>bfloat16 (the high half of the float's bits), round to nearest even; NaN stays a quiet NaN.</summary>
    public static void ToBFloat16(ReadOnlySpan<float> src, Span<byte> dst)
    {
        var bits = MemoryMarshal.Cast<float, uint>(src);
        var o = MemoryMarshal.Cast<byte, ushort>(dst);
        int i = 0;
        if (Vector.IsHardwareAccelerated && bits.Length >= 2 * Vector<uint>.Count)
        {
            int w = Vector<uint>.Count;
            var bias = new Vector<uint>(0x7FFF);
            var one = Vector<uint>.One;
            var qnan = new Vector<uint>(0x7FC00000);
            for (; i <= bits.Length - 2 * w; i += 2 * w)
            {
                var a = Round(new Vector<uint>(bits.Slice(i, w)), new Vector<float>(src.Slice(i, w)));
                var b = Round(new Vector<uint>(bits.Slice(i + w, w)), new Vector<float>(src.Slice(i + w, w)));
                Vector.Narrow(a, b).CopyTo(o.Slice(i, 2 * w));
            }

            Vector<uint> Round(Vector<uint> u, Vector<float> f)
            {
                var rounded = Vector.ShiftRightLogical(u + bias + (Vector.ShiftRightLogical(u, 16) & one), 16);
                var isNan = Vector.AsVectorUInt32(~Vector.Equals(f, f));
                return Vector.ConditionalSelect(isNan, Vector.ShiftRightLogical(qnan, 16), rounded);
            }
        }

        for (; i < bits.Length; i++) o[i] = ToBFloat16(src[i]);
    }

    /// <summary>One float to bfloat16 bits, round to nearest even.</summary>
    public static ushort ToBFloat16(float value)
    {
        if (float.IsNaN(value)) return 0x7FC0;
        uint u = BitConverter.SingleToUInt32Bits(value);
        return (ushort)((u + 0x7FFF + ((u >> 16) & 1)) >> 16);
    }

    /// <summary>bfloat16 bits back to float.</summary>
    public static float FromBFloat16(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);

    /// <summary>
    /// Packs signed 4-bit values two per byte, the even element in the low nibble (TFLite INT4 / AI Edge Quantizer);
    /// an odd count leaves the last high nibble 0.
    /// </summary>
    public static void PackInt4(ReadOnlySpan<sbyte> values, Span<byte> packed)
    {
        int pairs = values.Length / 2;
        int start = 0;
        if (Vector.IsHardwareAccelerated && pairs >= Vector<ushort>.Count * 2)
        {
            // Each ushort holds one pair (even value in the low byte): (s & 0x0F) | ((s >> 4) & 0xF0) is the packed byte.
            var words = MemoryMarshal.Cast<sbyte, ushort>(values[..(2 * pairs)]);
            int w = Vector<ushort>.Count;
            var lo = new Vector<ushort>(0x000F);
            var hi = new Vector<ushort>(0x00F0);
            for (; start <= words.Length - 2 * w; start += 2 * w)
            {
                var a = new Vector<ushort>(words.Slice(start, w));
                var b = new Vector<ushort>(words.Slice(start + w, w));
                var pa = (a & lo) | (Vector.ShiftRightLogical(a, 4) & hi);
                var pb = (b & lo) | (Vector.ShiftRightLogical(b, 4) & hi);
                Vector.Narrow(pa, pb).CopyTo(packed.Slice(start, 2 * w));
            }
        }

        for (int i = start; i < pairs; i++) packed[i] = (byte)((values[2 * i] & 0x0F) | ((values[2 * i + 1] & 0x0F) << 4));
        if ((values.Length & 1) != 0) packed[pairs] = (byte)(values[^1] & 0x0F);
    }

    /// <summary>Unpacks <see cref="PackInt4"/> output (sign-extending each nibble).</summary>
    public static void UnpackInt4(ReadOnlySpan<byte> packed, Span<sbyte> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            int nibble = (i & 1) == 0 ? packed[i >> 1] & 0x0F : packed[i >> 1] >> 4;
            values[i] = (sbyte)((nibble ^ 8) - 8);
        }
    }

    /// <summary>Round half to even (numpy's rint, used by AI Edge Quantizer for low-bit weights), clamped.</summary>
    public static void QuantizeRowEven(ReadOnlySpan<float> src, float invScale, int qmin, int qmax, Span<sbyte> dst)
    {
        int start = 0;
        if (Vector.IsHardwareAccelerated && src.Length >= 4 * Vector<float>.Count)
        {
            int w = Vector<float>.Count;
            var vs = new Vector<float>(invScale);
            var lo = new Vector<float>(qmin);
            var hi = new Vector<float>(qmax);
            for (; start <= src.Length - 4 * w; start += 4 * w)
            {
                var a = Vector.ConvertToInt32(Vector.Min(Vector.Max(Vector.Round(new Vector<float>(src.Slice(start, w)) * vs), lo), hi));
                var b = Vector.ConvertToInt32(Vector.Min(Vector.Max(Vector.Round(new Vector<float>(src.Slice(start + w, w)) * vs), lo), hi));
                var c = Vector.ConvertToInt32(Vector.Min(Vector.Max(Vector.Round(new Vector<float>(src.Slice(start + 2 * w, w)) * vs), lo), hi));
                var d = Vector.ConvertToInt32(Vector.Min(Vector.Max(Vector.Round(new Vector<float>(src.Slice(start + 3 * w, w)) * vs), lo), hi));
                Vector.Narrow(Vector.Narrow(a, b), Vector.Narrow(c, d)).CopyTo(dst.Slice(start, 4 * w));
            }
        }

        for (int i = start; i < src.Length; i++) dst[i] = (sbyte)Math.Clamp(MathF.Round(src[i] * invScale, MidpointRounding.ToEven), qmin, qmax);
    }

    /// <summary>
    /// Runs <paramref name="body"/>(start, end) over [0, <paramref name="count"/>): on one thread for small work,
    /// else one contiguous range per processor. Each index is handled by exactly one call, so results never depend
    /// on the thread count.
    /// </summary>
    public static void ForRanges(int count, long totalWork, Action<int, int> body)
    {
        if (totalWork < ParallelThreshold || Environment.ProcessorCount == 1 || count < 2)
        {
            body(0, count);
            return;
        }

        Parallel.ForEach(Partition(count), r => body(r.Start, r.End));
    }

    /// <summary>Parallel <see cref="PackInt4"/> (ranges of whole bytes).</summary>
    public static void PackInt4Parallel(ReadOnlyMemory<sbyte> values, Memory<byte> packed)
    {
        int pairs = values.Length / 2;
        ForRanges(pairs, values.Length, (a, b) => PackInt4(values.Span[(2 * a)..(2 * b)], packed.Span[a..b]));
        if ((values.Length & 1) != 0) packed.Span[pairs] = (byte)(values.Span[^1] & 0x0F);
    }

    /// <summary>Splits [0, count) into one contiguous range per processor (at least 1 element each).</summary>
    private static IEnumerable<(int Start, int End)> Partition(int count)
    {
        int parts = Math.Max(1, Math.Min(Environment.ProcessorCount, count));
        for (int p = 0; p < parts; p++)
        {
            int start = (int)((long)count * p / parts), end = (int)((long)count * (p + 1) / parts);
            if (end > start) yield return (start, end);
        }
    }
}
