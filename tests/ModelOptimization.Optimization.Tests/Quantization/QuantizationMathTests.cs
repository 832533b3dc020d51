using ModelOptimization.Optimization.Quantization;

namespace ModelOptimization.Optimization.Tests.Quantization;

public class QuantizationMathTests
{
    [Fact]
    public void Asymmetric_SymmetricRange_MatchesTfliteNudging()
    {
        // TFLite GetAsymmetricQuantizationParams(-1, 1, -128, 127): scale 2/255, zero point round(-128 + 127.5) = -1 (half away from zero).
        var (scale, zp) = QuantizationMath.Asymmetric(-1f, 1f, -128, 127);
        Assert.Equal(2f / 255f, scale);
        Assert.Equal(-1, zp);
    }

    [Fact]
    public void Asymmetric_PositiveRange_IncludesZero()
    {
        var (scale, zp) = QuantizationMath.Asymmetric(2f, 6f, -128, 127);
        Assert.Equal(6f / 255f, scale);
        Assert.Equal(-128, zp);
    }

    [Fact]
    public void Asymmetric_NegativeRange_ZeroPointAtTop()
    {
        var (_, zp) = QuantizationMath.Asymmetric(-4f, -1f, -128, 127);
        Assert.Equal(127, zp);
    }

    [Fact]
    public void Asymmetric_ZeroRange_GivesPositiveFiniteScale()
    {
        var (scale, zp) = QuantizationMath.Asymmetric(0f, 0f, -128, 127);
        Assert.True(scale > 0 && float.IsFinite(scale));
        Assert.Equal(-128, zp);
    }

    [Fact]
    public void SymmetricActivationParams_Int16_ZeroPointZero()
    {
        var (scale, zp, qmin, qmax) = QuantizationMath.SymmetricActivationParams(-3f, 2f, 16);
        Assert.Equal(3f / 32767f, scale);
        Assert.Equal(0, zp);
        Assert.Equal(-32767, qmin);
        Assert.Equal(32767, qmax);
    }

    [Theory]
    [InlineData(1e10f, 1e-3, 32, int.MaxValue)]
    [InlineData(-1e10f, 1e-3, 32, -int.MaxValue)]
    [InlineData(0.25f, 0.1, 32, 3)]
    [InlineData(-0.25f, 0.1, 32, -3)]
    [InlineData(1e10f, 1e-3, 64, 10_000_000_000_000L)]
    public void QuantizeBias_RoundsHalfAwayAndSaturates(float bias, double scale, int bits, long expected)
        => Assert.Equal(expected, QuantizationMath.QuantizeBias(bias, scale, bits));
}
