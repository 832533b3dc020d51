using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using ModelOptimization.Kernels.X86;

namespace ModelOptimization.Kernels;

/// <summary>
/// The integer kernels' output stage over a run of channels:
/// out[j] = clamp(MultiplyByQuantizedMultiplier(acc[j] + bias[j], mult[j], shift[j]) + zeroPoint, min, max)
/// with per-channel or per-tensor (stride 0) multipliers. Vectorized with AVX-512 (16 lanes) or AVX2 (8 lanes) where they
/// exist, bit-exact with the scalar loop.
/// </summary>
internal static unsafe class OutputStage
{
    /// <param name="multiplierStride">1: mult/shift advance with j (per channel); 0: one value for all.</param>
    internal static void ToInt8(int* acc, int count, int* bias, int* multiplier, int* shift, int multiplierStride,
        int zeroPoint, int min, int max, sbyte* output)
    {
        int j = 0;
        if (Avx512FixedPoint.IsSupported && Isa.MaxVectorBits >= 512 && count >= 16)
        {
            Vector512<int> zp = Vector512.Create(zeroPoint), lo = Vector512.Create(min), hi = Vector512.Create(max);
            Vector512<int> m = Vector512.Create(multiplier[0]), s = Vector512.Create(shift[0]);
            for (; j <= count - 16; j += 16)
            {
                Vector512<int> v = Vector512.Load(acc + j);
                if (bias != null) v += Vector512.Load(bias + j);
                if (multiplierStride != 0)
                {
                    m = Vector512.Load(multiplier + j);
                    s = Vector512.Load(shift + j);
                }

                v = Vector512.Min(Vector512.Max(Avx512FixedPoint.MultiplyByQuantizedMultiplier(v, m, s) + zp, lo), hi);
                Vector512<short> n16 = Vector512.Narrow(v, v);
                Vector512.Narrow(n16, n16).GetLower().GetLower().AsByte().Store((byte*)(output + j));
            }
        }

        if (Avx2FixedPoint.IsSupported && Isa.MaxVectorBits >= 256)
        {
            Vector256<int> zp = Vector256.Create(zeroPoint), lo = Vector256.Create(min), hi = Vector256.Create(max);
            Vector256<int> m = Vector256.Create(multiplier[0]), s = Vector256.Create(shift[0]);
            for (; j <= count - 8; j += 8)
            {
                Vector256<int> v = Vector256.Load(acc + j);
                if (bias != null) v += Vector256.Load(bias + j);
                if (multiplierStride != 0)
                {
                    m = Vector256.Load(multiplier + j);
                    s = Vector256.Load(shift + j);
                }

                v = Avx2FixedPoint.MultiplyByQuantizedMultiplier(v, m, s) + zp;
                v = Vector256.Min(Vector256.Max(v, lo), hi);
                Vector256<short> n16 = Vector256.Narrow(v, v);
                Vector256<sbyte> n8 = Vector256.Narrow(n16, n16);
                *(long*)(output + j) = n8.AsInt64().GetElement(0);
            }
        }

        for (; j < count; j++)
        {
            int v = acc[j];
            if (bias != null) v += bias[j];
            int c = multiplierStride * j;
            v = FixedPoint.MultiplyByQuantizedMultiplier(v, multiplier[c], shift[c]) + zeroPoint;
            output[j] = (sbyte)Math.Min(Math.Max(v, min), max);
        }
    }

    /// <summary>As <see cref="ToInt8"/> for uint8 outputs.</summary>
    internal static void ToUInt8(int* acc, int count, int* bias, int* multiplier, int* shift, int multiplierStride,
        int zeroPoint, int min, int max, byte* output)
    {
        int j = 0;
        if (Avx512FixedPoint.IsSupported && Isa.MaxVectorBits >= 512 && count >= 16)
        {
            Vector512<int> zp = Vector512.Create(zeroPoint), lo = Vector512.Create(min), hi = Vector512.Create(max);
            Vector512<int> m = Vector512.Create(multiplier[0]), s = Vector512.Create(shift[0]);
            for (; j <= count - 16; j += 16)
            {
                Vector512<int> v = Vector512.Load(acc + j);
                if (bias != null) v += Vector512.Load(bias + j);
                if (multiplierStride != 0)
                {
                    m = Vector512.Load(multiplier + j);
                    s = Vector512.Load(shift + j);
                }

                v = Vector512.Min(Vector512.Max(Avx512FixedPoint.MultiplyByQuantizedMultiplier(v, m, s) + zp, lo), hi);
                Vector512<short> n16 = Vector512.Narrow(v, v);
                Vector512.Narrow(n16, n16).GetLower().GetLower().AsByte().Store((byte*)(output + j));
            }
        }

        if (Avx2FixedPoint.IsSupported && Isa.MaxVectorBits >= 256)
        {
            Vector256<int> zp = Vector256.Create(zeroPoint), lo = Vector256.Create(min), hi = Vector256.Create(max);
            Vector256<int> m = Vector256.Create(multiplier[0]), s = Vector256.Create(shift[0]);
            for (; j <= count - 8; j += 8)
            {
                Vector256<int> v = Vector256.Load(acc + j);
                if (bias != null) v += Vector256.Load(bias + j);
                if (multiplierStride != 0)
                {
                    m = Vector256.Load(multiplier + j);
                    s = Vector256.Load(shift + j);
                }

                v = Avx2FixedPoint.MultiplyByQuantizedMultiplier(v, m, s) + zp;
                v = Vector256.Min(Vector256.Max(v, lo), hi);
                Vector256<short> n16 = Vector256.Narrow(v, v);
                Vector256<sbyte> n8 = Vector256.Narrow(n16, n16);
                *(long*)(output + j) = n8.AsInt64().GetElement(0);
            }
        }

        for (; j < count; j++)
        {
            int v = acc[j];
            if (bias != null) v += bias[j];
            int c = multiplierStride * j;
            v = FixedPoint.MultiplyByQuantizedMultiplier(v, multiplier[c], shift[c]) + zeroPoint;
            output[j] = (byte)Math.Min(Math.Max(v, min), max);
        }
    }
}
