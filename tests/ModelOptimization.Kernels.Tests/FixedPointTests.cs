using System.Numerics;
using System.Runtime.Intrinsics;
using ModelOptimization.Kernels.X86;

namespace ModelOptimization.Kernels.Tests;

public class FixedPointTests
{
    [Theory]
    [InlineData(-4.0, -1073741824, 3)]
    [InlineData(-2.0, -1073741824, 2)]
    [InlineData(-1.0, -1073741824, 1)]
    [InlineData(-0.5, -1073741824, 0)]
    [InlineData(-0.25, -1073741824, -1)]
    [InlineData(-0.125, -1073741824, -2)]
    [InlineData(0.0, 0, 0)]
    [InlineData(0.125, 1073741824, -2)]
    [InlineData(0.25, 1073741824, -1)]
    [InlineData(0.5, 1073741824, 0)]
    [InlineData(1.0, 1073741824, 1)]
    [InlineData(2.0, 1073741824, 2)]
    [InlineData(4.0, 1073741824, 3)]
    [InlineData(0.75, 1610612736, 0)]
    [InlineData(1 - 1e-9, 2147483646, 0)]
    [InlineData(1.25, 1342177280, 1)]
    [InlineData(2 - 1e-9, 2147483647, 1)]
    [InlineData(2 - 1e-11, 1073741824, 2)] // the mantissa rounds up to 2^31: halved, shift + 1
    [InlineData(1 + 1e-11, 1073741824, 1)]
    [InlineData(4.656612873077393e-10, 1073741824, -30)] // 2^-31
    [InlineData(2.3283064365386963e-10, 1073741824, -31)] // 2^-32
    [InlineData(1.1641532182693481e-10, 0, 0)] // 2^-33: shift < -31 flushes to zero
    [InlineData(4.940656458412e-324, 0, 0)] // smallest denormal
    public void QuantizeMultiplier_KnownValues_MatchTfLite(double real, int expectedMultiplier, int expectedShift)
    {
        FixedPoint.QuantizeMultiplier(real, out int q, out int shift);
        Assert.Equal(expectedMultiplier, q);
        Assert.Equal(expectedShift, shift);
    }

