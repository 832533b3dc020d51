namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// Functions .NET does not provide, computed in double so that their float results are (almost always) the
/// correctly rounded values C's erfcf/expm1f give: erfc (series below |x| = 2, continued fraction beyond) and expm1.
/// </summary>
internal static class SpecialFunctions
{
    public static float Erfc(float x) => (float)Erfc((double)x);

    public static double Erfc(double x)
    {
        if (double.IsNaN(x)) return double.NaN;
        if (x < 0) return 2 - Erfc(-x);
        if (x < 2) return 1 - Erf(x);
        if (x > 27) return 0;
        // Lentz's continued fraction: erfc(x) = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))).
        const double tiny = 1e-300;
        double f = x, c = x, d = 0;
        for (int n = 1; n < 500; n++)
        {
            double a = n / 2.0;
            d = x + a * d;
            d = Math.Abs(d) < tiny ? tiny : d;
            c = x + a / c;
            c = Math.Abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.Abs(delta - 1) < 1e-16) break;
        }

        return Math.Exp(-x * x) / (Math.Sqrt(Math.PI) * f);
    }

    /// <summary>erf by its Maclaurin series (|x| &lt; 2: under 2e-15 absolute error).</summary>
    public static double Erf(double x)
    {
        double x2 = x * x, term = x, sum = x;
        for (int n = 1; n < 200; n++)
        {
            term *= -x2 / n;
            double t = term / (2 * n + 1);
            sum += t;
            if (Math.Abs(t) < 1e-17 * Math.Abs(sum)) break;
        }

        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    public static float ExpM1(float x)
    {
        double d = x;
        if (Math.Abs(d) < 1e-5) return (float)(d + d * d / 2 + d * d * d / 6);
        return (float)(Math.Exp(d) - 1);
    }
}
