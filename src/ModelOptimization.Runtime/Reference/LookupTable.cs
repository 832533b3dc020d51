using ModelOptimization.Core.Graph;

namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// TFLite's LUTPopulate for 8-bit types: entry q = quantize(f(dequantize(q))) with float arithmetic,
/// TfLiteRound (half away from zero) and clamping. Indexed by the raw byte of the input value.
/// </summary>
internal static class LookupTable
{
    public static byte[] Build8(TensorType type, float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint, Func<float, float> f)
    {
        var table = new byte[256];
        float inverseScale = 1 / outputScale;
        int min = type == TensorType.Int8 ? sbyte.MinValue : byte.MinValue;
        int max = type == TensorType.Int8 ? sbyte.MaxValue : byte.MaxValue;
        for (int val = min; val <= max; val++)
        {
            float dequantized = inputScale * (val - inputZeroPoint);
            float transformed = f(dequantized);
            float rescaled = IntegerArithmetic.Round(transformed * inverseScale);
            int quantized = (int)(rescaled + outputZeroPoint);
            quantized = Math.Max(Math.Min(max, quantized), min);
            table[(byte)val] = (byte)quantized;
        }

        return table;
    }
}
