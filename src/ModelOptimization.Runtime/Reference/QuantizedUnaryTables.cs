using ModelOptimization.Core.Graph;

namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// TFLite's quantized element-wise math (elementwise.cc, exp.cc) tabulated over every input value: ABS (rescale),
/// RSQRT (int8: inverse-sqrt multiplier; int16: LUT), SQRT (float through dequantize, truncating), LOG and EXP
/// (LUTPopulate for int8, interpolated 513-entry LUT for int16). Entries whose input is outside the function's
/// domain (TFLite fails the invoke) are flagged in <see cref="Table.Invalid"/>.
/// </summary>
internal static class QuantizedUnaryTables
{
    /// <summary>Output per input value, indexed by (value - MinValue); Invalid marks inputs TFLite rejects.</summary>
    internal sealed record Table(int[] Values, bool[]? Invalid, string? InvalidMessage);

    public enum Function
    {
        Abs,
        Rsqrt,
        Sqrt,
        Log,
        Exp,
    }

    public static Table Build(Function function, TensorType type, float inputScale, int inputZeroPoint, float outputScale, int outputZeroPoint)
    {
        var (min, max) = IntegerArithmetic.Range(type);
        var values = new int[max - min + 1];
        bool[]? invalid = null;
        string? message = null;
        switch (function)
        {
            case Function.Abs:
                {
                    bool rescale = inputScale != outputScale;
                    IntegerArithmetic.QuantizeMultiplier(inputScale / outputScale, out int m, out int s);
                    for (int q = min; q <= max; q++)
                    {
                        int v = Math.Abs(q - inputZeroPoint);
                        int o = rescale ? IntegerArithmetic.MultiplyByQuantizedMultiplier(v, m, s) + outputZeroPoint : v + outputZeroPoint;
                        values[q - min] = Math.Clamp(o, min, max);
                    }

                    break;
                }

            case Function.Rsqrt when type == TensorType.Int8:
                {
                    double scale = 1.0 / (Math.Sqrt(inputScale) * outputScale);
                    IntegerArithmetic.QuantizeMultiplier(scale, out int m, out int s);
                    const int kShift = 20;
                    invalid = new bool[values.Length];
                    message = "Rsqrt is only defined for positive values";
                    for (int q = min; q <= max; q++)
                    {
                        int v = q - inputZeroPoint;
                        invalid[q - min] = q < inputZeroPoint;
                        if (v <= 0)
                        {
                            values[q - min] = max;
                            continue;
                        }

                        InverseSqrt.QuantizedMultiplierExp(v, -1, out int im, out int ishift);
                        int data = IntegerArithmetic.MultiplyByQuantizedMultiplier(1, im, ishift + kShift);
                        int o = IntegerArithmetic.MultiplyByQuantizedMultiplier(data, m, s - kShift) + outputZeroPoint;
                        values[q - min] = Math.Clamp(o, min, max);
                    }

                    break;
                }

            case Function.Rsqrt:
                {
                    var lut = Int16LookupTable.Build(inputScale, inputZeroPoint, outputScale, outputZeroPoint,
                        v => v <= 0 ? short.MaxValue * outputScale : 1.0f / MathF.Sqrt(v));
                    invalid = new bool[values.Length];
                    message = "Rsqrt is only defined for positive values";
                    for (int q = min; q <= max; q++)
                    {
                        invalid[q - min] = q < inputZeroPoint;
                        values[q - min] = Int16LookupTable.Lookup((short)q, lut);
                    }

                    break;
                }

            case Function.Sqrt:
                {
                    invalid = new bool[values.Length];
                    message = "Sqrt is only defined for non-negative values";
                    for (int q = min; q <= max; q++)
                    {
                        float x = inputScale * (q - inputZeroPoint);
                        invalid[q - min] = !(x >= 0f);
                        int o = (int)(MathF.Sqrt(x) / outputScale) + outputZeroPoint;
                        values[q - min] = Math.Clamp(o, min, max);
                    }

                    break;
                }

            case Function.Log or Function.Exp:
                {
                    float outputMin = (min - outputZeroPoint) * outputScale;
                    Func<float, float> f = function == Function.Exp ? MathF.Exp : v => v <= 0f ? outputMin : MathF.Log(v);
                    if (type == TensorType.Int8)
                    {
                        var table = LookupTable.Build8(type, inputScale, inputZeroPoint, outputScale, outputZeroPoint, f);
                        for (int q = min; q <= max; q++) values[q - min] = (sbyte)table[(byte)q];
                    }
                    else
                    {
                        var lut = Int16LookupTable.Build(inputScale, inputZeroPoint, outputScale, outputZeroPoint, f);
                        for (int q = min; q <= max; q++) values[q - min] = Int16LookupTable.Lookup((short)q, lut);
                    }

                    break;
                }
        }

        return new Table(values, invalid, message);
    }
}
