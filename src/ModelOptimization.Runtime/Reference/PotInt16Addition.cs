using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// TFLite's int16 ADD/SUB for power-of-two scales and zero points of 0 (the LSTM path): one input is shifted
/// right by a rounding shift, then a saturating add.
/// </summary>
internal readonly struct PotInt16Addition : IBinaryFunc<int, int, int>
{
    public readonly int Input1Shift, Input2Shift, ActivationMin, ActivationMax;
    public readonly bool Subtract;

    private PotInt16Addition(int s1, int s2, int min, int max, bool subtract)
    {
        Input1Shift = s1;
        Input2Shift = s2;
        ActivationMin = min;
        ActivationMax = max;
        Subtract = subtract;
    }

    public static bool TryCreate(RuntimeTensor a, RuntimeTensor b, RuntimeTensor o, ActivationFunctionType act, out PotInt16Addition result, bool subtract = false)
    {
        result = default;
        if (!CheckedLog2(a.Scale, out int la) || !CheckedLog2(b.Scale, out int lb) || !CheckedLog2(o.Scale, out int lo)) return false;
        var (min, max) = ActivationRange.Quantized(act, o);
        result = new PotInt16Addition(la - lo, lb - lo, min, max, subtract);
        return true;
    }

    /// <summary>TFLite CheckedLog2: true when the scale is a power of two (to 1e-3 in log2).</summary>
    public static bool CheckedLog2(float x, out int log2)
    {
        double xLog2 = Math.Log(x) * (1.0 / Math.Log(2.0));
        log2 = (int)Math.Round(xLog2, MidpointRounding.AwayFromZero);
        return Math.Abs(xLog2 - log2) < 1e-3;
    }

    public int Apply(int a, int b)
    {
        int s1 = IntegerArithmetic.RoundingDivideByPOT(a, -Input1Shift);
        int s2 = IntegerArithmetic.RoundingDivideByPOT(b, -Input2Shift);
        if (Subtract) s2 = -s2;
        int raw = Math.Clamp(s1 + s2, short.MinValue, short.MaxValue);
        return IntegerArithmetic.Clamp(raw, ActivationMin, ActivationMax);
    }
}
