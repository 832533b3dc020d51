namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// TFLite's GetInvSqrtQuantizedMultiplierExp: 1/sqrt(input) as a Q31 multiplier and exponent, by five
/// Newton-Raphson steps in gemmlowp 32-bit fixed point (F3).
/// </summary>
internal static class InverseSqrt
{
    /// <param name="reverseShift">-1 as TFLite's kReverseShift (the returned shift is then a left shift).</param>
    public static void QuantizedMultiplierExp(int input, int reverseShift, out int multiplier, out int shift)
    {
        if (input <= 1)
        {
            multiplier = int.MaxValue;
            shift = 0;
            return;
        }

        shift = 11;
        while (input >= (1 << 29))
        {
            input /= 4;
            shift++;
        }

        int maxLeftShiftBits = System.Numerics.BitOperations.LeadingZeroCount((uint)input) - 1;
        int leftShiftBitPairs = maxLeftShiftBits / 2 - 1;
        shift -= leftShiftBitPairs;
        input <<= 2 * leftShiftBitPairs;
        int fixedInput = input >> 1;                                        // F3
        int halfInput = IntegerArithmetic.RoundingDivideByPOT(fixedInput, 1); // F3
        int halfThree = (1 << 28) + (1 << 27);                               // 1.5 in F3
        int x = 1 << 28;                                                     // F3 one
        for (int i = 0; i < 5; i++)
        {
            int x3 = SaturatingShiftLeft(Mul(Mul(x, x), x), 6);             // F9 → F3
            x = SaturatingShiftLeft(unchecked(Mul(halfThree, x) - Mul(halfInput, x3)), 3); // F6 → F3
        }

        x = Mul(x, 1518500250); // · sqrt(2)/2 (F0)
        multiplier = x;
        if (shift < 0)
        {
            multiplier <<= -shift;
            shift = 0;
        }

        shift *= reverseShift;
    }

    private static int Mul(int a, int b) => IntegerArithmetic.SaturatingRoundingDoublingHighMul(a, b);

    private static int SaturatingShiftLeft(int x, int exponent)
    {
        int threshold = (1 << (31 - exponent)) - 1;
        return x > threshold ? int.MaxValue : x < -threshold ? int.MinValue : x << exponent;
    }
}