    [Fact]
    public void QuantizeMultiplier_NaN_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPoint.QuantizeMultiplier(double.NaN, out _, out _));

    [Theory]
    [InlineData(0.5, 1073741824, 0)]
    [InlineData(0.25, 1073741824, -1)]
    [InlineData(0.0039215686274509803, 1077952576, -7)] // 1/255
    public void QuantizeMultiplierSmallerThanOneExp_KnownValues_MatchTfLite(double real, int expectedMultiplier, int expectedShift)
    {
        FixedPoint.QuantizeMultiplierSmallerThanOneExp(real, out int q, out int shift);
        Assert.Equal(expectedMultiplier, q);
        Assert.Equal(expectedShift, shift);
    }

    [Fact]
    public void QuantizeMultiplierSmallerThanOneExp_One_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedPoint.QuantizeMultiplierSmallerThanOneExp(1.0, out _, out _));

    [Theory]
    [InlineData(int.MinValue, int.MinValue, int.MaxValue)]
    [InlineData(int.MaxValue, int.MaxValue, int.MaxValue - 1)]
    [InlineData(1 << 30, 1 << 30, 1 << 29)]
    [InlineData(-(1 << 30), 1 << 30, -(1 << 29))]
    [InlineData(3, 1 << 30, 2)] // 1.5 → 2
    [InlineData(-3, 1 << 30, -1)] // −1.5 → −1: gemmlowp's nudge rounds ties up, not away from zero
    [InlineData(-5, 1 << 30, -2)] // −2.5 → −2
    [InlineData(1, 1, 0)]
    public void SaturatingRoundingDoublingHighMul_KnownValues_RoundHalfAwayFromZero(int a, int b, int expected) =>
        Assert.Equal(expected, FixedPoint.SaturatingRoundingDoublingHighMul(a, b));

    [Theory]
    [InlineData(5, 1, 3)]
    [InlineData(-5, 1, -3)]
    [InlineData(6, 2, 2)]
    [InlineData(-6, 2, -2)]
    [InlineData(7, 2, 2)]
    [InlineData(-7, 2, -2)]
    [InlineData(10, 2, 3)]
    [InlineData(-10, 2, -3)]
    [InlineData(12345, 0, 12345)]
    [InlineData(int.MinValue, 31, -1)]
    [InlineData(int.MaxValue, 31, 1)]
    public void RoundingDivideByPOT_KnownValues_RoundHalfAwayFromZero(int x, int exponent, int expected) =>
        Assert.Equal(expected, FixedPoint.RoundingDivideByPOT(x, exponent));

    [Fact]
    public void MultiplyByQuantizedMultiplier_RandomValues_EqualsExactDefinition()
    {
        var rng = new Random(11);
        for (int i = 0; i < 20000; i++)
        {
            int x = rng.Next(-(1 << 24), 1 << 24);
            int q = rng.Next(1 << 30, int.MaxValue);
            int shift = rng.Next(-20, 4);
            // Definition: SRDHM = floor(x·2^left·q / 2^31 + 1/2) (ties up); RDBPOT rounds half away from zero.
            long left = (long)x << Math.Max(shift, 0);
            if (left > int.MaxValue || left < int.MinValue) continue;
            BigInteger high = FloorDiv(new BigInteger(left) * q + (BigInteger.One << 30), BigInteger.One << 31);
            BigInteger expected = RoundHalfAway(high, BigInteger.One << Math.Max(-shift, 0));
            Assert.Equal((int)expected, FixedPoint.MultiplyByQuantizedMultiplier(x, q, shift));
        }
    }

    [Theory]
    [InlineData(1000L, 1 << 30, 0, 500)]
    [InlineData(-1000L, 1 << 30, 0, -500)]
    [InlineData(3L, 1 << 30, 0, 2)] // 1.5 → 2 (half up)
    [InlineData(-3L, 1 << 30, 0, -1)] // −1.5 → −1 (half up, not away)
    [InlineData(1L << 40, 1 << 30, -10, 1 << 29)]
    [InlineData(100L, 0x7FFF8000, 0, 100)] // multiplier ≥ 0x7FFF0000 reduces to 0x7FFF
    public void MultiplyByQuantizedMultiplier_Int64_MatchesTfLite(long x, int q, int shift, int expected) =>
        Assert.Equal(expected, FixedPoint.MultiplyByQuantizedMultiplier(x, q, shift));

    [Fact]
    public void MultiplyByQuantizedMultiplier_Int64RandomValues_EqualsReducedMultiplierDefinition()
    {
        var rng = new Random(5);
        for (int i = 0; i < 20000; i++)
        {
            long x = rng.NextInt64(-(1L << 40), 1L << 40);
            int q = rng.Next(1 << 30, int.MaxValue);
            int shift = rng.Next(-31, 8);
            long reduced = q < 0x7FFF0000 ? (q + (1 << 15)) >> 16 : 0x7FFF;
            BigInteger value = new BigInteger(x) * reduced;
            int total = 15 - shift;
            BigInteger expected = BigInteger.Divide(value + (BigInteger.One << (total - 1)) - Mod(value + (BigInteger.One << (total - 1)), BigInteger.One << total), BigInteger.One << total);
            Assert.Equal((int)(long)expected, FixedPoint.MultiplyByQuantizedMultiplier(x, q, shift));
        }
    }

    [Fact]
    public void MultiplyByQuantizedMultiplierSmallerThanOneExp_EqualsGeneralFormWithNegativeShift()
    {
        var rng = new Random(3);
        for (int i = 0; i < 5000; i++)
        {
            int x = rng.Next(int.MinValue, int.MaxValue);
            int q = rng.Next(1 << 30, int.MaxValue);
            int shift = rng.Next(-31, 1);
            Assert.Equal(FixedPoint.MultiplyByQuantizedMultiplier(x, q, shift), FixedPoint.MultiplyByQuantizedMultiplierSmallerThanOneExp(x, q, shift));
        }
    }

    [Fact]
    public void MultiplyByQuantizedMultiplierGreaterThanOne_EqualsGeneralFormWithPositiveShift()
    {
        var rng = new Random(4);
        for (int i = 0; i < 5000; i++)
        {
            int x = rng.Next(-100000, 100000);
            int q = rng.Next(1 << 30, int.MaxValue);
            int shift = rng.Next(0, 8);
            Assert.Equal(FixedPoint.MultiplyByQuantizedMultiplier(x, q, shift), FixedPoint.MultiplyByQuantizedMultiplierGreaterThanOne(x, q, shift));
        }
    }

    [SkippableFact]
    public void Avx2MultiplyByQuantizedMultiplier_RandomAndEdgeValues_EqualsScalar()
    {
        Skip.IfNot(Avx2FixedPoint.IsSupported, "AVX2 is not available.");
        var rng = new Random(9);
        int[] edges = [0, 1, -1, int.MaxValue, int.MinValue, 1 << 30, -(1 << 30), 12345, -12345];
        var x = new int[8];
        var q = new int[8];
        var s = new int[8];
        for (int i = 0; i < 40000; i++)
        {
            for (int l = 0; l < 8; l++)
            {
                x[l] = rng.Next(4) == 0 ? edges[rng.Next(edges.Length)] : rng.Next(int.MinValue, int.MaxValue);
                q[l] = rng.Next(8) == 0 ? (rng.Next(2) == 0 ? int.MinValue : int.MaxValue) : rng.Next(0, int.MaxValue);
                s[l] = rng.Next(-31, 31);
            }

            Vector256<int> r = Avx2FixedPoint.MultiplyByQuantizedMultiplier(Vector256.Create(x), Vector256.Create(q), Vector256.Create(s));
            for (int l = 0; l < 8; l++)
                Assert.Equal(FixedPoint.MultiplyByQuantizedMultiplier(x[l], q[l], s[l]), r.GetElement(l));
        }
    }

    [SkippableFact]
    public void Avx512MultiplyByQuantizedMultiplier_RandomAndEdgeValues_EqualsScalar()
    {
        Skip.IfNot(Avx512FixedPoint.IsSupported, "AVX-512 is not available.");
        var rng = new Random(10);
        int[] edges = [0, 1, -1, int.MaxValue, int.MinValue, 1 << 30, -(1 << 30), 12345, -12345];
        var x = new int[16];
        var q = new int[16];
        var s = new int[16];
        for (int i = 0; i < 20000; i++)
        {
            for (int l = 0; l < 16; l++)
            {
                x[l] = rng.Next(4) == 0 ? edges[rng.Next(edges.Length)] : rng.Next(int.MinValue, int.MaxValue);
                q[l] = rng.Next(8) == 0 ? (rng.Next(2) == 0 ? int.MinValue : int.MaxValue) : rng.Next(0, int.MaxValue);
                s[l] = rng.Next(-31, 31);
            }

            Vector512<int> r = Avx512FixedPoint.MultiplyByQuantizedMultiplier(Vector512.Create(x), Vector512.Create(q), Vector512.Create(s));
            for (int l = 0; l < 16; l++)
                Assert.Equal(FixedPoint.MultiplyByQuantizedMultiplier(x[l], q[l], s[l]), r.GetElement(l));
        }
    }

    private static BigInteger RoundHalfAway(BigInteger numerator, BigInteger denominator)
    {
        BigInteger q = BigInteger.DivRem(BigInteger.Abs(numerator), denominator, out BigInteger r);
        if (r * 2 >= denominator) q += 1;
        return numerator.Sign < 0 ? -q : q;
    }

    private static BigInteger FloorDiv(BigInteger a, BigInteger m) => (a - Mod(a, m)) / m;

    private static BigInteger Mod(BigInteger a, BigInteger m)
    {
        BigInteger r = BigInteger.Remainder(a, m);
        return r.Sign < 0 ? r + m : r;
    }
}
