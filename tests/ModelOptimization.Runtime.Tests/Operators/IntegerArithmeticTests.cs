using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Tests.Operators;

/// <summary>TFLite's fixed-point primitives on known values.</summary>
public sealed class IntegerArithmeticTests
{
    [Theory]
    [InlineData(0.5, 1 << 30, 0)]
    [InlineData(0.25, 1 << 30, -1)]
    [InlineData(1.0, 1 << 30, 1)]
    [InlineData(0.0, 0, 0)]
    [InlineData(0.004952208306070693, 1361252654, -7)]
    public void QuantizeMultiplier_KnownValues_MatchTflite(double real, int multiplier, int shift)
    {
        IntegerArithmetic.QuantizeMultiplier(real, out int m, out int s);
        Assert.Equal(multiplier, m);
        Assert.Equal(shift, s);
    }

    [Fact]
    public void QuantizeMultiplier_RoundsUpToTwoToThe31_RenormalisesShift()
    {
        IntegerArithmetic.QuantizeMultiplier(0.99999999999, out int m, out int s);
        Assert.Equal(1 << 30, m);
        Assert.Equal(1, s);
    }

    [Theory]
    [InlineData(24332, 1361252654, -7, 121)] // double rounding: 120.497 rounds to 121 in TFLite's gemmlowp arithmetic
    [InlineData(-24332, 1361252654, -7, -121)]
    [InlineData(100, 1 << 30, 0, 50)]
    [InlineData(3, 1 << 30, 0, 2)]
    [InlineData(-3, 1 << 30, 0, -1)] // gemmlowp nudges negative ties toward zero
    [InlineData(int.MinValue, int.MinValue, 0, int.MaxValue)]
    public void MultiplyByQuantizedMultiplier_KnownValues_MatchGemmlowp(int x, int multiplier, int shift, int expected)
        => Assert.Equal(expected, IntegerArithmetic.MultiplyByQuantizedMultiplier(x, multiplier, shift));

    [Theory]
    [InlineData(5, 1, 3)]
    [InlineData(-5, 1, -3)]
    [InlineData(6, 2, 2)]
    [InlineData(-6, 2, -2)]
    [InlineData(7, 0, 7)]
    public void RoundingDivideByPOT_Ties_RoundAwayFromZero(int x, int exponent, int expected)
        => Assert.Equal(expected, IntegerArithmetic.RoundingDivideByPOT(x, exponent));

    [Fact]
    public void MultiplyByQuantizedMultiplier_Int64_UsesReducedMultiplier()
    {
        // 16-bit reduced multiplier: (2^30 + 2^15) >> 16 = 16384; total shift 15 - 0 = 15.
        Assert.Equal(500, IntegerArithmetic.MultiplyByQuantizedMultiplier(1000L, 1 << 30, 0));
        Assert.Equal(-500, IntegerArithmetic.MultiplyByQuantizedMultiplier(-1000L, 1 << 30, 0));
    }

    [Fact]
    public void FloatRequantizer_Ties_RoundToEven()
    {
        var r = new FloatRequantizer([0.5f], 0, -128, 127);
        Assert.Equal(2, r.Requantize(5, 0));   // 2.5 -> 2
        Assert.Equal(4, r.Requantize(7, 0));   // 3.5 -> 4
        Assert.Equal(-2, r.Requantize(-5, 0));
        Assert.Equal(127, r.Requantize(1000, 0));
    }
}
