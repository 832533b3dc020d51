using System.Numerics;
using System.Runtime.InteropServices;

namespace ModelOptimization.Optimization.Debugging;

/// <summary>
/// Sums the per-sample error statistics of one tensor pair over samples (see <see cref="LayerErrorRecord"/> for the
/// definitions). One fused, vectorized pass per sample accumulates Σf², Σ(q−f)², Σfq, Σq², Σ(q−f) in double and
/// max|q−f| in float.
/// </summary>
internal sealed class ErrorAccumulator
{
    /// <summary>SQNR reported for exact agreement (and the magnitude of the floor for a zero reference).</summary>
    public const double SqnrCapDb = 200;

    private double _mse, _mean, _std, _sqnr, _cos, _max;

    public int Samples { get; private set; }

    public long NumElements { get; private set; }

    public double MeanSquaredError => Samples == 0 ? double.NaN : _mse / Samples;

    public double MeanError => Samples == 0 ? double.NaN : _mean / Samples;

    public double StdDev => Samples == 0 ? double.NaN : _std / Samples;

    public double SqnrDb => Samples == 0 ? double.NaN : _sqnr / Samples;

    public double CosineSimilarity => Samples == 0 ? double.NaN : _cos / Samples;

    public double MaxAbsError => Samples == 0 ? double.NaN : _max;

    /// <summary>Adds one sample: <paramref name="reference"/> = f, <paramref name="quantized"/> = q (same length).</summary>
    public void Add(ReadOnlySpan<float> reference, ReadOnlySpan<float> quantized)
    {
        if (reference.Length != quantized.Length)
            throw new InvalidOperationException($"Compared tensors differ in size: {reference.Length} vs {quantized.Length} elements.");
        var s = Sums.Of(reference, quantized);
        int n = reference.Length;
        NumElements = n;
        double mse = n == 0 ? 0 : s.Dd / n, mean = n == 0 ? 0 : s.D / n;
        _mse += mse;
        _mean += mean;
        _std += Math.Sqrt(Math.Max(0, mse - mean * mean));
        _sqnr += Sqnr(s.Ff, s.Dd);
        _cos += Cosine(s.Fq, s.Ff, s.Qq);
        _max = Math.Max(_max, s.MaxAbs);
        Samples++;
    }

    /// <summary>10·log10(signal / noise) clamped to ±<see cref="SqnrCapDb"/>; +cap when there is no noise.</summary>
    public static double Sqnr(double signal, double noise)
    {
        if (noise <= 0) return SqnrCapDb;
        if (signal <= 0) return -SqnrCapDb;
        return Math.Clamp(10 * Math.Log10(signal / noise), -SqnrCapDb, SqnrCapDb);
    }

    /// <summary>Σfq / √(Σf²Σq²); 1 when both are zero, 0 when one is.</summary>
    public static double Cosine(double fq, double ff, double qq)
    {
        if (ff == 0 && qq == 0) return 1;
        if (ff == 0 || qq == 0) return 0;
        return fq / Math.Sqrt(ff * qq);
    }

    /// <summary>The raw sums of one sample.</summary>
    internal readonly record struct Sums(double Ff, double Dd, double Fq, double Qq, double D, double MaxAbs)
    {
        /// <summary>Vectorized: floats widened to double lanes; the tail and non-accelerated hardware use <see cref="Reference"/>.</summary>
        public static Sums Of(ReadOnlySpan<float> f, ReadOnlySpan<float> q)
        {
            int n = f.Length, i = 0;
            double ff = 0, dd = 0, fq = 0, qq = 0, d = 0;
            float max = 0;
            if (Vector.IsHardwareAccelerated && n >= Vector<float>.Count)
            {
                var vf = MemoryMarshal.Cast<float, Vector<float>>(f);
                var vq = MemoryMarshal.Cast<float, Vector<float>>(q);
                Vector<double> aff = default, add = default, afq = default, aqq = default, ad = default;
                Vector<float> amax = default;
                for (int k = 0; k < vf.Length; k++)
                {
                    var x = vf[k];
                    var y = vq[k];
                    amax = Vector.Max(amax, Vector.Abs(y - x));
                    Vector.Widen(x, out var x0, out var x1);
                    Vector.Widen(y, out var y0, out var y1);
                    var d0 = y0 - x0;
                    var d1 = y1 - x1;
                    aff += x0 * x0 + x1 * x1;
                    add += d0 * d0 + d1 * d1;
                    afq += x0 * y0 + x1 * y1;
                    aqq += y0 * y0 + y1 * y1;
                    ad += d0 + d1;
                }

                ff = Vector.Sum(aff);
                dd = Vector.Sum(add);
                fq = Vector.Sum(afq);
                qq = Vector.Sum(aqq);
                d = Vector.Sum(ad);
                for (int l = 0; l < Vector<float>.Count; l++) max = Math.Max(max, amax[l]);
                i = vf.Length * Vector<float>.Count;
            }

            var tail = Reference(f[i..], q[i..]);
            return new Sums(ff + tail.Ff, dd + tail.Dd, fq + tail.Fq, qq + tail.Qq, d + tail.D, Math.Max(max, tail.MaxAbs));
        }

        /// <summary>The scalar definition.</summary>
        public static Sums Reference(ReadOnlySpan<float> f, ReadOnlySpan<float> q)
        {
            double ff = 0, dd = 0, fq = 0, qq = 0, d = 0, max = 0;
            for (int i = 0; i < f.Length; i++)
            {
                double x = f[i], y = q[i], e = y - x;
                ff += x * x;
                dd += e * e;
                fq += x * y;
                qq += y * y;
                d += e;
                max = Math.Max(max, Math.Abs(e));
            }

            return new Sums(ff, dd, fq, qq, d, max);
        }
    }
}
