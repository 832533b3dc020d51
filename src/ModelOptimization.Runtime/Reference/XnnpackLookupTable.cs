using ModelOptimization.Core.Graph;

namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// The 256-entry table XNNPACK builds for an 8-bit unary operator it has no dedicated kernel for (sigmoid, tanh,
/// ELU, ...): its reference kernel run on every input byte — x = (q − zp)·scale, y = f(x), then
/// nearbyint(y · (1/out_scale) + out_zp) (ties to even, NaN → 0) clamped to the type.
/// </summary>
internal static class XnnpackLookupTable
{
    public static byte[] Build8(TensorType type, float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint, Func<float, float> f)
    {
        var (min, max) = IntegerArithmetic.Range(type);
        float inverse = 1f / outputScale;
        var table = new byte[256];
        for (int q = min; q <= max; q++)
        {
            float x = ((float)q - inputZeroPoint) * inputScale;
            float v = f(x) * inverse + outputZeroPoint;
            v = float.IsNaN(v) ? 0f : MathF.Round(v, MidpointRounding.ToEven);
            v = Math.Min(Math.Max(v, min), max);
            table[(byte)q] = (byte)(int)v;
        }

        return table;
    }

    /// <summary>XNNPACK's reference sigmoid: e/(1+e) with e = exp(x) in double (saturated beyond ±100).</summary>
    public static float Sigmoid(float x)
    {
        if (x > 100) return 1f;
        if (x < -100) return 0f;
        double e = Math.Exp(x);
        return (float)(e / (1 + e));
    }
}
