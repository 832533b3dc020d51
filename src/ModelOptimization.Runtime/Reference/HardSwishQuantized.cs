using ModelOptimization.Core.Graph;

namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// TFLite's quantized HARD_SWISH (reference_ops::HardSwish with HardSwishPrepare's 16-bit multipliers): the input
/// on a 2^-7-finer scale, a saturated "relu-ish" factor in [0, 1] and a final rounding shift. The result depends
/// only on the input byte, so prepare tabulates it.
/// </summary>
internal static class HardSwishQuantized
{
    /// <summary>The 256-entry table, or null when the scales are outside TFLite's limits (output exponent &gt; 0).</summary>
    public static byte[]? BuildTable(TensorType type, float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint)
    {
        float hiresInputScale = (1.0f / 128.0f) * inputScale;
        const float reluishScale = 3.0f / 32768.0f;
        IntegerArithmetic.QuantizeMultiplier(hiresInputScale / outputScale, out int outputMultiplier32, out int outputExponent);
        IntegerArithmetic.QuantizeMultiplier(hiresInputScale / reluishScale, out int reluishMultiplier32, out int reluishExponent);
        if (outputExponent > 0) return null;
        short outputMultiplier = DownScale(outputMultiplier32);
        short reluishMultiplier = DownScale(reluishMultiplier32);
        var (min, max) = IntegerArithmetic.Range(type);
        var table = new byte[256];
        for (int q = min; q <= max; q++)
        {
            short inputValue = (short)(q - inputZeroPoint);
            short hires = (short)(inputValue * (1 << 7));
            short preshiftOutput = GemmlowpInt16.Mul(hires, outputMultiplier);
            short reluish = hires;
            if (reluishExponent > 0) reluish = SaturatingLeftShift(reluish, reluishExponent - 1);
            reluish = GemmlowpInt16.Mul(reluish, reluishMultiplier);
            if (reluishExponent > 0) reluish = SaturatingLeftShift(reluish, 1);
            if (reluishExponent < 0) reluish = GemmlowpInt16.RoundingDivideByPot(reluish, -reluishExponent);
            reluish = (short)((reluish + (1 << 15)) >> 1);
            short preshift = SaturatingDoublingHighMul(reluish, preshiftOutput);
            int output = GemmlowpInt16.RoundingDivideByPot(preshift, -outputExponent);
            output = unchecked((short)(output + outputZeroPoint));
            table[(byte)q] = (byte)Math.Clamp(output, min, max);
        }

        return table;
    }

    /// <summary>DownScaleInt32ToInt16Multiplier: the Q31 multiplier rounded to Q15.</summary>
    private static short DownScale(int multiplier)
        => multiplier >= int.MaxValue - (1 << 15) ? short.MaxValue : (short)((multiplier + (1 << 15)) >> 16);

    private static short SaturatingLeftShift(short value, int amount)
        => (short)Math.Clamp((long)value * (1L << amount), short.MinValue, short.MaxValue);

    /// <summary>Like SQDMULH: doubling high multiply rounding toward zero.</summary>
    private static short SaturatingDoublingHighMul(short a, short b)
    {
        if (a == b && a == short.MinValue) return short.MaxValue;
        return unchecked((short)(a * b / (1 << 15)));
    }
}
