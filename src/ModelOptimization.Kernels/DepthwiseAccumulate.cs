using System.Runtime.Intrinsics;

namespace ModelOptimization.Kernels;

/// <summary>acc[oc] += w[oc] · (x[oc / multiplier] − zp) for one filter tap, exact in int32.</summary>
internal static unsafe class DepthwiseAccumulate
{
    internal static void Int8(sbyte* x, sbyte* w, int zeroPoint, int multiplier, int channels, int* acc)
    {
        int c = 0;
        if (multiplier == 1 && Isa.ElementwiseBits >= 256)
        {
            // |x − zp| ≤ 255 and |w| ≤ 128, so each product fits int16 exactly (vpmullw), then widens to int32.
            Vector256<short> zp = Vector256.Create((short)zeroPoint);
            for (; c <= channels - 16; c += 16)
            {
                Vector256<short> xs = Vector256.WidenLower(Vector128.Load(x + c).ToVector256Unsafe()) - zp;
                Vector256<short> ws = Vector256.WidenLower(Vector128.Load(w + c).ToVector256Unsafe());
                (Vector256<int> lo, Vector256<int> hi) = Vector256.Widen(xs * ws);
                (Vector256.Load(acc + c) + lo).Store(acc + c);
                (Vector256.Load(acc + c + 8) + hi).Store(acc + c + 8);
            }
        }

        for (; c < channels; c++) acc[c] += w[c] * (x[c / multiplier] - zeroPoint);
    }

    internal static void UInt8(byte* x, byte* w, int inputZeroPoint, int filterZeroPoint, int multiplier, int channels, int* acc)
    {
        int c = 0;
        if (multiplier == 1 && Isa.ElementwiseBits >= 256)
        {
            Vector256<int> izp = Vector256.Create(inputZeroPoint), wzp = Vector256.Create(filterZeroPoint);
            for (; c <= channels - 8; c += 8)
            {
                Vector256<int> xs = Vector256.WidenLower(Vector256.WidenLower(Vector128.CreateScalar(*(long*)(x + c)).AsByte().ToVector256Unsafe()).AsInt16()) - izp;
                Vector256<int> ws = Vector256.WidenLower(Vector256.WidenLower(Vector128.CreateScalar(*(long*)(w + c)).AsByte().ToVector256Unsafe()).AsInt16()) - wzp;
                (Vector256.Load(acc + c) + xs * ws).Store(acc + c);
            }
        }

        for (; c < channels; c++) acc[c] += (w[c] - filterZeroPoint) * (x[c / multiplier] - inputZeroPoint);
    }
}
