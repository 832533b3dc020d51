namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// gemmlowp's 16-bit fixed-point transcendental functions (FixedPoint&lt;int16_t, N&gt;), as TFLite's optimized
/// int16 LOGISTIC and TANH use for power-of-two input scales. Raw values are int16 held in ints; the number
/// of integer bits of each quantity is tracked by hand (Fn = n integer bits, 15 - n fractional bits).
/// </summary>
internal static class GemmlowpInt16
{
    /// <summary>logistic(x) of an F3 input (range [-8, 8)), returned as F0 (Q0.15).</summary>
    public static short Logistic(short a)
    {
        const int integerBits = 3;
        bool positive = a > 0;
        short abs = positive ? a : Neg(a);
        short resultIfPositive = OneOverOnePlusXForXIn01(ExpOnNegativeValues(Neg(abs), integerBits));
        short resultIfNegative = Sub(short.MaxValue, resultIfPositive);
        if (a == 0) return Constant(1 << 30);
        return positive ? resultIfPositive : resultIfNegative;
    }

    /// <summary>tanh(x) of an F3 input, returned as F0.</summary>
    public static short Tanh(short a)
    {
        const int integerBits = 3;
        bool negative = a < 0;
        short n = negative ? a : Neg(a);
        // neg_tanh_on_negative_values: ExactMulByPot<1> makes the input F4 with the same raw value.
        short t = OneMinusXOverOnePlusXForXIn01(ExpOnNegativeValues(n, integerBits + 1));
        if (a == 0) return 0;
        return negative ? Neg(t) : t;
    }

    /// <summary>SaturatingRoundingMultiplyByPOT on a raw int16 value.</summary>
    public static short MultiplyByPot(short x, int exponent)
    {
        if (exponent == 0) return x;
        if (exponent < 0) return RoundingDivideByPot(x, -exponent);
        int threshold = (1 << (15 - exponent)) - 1;
        if (x > threshold) return short.MaxValue;
        if (x < -threshold) return short.MinValue;
        return (short)(x << exponent);
    }

    private static short ExpOnNegativeValues(short a, int integerBits)
    {
        int fractionalBits = 15 - integerBits;
        short oneQuarter = (short)(1 << (fractionalBits - 2));
        short mask = (short)(oneQuarter - 1);
        short aModQuarterMinusOneQuarter = Sub((short)(a & mask), oneQuarter);
        short result = ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(MultiplyByPot(aModQuarterMinusOneQuarter, integerBits));
        short remainder = Sub(aModQuarterMinusOneQuarter, a);
        ReadOnlySpan<int> multipliers = [1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242];
        for (int k = 0; k < multipliers.Length; k++)
        {
            int exponent = k - 2;
            if (integerBits <= exponent) continue;
            int shift = fractionalBits + exponent;
            if ((remainder & (1 << shift)) != 0) result = Mul(result, Constant(multipliers[k]));
        }

        if (integerBits > 5 && a < -(1 << (36 - integerBits))) result = 0;
        return a == 0 ? short.MaxValue : result;
    }

    private static short ExpOnIntervalBetweenNegativeOneQuarterAnd0Excl(short a)
    {
        short constantTerm = Constant(1895147668);
        short oneThird = Constant(715827883);
        short x = Add(a, 1 << 12);
        short x2 = Mul(x, x);
        short x3 = Mul(x2, x);
        short x4 = Mul(x2, x2);
        short x4Over4 = MultiplyByPot(x4, -2);
        short polynomial = MultiplyByPot(Add(Mul(Add(x4Over4, x3), oneThird), x2), -1);
        return SaturatingAdd(constantTerm, Mul(constantTerm, Add(x, polynomial)));
    }

    private static short OneOverOnePlusXForXIn01(short a) => MultiplyByPot(NewtonReciprocal(a), 1);

    private static short OneMinusXOverOnePlusXForXIn01(short a) => MultiplyByPot(Sub(NewtonReciprocal(a), 1 << 13), 2);

    /// <summary>Newton-Raphson 1 / half_denominator as F2 (three iterations, 48/17 − 32/17·d start).</summary>
    private static short NewtonReciprocal(short a)
    {
        short halfDenominator = RoundingHalfSum(a, short.MaxValue);
        short x = Add(Constant(1515870810), Mul(halfDenominator, Constant(-1010580540)));
        for (int i = 0; i < 3; i++)
        {
            short halfDenominatorTimesX = Mul(halfDenominator, x);
            short oneMinus = Sub(1 << 13, halfDenominatorTimesX);
            x = Add(x, MultiplyByPot(Mul(x, oneMinus), 2));
        }

        return x;
    }

    /// <summary>A 32-bit gemmlowp constant rounded to 16 bits.</summary>
    private static short Constant(int raw32) => (short)IntegerArithmetic.RoundingDivideByPOT(raw32, 16);

    private static short Add(int a, int b) => unchecked((short)(a + b));

    private static short Sub(int a, int b) => unchecked((short)(a - b));

    private static short Neg(int a) => unchecked((short)-a);

    private static short SaturatingAdd(short a, short b) => (short)Math.Clamp(a + b, short.MinValue, short.MaxValue);

    private static short RoundingHalfSum(short a, short b)
    {
        int sum = a + b;
        return (short)((sum + (sum >= 0 ? 1 : -1)) / 2);
    }

    /// <summary>16-bit SaturatingRoundingDoublingHighMul.</summary>
    public static short Mul(short a, short b)
    {
        if (a == b && a == short.MinValue) return short.MaxValue;
        int ab = a * b;
        int nudge = ab >= 0 ? 1 << 14 : 1 - (1 << 14);
        return unchecked((short)((ab + nudge) / (1 << 15)));
    }

    public static short RoundingDivideByPot(short x, int exponent)
    {
        int mask = (1 << exponent) - 1;
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return unchecked((short)((x >> exponent) + (remainder > threshold ? 1 : 0)));
    }
}
