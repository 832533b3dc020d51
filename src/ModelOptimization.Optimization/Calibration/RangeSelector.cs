using ModelOptimization.Optimization.Quantization;

namespace ModelOptimization.Optimization.Calibration;

/// <summary>Chooses a tensor's quantization range [min, max] from its <see cref="TensorStatistics"/>.</summary>
public static class RangeSelector
{
    /// <summary>
    /// The range for <paramref name="method"/>. <paramref name="bits"/> and <paramref name="symmetric"/> describe
    /// the target type (8-bit asymmetric activations, 16-bit symmetric): the MSE and entropy searches need them.
    /// The result always lies within the observed [Min, Max].
    /// </summary>
    public static (float Min, float Max) Select(TensorStatistics statistics, CalibrationMethod method, double percentile = 99.99,
        int bits = 8, bool symmetric = false)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var s = statistics;
        if (s.SampleCount == 0) return (0, 0);
        (float lo, float hi) = method switch
        {
            CalibrationMethod.MinMax => (s.Min, s.Max),
            CalibrationMethod.MovingAverage => (s.MovingAverageMin, s.MovingAverageMax),
            CalibrationMethod.Percentile => Percentile(s, percentile),
            CalibrationMethod.Mse => Mse(s, bits, symmetric),
            CalibrationMethod.Entropy => Entropy(s, bits),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
        };
        lo = Math.Clamp(lo, s.Min, s.Max);
        hi = Math.Clamp(hi, s.Min, s.Max);
        if (lo > hi) (lo, hi) = (s.Min, s.Max);
        return (lo, hi);
    }

    private static double Center(TensorStatistics s, int bin) => -s.HistogramRadius + (bin + 0.5) * s.BinWidth;

    private static (float, float) Percentile(TensorStatistics s, double percentile)
    {
        var h = s.HistogramArray;
        long total = 0;
        foreach (long c in h) total += c;
        double tail = total * (100.0 - percentile) / 200.0;
        int lo = 0, hi = h.Length - 1;
        double acc = 0;
        for (; lo < h.Length - 1; lo++)
        {
            acc += h[lo];
            if (acc > tail) break;
        }

        acc = 0;
        for (; hi > 0; hi--)
        {
            acc += h[hi];
            if (acc > tail) break;
        }

        double w = s.BinWidth;
        float min = (float)(-s.HistogramRadius + lo * w), max = (float)(-s.HistogramRadius + (hi + 1) * w);
        // A bin edge may lie beyond the data: keep the observed extreme when the cut falls in the outermost bin.
        return (Math.Max(min, s.Min), Math.Min(max, s.Max));
    }

    private static (float, float) Mse(TensorStatistics s, int bits, bool symmetric)
    {
        var h = s.HistogramArray;
        double best = double.PositiveInfinity;
        (float, float) bestRange = (s.Min, s.Max);
        for (int k = 100; k >= 10; k--)
        {
            double a = k / 100.0;
            float lo = (float)(s.Min * a), hi = (float)(s.Max * a);
            var (scale, zp, qmin, qmax) = symmetric
                ? QuantizationMath.SymmetricActivationParams(lo, hi, bits)
                : QuantizationMath.AsymmetricParamsForBits(lo, hi, bits);
            double err = 0;
            for (int i = 0; i < h.Length; i++)
            {
                if (h[i] == 0) continue;
                double x = Center(s, i);
                double q = Math.Clamp(Math.Round(x / scale) + zp, qmin, qmax);
                double d = x - (q - zp) * scale;
                err += h[i] * d * d;
            }

            if (err < best)
            {
                best = err;
                bestRange = (lo, hi);
            }
        }

        return bestRange;
    }

    private static (float, float) Entropy(TensorStatistics s, int bits)
    {
        // Fold to a histogram of |x| (TensorRT's entropy calibration works on magnitudes).
        var h = s.HistogramArray;
        int half = h.Length / 2;
        var mag = new double[half];
        for (int j = 0; j < half; j++) mag[j] = h[half + j] + h[half - 1 - j];
        int levels = bits <= 8 ? 128 : half;
        int last = half;
        while (last > 0 && mag[last - 1] == 0) last--;
        if (last <= levels) return (s.Min, s.Max);

        double bestKl = double.PositiveInfinity;
        int bestI = last;
        var p = new double[half];
        var q = new double[half];
        var suffix = new double[half + 1];
        for (int j = half - 1; j >= 0; j--) suffix[j] = suffix[j + 1] + mag[j];
        for (int i = levels; i <= last; i++)
        {
            // Reference: the first i bins, with everything beyond folded into the last one.
            double outliers = suffix[i];
            Array.Copy(mag, p, i);
            p[i - 1] += outliers;

            // Candidate: the first i bins merged into `levels` groups, each group's mass spread over its non-empty bins.
            Array.Clear(q, 0, i);
            double perGroup = (double)i / levels;
            for (int g = 0; g < levels; g++)
            {
                int start = (int)Math.Floor(g * perGroup), end = g == levels - 1 ? i : (int)Math.Floor((g + 1) * perGroup);
                double sum = 0;
                int nonZero = 0;
                for (int j = start; j < end; j++)
                {
                    sum += mag[j];
                    if (mag[j] != 0) nonZero++;
                }

                if (nonZero == 0) continue;
                double each = sum / nonZero;
                for (int j = start; j < end; j++) if (mag[j] != 0) q[j] = each;
            }

            // The bin around 0 holds the exact zeros (ReLU outputs, padding), which every range represents exactly:
            // compare the distributions without it, or the spike dominates and favours tiny thresholds.
            q[0] = p[0];
            double kl = Kl(p, q, i, 1);
            if (kl < bestKl)
            {
                bestKl = kl;
                bestI = i;
            }
        }

        float t = (float)((bestI + 0.5) * s.BinWidth);
        return (Math.Max(s.Min, -t), Math.Min(s.Max, t));
    }

    private static double Kl(double[] p, double[] q, int n, int from)
    {
        double ps = 0, qs = 0;
        for (int j = from; j < n; j++)
        {
            ps += p[j];
            qs += q[j];
        }

        if (ps == 0 || qs == 0) return double.PositiveInfinity;
        double kl = 0;
        for (int j = from; j < n; j++)
        {
            if (p[j] == 0) continue;
            double pj = p[j] / ps, qj = q[j] / qs;
            kl += qj == 0 ? pj * 20 : pj * Math.Log(pj / qj); // an empty candidate bin under real mass: a large penalty
        }

        return kl;
    }
}
