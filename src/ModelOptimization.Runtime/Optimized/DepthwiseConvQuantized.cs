using System.Numerics;
using System.Runtime.Intrinsics;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Optimized;

/// <summary>
/// 8-bit depthwise convolution (depth multiplier 1) with XNNPACK's float requantization, vectorized over channels:
/// the input is widened once to int32 minus its zero point, the filter (minus its zero point) in prepare; each
/// output pixel accumulates bias + Σ_taps x·w in int32 lanes, then v = (float)acc · scale[c] is clamped, rounded
/// half to even and offset by the output zero point. Equal bit for bit to
/// <see cref="ReferenceKernels.DepthwiseConvQuantized{TIn, TW, TOut, TR}"/> with a <see cref="FloatRequantizer"/>.
/// </summary>
internal sealed class DepthwiseConvQuantized
{
    private readonly int[] _filter;
    private readonly int[] _bias;
    private readonly float[] _scales;
    private int[] _input = [];

    private DepthwiseConvQuantized(int[] filter, int[] bias, float[] scales)
    {
        _filter = filter;
        _bias = bias;
        _scales = scales;
    }

    public long SizeInBytes => (_filter.LongLength + _bias.LongLength + _input.LongLength) * 4 + _scales.LongLength * 4;

    /// <summary>Widens the filter [1, H, W, C] minus its zero point; bias may be empty.</summary>
    public static DepthwiseConvQuantized Create<TW>(ReadOnlySpan<TW> filter, int filterZeroPoint, ReadOnlySpan<int> bias, float[] scales, int channels)
        where TW : unmanaged, IBinaryInteger<TW>
    {
        var f = new int[filter.Length];
        for (int i = 0; i < f.Length; i++) f[i] = int.CreateTruncating(filter[i]) - filterZeroPoint;
        var b = bias.IsEmpty ? new int[channels] : bias.ToArray();
        return new DepthwiseConvQuantized(f, b, scales);
    }

    public unsafe void Run<TIn, TOut>(ConvGeometry g, ReadOnlySpan<TIn> input, int inputZeroPoint, Span<TOut> output, int zeroPoint, int min, int max, int threads)
        where TIn : unmanaged, IBinaryInteger<TIn>
        where TOut : unmanaged, IBinaryInteger<TOut>
    {
        if (_input.Length < input.Length) _input = new int[input.Length];
        for (int i = 0; i < input.Length; i++) _input[i] = int.CreateTruncating(input[i]) - inputZeroPoint;
        fixed (int* pIn = _input)
        fixed (int* pW = _filter)
        fixed (int* pB = _bias)
        fixed (float* pS = _scales)
        fixed (TOut* pOut = output)
        {
            nint a = (nint)pIn, w = (nint)pW, b = (nint)pB, s = (nint)pS, o = (nint)pOut;
            ParallelWork.For(threads, g.Batches * g.OutputHeight, (long)g.OutputWidth * g.OutputDepth * g.FilterHeight * g.FilterWidth,
                (start, end, _) => Rows(g, (int*)a, (int*)w, (int*)b, (float*)s, (TOut*)o, zeroPoint, min, max, start, end));
        }
    }

    private static unsafe void Rows<TOut>(ConvGeometry g, int* input, int* filter, int* bias, float* scales, TOut* output,
        int zeroPoint, int min, int max, int rowStart, int rowEnd)
        where TOut : unmanaged, IBinaryInteger<TOut>
    {
        int c = g.OutputDepth;
        int* acc = stackalloc int[c];
        float lo = min - zeroPoint, hi = max - zeroPoint;
        for (int row = rowStart; row < rowEnd; row++)
        {
            int b = row / g.OutputHeight, oy = row % g.OutputHeight;
            for (int ox = 0; ox < g.OutputWidth; ox++)
            {
                new Span<int>(bias, c).CopyTo(new Span<int>(acc, c));
                int inX0 = ox * g.StrideWidth - g.PadLeft, inY0 = oy * g.StrideHeight - g.PadTop;
                for (int ky = 0; ky < g.FilterHeight; ky++)
                {
                    int iy = inY0 + g.DilationHeight * ky;
                    if ((uint)iy >= (uint)g.InputHeight) continue;
                    for (int kx = 0; kx < g.FilterWidth; kx++)
                    {
                        int ix = inX0 + g.DilationWidth * kx;
                        if ((uint)ix >= (uint)g.InputWidth) continue;
                        int* px = input + (long)((b * g.InputHeight + iy) * g.InputWidth + ix) * c;
                        int* f = filter + (ky * g.FilterWidth + kx) * c;
                        int k = 0;
                        for (; k <= c - 8; k += 8)
                        {
                            (Vector256.Load(acc + k) + Vector256.Load(px + k) * Vector256.Load(f + k)).Store(acc + k);
                        }

                        for (; k < c; k++) acc[k] += px[k] * f[k];
                    }
                }

                TOut* dst = output + (long)((b * g.OutputHeight + oy) * g.OutputWidth + ox) * c;
                int j = 0;
                var vlo = Vector256.Create(lo);
                var vhi = Vector256.Create(hi);
                var vzp = Vector256.Create(zeroPoint);
                int* tmp = stackalloc int[8];
                for (; j <= c - 8; j += 8)
                {
                    var v = Vector256.ConvertToSingle(Vector256.Load(acc + j)) * Vector256.Load(scales + j);
                    v = Vector256.Min(Vector256.Max(v, vlo), vhi);
                    (Vector256.ConvertToInt32(Vector256.Round(v)) + vzp).Store(tmp);
                    for (int t = 0; t < 8; t++) dst[j + t] = TOut.CreateTruncating(tmp[t]);
                }

                for (; j < c; j++)
                {
                    float v = acc[j] * scales[j];
                    v = Math.Min(Math.Max(v, lo), hi);
                    dst[j] = TOut.CreateTruncating((int)MathF.Round(v) + zeroPoint);
                }
            }
        }
    }
}
