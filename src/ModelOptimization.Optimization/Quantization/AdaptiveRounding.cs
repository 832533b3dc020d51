using System.Numerics.Tensors;

namespace ModelOptimization.Optimization.Quantization;

/// <summary>
/// GPTQ / OBQ rounding (Frantar et al., "GPTQ", 2022; "Optimal Brain Compression", 2022) with fixed scales: a weight
/// row w is rounded column by column; after column i the error (w_i − ŵ_i) / U_ii is subtracted, times U_i,j, from
/// every later column j, where U is the upper Cholesky factor of (H + λI)⁻¹ and H = Σ x xᵀ over the layer's inputs.
/// This greedily minimises (w − ŵ)ᵀ H (w − ŵ) = ‖(w − ŵ) X‖². Columns are taken in order of descending diag H
/// ("act order"). Rows are independent, so the result does not depend on the thread count.
/// </summary>
internal sealed class AdaptiveRounding
{
    /// <summary>Damping λ as a share of mean(diag H) (GPTQ's percdamp).</summary>
    public const double Damping = 0.01;

    private readonly int _n;
    private readonly int[] _order;
    private readonly double[] _u; // upper Cholesky factor of the damped inverse, in column order _order

    private AdaptiveRounding(int n, int[] order, double[] u)
    {
        _n = n;
        _order = order;
        _u = u;
    }

    /// <summary>Plain nearest rounding of n columns (U = I: no error is carried).</summary>
    public static AdaptiveRounding Identity(int n)
    {
        var u = new double[n * n];
        for (int i = 0; i < n; i++) u[i * n + i] = 1;
        return new AdaptiveRounding(n, Enumerable.Range(0, n).ToArray(), u);
    }

    /// <summary>Columns.</summary>
    public int Columns => _n;

    /// <summary>
    /// Prepares rounding for the symmetric <paramref name="hessian"/> (n×n row-major); null when it is not usable
    /// (not finite, or not positive definite even after more damping).
    /// </summary>
    public static AdaptiveRounding? Create(ReadOnlySpan<double> hessian, int n, bool actOrder = true)
    {
        if (n <= 0 || hessian.Length != n * n) return null;
        var diag = new double[n];
        double mean = 0;
        for (int i = 0; i < n; i++)
        {
            diag[i] = hessian[i * n + i];
            if (!double.IsFinite(diag[i])) return null;
            mean += diag[i];
        }

        mean /= n;
        if (!(mean > 0)) return null;
        int[] order = Enumerable.Range(0, n).ToArray();
        // Stable: equal diagonals keep their index order.
        if (actOrder) order = order.OrderByDescending(i => diag[i]).ThenBy(i => i).ToArray();

        // Reversed, permuted H: R[a, b] = H[p[n−1−a], p[n−1−b]]. With R = L Lᵀ (lower L), the permuted H is M Mᵀ
        // with M = J L J upper triangular, so (permuted H)⁻¹ = (M⁻¹)ᵀ M⁻¹ and U = M⁻¹ = J L⁻¹ J.
        for (double damp = Damping; damp <= 1e3 * Damping; damp *= 10)
        {
            var r = new double[n * n];
            for (int a = 0; a < n; a++)
            {
                int pa = order[n - 1 - a];
                for (int b = 0; b < n; b++)
                {
                    int pb = order[n - 1 - b];
                    double v = hessian[pa * n + pb];
                    if (pa == pb) v = (diag[pa] == 0 ? 1 : v) + damp * mean; // a dead input: any value, no coupling
                    r[a * n + b] = v;
                }
            }

            if (!CholeskyLower(r, n)) continue;
            var inv = InvertLower(r, n); // column-major lower inverse: inv[j * n + i] = (L⁻¹)[i, j]
            var u = new double[n * n];
            for (int i = 0; i < n; i++)
            {
                for (int j = i; j < n; j++) u[i * n + j] = inv[(n - 1 - j) * n + (n - 1 - i)]; // U[i,j] = (L⁻¹)[n−1−i, n−1−j]
            }

            return new AdaptiveRounding(n, order, u);
        }

        return null;
    }

    /// <summary>
    /// Rounds <paramref name="row"/> (n weights, in column order) at <paramref name="scale"/> into
    /// <paramref name="result"/>[i · <paramref name="stride"/>], clamped to [qmin, qmax].
    /// </summary>
    public void RoundRow(ReadOnlySpan<float> row, int rowStride, float scale, int qmin, int qmax, Span<sbyte> result, int stride)
    {
        int n = _n;
        var w = new double[n];
        for (int i = 0; i < n; i++) w[i] = row[_order[i] * rowStride];
        double s = scale, inv = 1.0 / scale;
        for (int i = 0; i < n; i++)
        {
            double q = Math.Clamp(Math.Round(w[i] * inv, MidpointRounding.ToEven), qmin, qmax);
            result[_order[i] * stride] = (sbyte)q;
            double err = (w[i] - q * s) / _u[i * n + i];
            if (i + 1 < n && err != 0)
            {
                // w[i+1..] −= err · U[i, i+1..]
                TensorPrimitives.MultiplyAdd(_u.AsSpan(i * n + i + 1, n - i - 1), -err, w.AsSpan(i + 1), w.AsSpan(i + 1));
            }
        }
    }

    /// <summary>In place: the lower Cholesky factor of a symmetric positive definite matrix (upper part left as is); false if not positive definite.</summary>
    internal static bool CholeskyLower(double[] a, int n)
    {
        for (int j = 0; j < n; j++)
        {
            var rowJ = a.AsSpan(j * n, j);
            double d = a[j * n + j] - TensorPrimitives.Dot(rowJ, rowJ);
            if (!(d > 0) || !double.IsFinite(d)) return false;
            double l = Math.Sqrt(d);
            a[j * n + j] = l;
            for (int i = j + 1; i < n; i++)
            {
                a[i * n + j] = (a[i * n + j] - TensorPrimitives.Dot(a.AsSpan(i * n, j), rowJ)) / l;
            }
        }

        return true;
    }

    /// <summary>The inverse of the lower triangle of <paramref name="l"/>, column-major (entry (i, j) at [j · n + i]).</summary>
    private static double[] InvertLower(double[] l, int n)
    {
        var x = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            var col = x.AsSpan(j * n, n);
            col[j] = 1 / l[j * n + j];
            for (int i = j + 1; i < n; i++)
            {
                col[i] = -TensorPrimitives.Dot(l.AsSpan(i * n + j, i - j), col.Slice(j, i - j)) / l[i * n + i];
            }
        }

        return x;
    }
}
