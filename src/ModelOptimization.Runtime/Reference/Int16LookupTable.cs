namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// TFLite's int16 lookup tables (LUTPopulateInt16 / LUTLookup): 512 segments over the input range plus one end
/// entry; the high 9 bits of the input pick the segment and the low 7 bits interpolate. Built in float (the
/// default) or double (softmax's tables, kept in double by TFLite for compatibility).
/// </summary>
internal static class Int16LookupTable
{
    public const int Size = 513;

    public static short[] Build(float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint, Func<float, float> f)
    {
        float inputMin = inputScale * (short.MinValue - inputZeroPoint);
        float inputMax = inputScale * (short.MaxValue - inputZeroPoint);
        float outputMin = outputScale * (short.MinValue - outputZeroPoint);
        float outputMax = outputScale * (short.MaxValue - outputZeroPoint);
        const int steps = 512;
        float step = (inputMax - inputMin) / steps;
        float halfStep = step / 2;
        float scalingInverse = 65536f / (outputMax - outputMin);
        var lut = new short[Size];
        for (int i = 0; i < steps; i++)
        {
            float val = f(inputMin + i * step);
            float valMidpoint = f(inputMin + i * step + halfStep);
            float valNext = f(inputMin + (i + 1) * step);
            float sample = RoundF(val * scalingInverse);
            float midpointInterpolated = RoundF((valNext * scalingInverse + RoundF(val * scalingInverse)) / 2);
            float midpoint = RoundF(valMidpoint * scalingInverse);
            float bias = RoundF((midpointInterpolated - midpoint) / 2);
            lut[i] = (short)Math.Min(Math.Max(sample - bias, short.MinValue), short.MaxValue);
        }

        lut[steps] = (short)Math.Min(Math.Max(RoundF(f(inputMax) * scalingInverse), short.MinValue), short.MaxValue);
        return lut;
    }

    public static short[] BuildDouble(double inputScale, int inputZeroPoint, double outputScale, int outputZeroPoint, Func<double, double> f)
    {
        double inputMin = inputScale * (short.MinValue - inputZeroPoint);
        double inputMax = inputScale * (short.MaxValue - inputZeroPoint);
        double outputMin = outputScale * (short.MinValue - outputZeroPoint);
        double outputMax = outputScale * (short.MaxValue - outputZeroPoint);
        const int steps = 512;
        double step = (inputMax - inputMin) / steps;
        double halfStep = step / 2;
        double scalingInverse = 65536.0 / (outputMax - outputMin);
        var lut = new short[Size];
        for (int i = 0; i < steps; i++)
        {
            double val = f(inputMin + i * step);
            double valMidpoint = f(inputMin + i * step + halfStep);
            double valNext = f(inputMin + (i + 1) * step);
            double sample = RoundD(val * scalingInverse);
            double midpointInterpolated = RoundD((valNext * scalingInverse + RoundD(val * scalingInverse)) / 2);
            double midpoint = RoundD(valMidpoint * scalingInverse);
            double bias = RoundD((midpointInterpolated - midpoint) / 2);
            lut[i] = (short)Math.Min(Math.Max(sample - bias, short.MinValue), short.MaxValue);
        }

        lut[steps] = (short)Math.Min(Math.Max(RoundD(f(inputMax) * scalingInverse), short.MinValue), short.MaxValue);
        return lut;
    }

    /// <summary>LUTLookup: segment base plus the rounded slope times the 7 low bits.</summary>
    public static short Lookup(short value, short[] lut)
    {
        int index = 256 + (value >> 7);
        int offset = value & 0x7f;
        int baseValue = lut[index];
        int slope = unchecked((short)(lut[index + 1] - lut[index]));
        int delta = (slope * offset + 64) >> 7;
        return unchecked((short)(baseValue + delta));
    }

    private static float RoundF(float x) => MathF.Round(x, MidpointRounding.AwayFromZero);

    private static double RoundD(double x) => Math.Round(x, MidpointRounding.AwayFromZero);
}
