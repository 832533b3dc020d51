using System.Runtime.Intrinsics;

namespace ModelOptimization.Kernels;

/// <summary>Widening copies into the int16 operands of the integer GEMM: dst[i] = src[i] − zeroPoint.</summary>
internal static unsafe class Widen
{
    internal static void ToInt16(sbyte* src, int count, int zeroPoint, short* dst)
    {
        int i = 0;
        int bits = Isa.ElementwiseBits;
        if (bits >= 256 && count >= 32)
        {
            var zp = Vector256.Create((short)zeroPoint);
            for (; i <= count - 32; i += 32)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Load(src + i));
                (lo - zp).Store(dst + i);
                (hi - zp).Store(dst + i + 16);
            }
        }
        else if (bits >= 128 && count >= 16)
        {
            var zp = Vector128.Create((short)zeroPoint);
            for (; i <= count - 16; i += 16)
            {
                var (lo, hi) = Vector128.Widen(Vector128.Load(src + i));
                (lo - zp).Store(dst + i);
                (hi - zp).Store(dst + i + 8);
            }
        }

        for (; i < count; i++) dst[i] = (short)(src[i] - zeroPoint);
    }

    internal static void ToInt16(byte* src, int count, int zeroPoint, short* dst)
    {
        int i = 0;
        int bits = Isa.ElementwiseBits;
        if (bits >= 256 && count >= 32)
        {
            var zp = Vector256.Create((short)zeroPoint);
            for (; i <= count - 32; i += 32)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Load(src + i));
                (lo.AsInt16() - zp).Store(dst + i);
                (hi.AsInt16() - zp).Store(dst + i + 16);
            }
        }
        else if (bits >= 128 && count >= 16)
        {
            var zp = Vector128.Create((short)zeroPoint);
            for (; i <= count - 16; i += 16)
            {
                var (lo, hi) = Vector128.Widen(Vector128.Load(src + i));
                (lo.AsInt16() - zp).Store(dst + i);
                (hi.AsInt16() - zp).Store(dst + i + 8);
            }
        }

        for (; i < count; i++) dst[i] = (short)(src[i] - zeroPoint);
    }

    /// <summary>Copies rows of <paramref name="k"/> values into rows of <paramref name="kp"/> (= k rounded up to even), zero padded.</summary>
    internal static void RowsToInt16(sbyte* src, int rows, int k, int zeroPoint, short* dst, int kp)
    {
        for (int r = 0; r < rows; r++)
        {
            ToInt16(src + (long)r * k, k, zeroPoint, dst + (long)r * kp);
            if (kp > k) dst[(long)r * kp + k] = 0;
        }
    }

    internal static void RowsToInt16(byte* src, int rows, int k, int zeroPoint, short* dst, int kp)
    {
        for (int r = 0; r < rows; r++)
        {
            ToInt16(src + (long)r * k, k, zeroPoint, dst + (long)r * kp);
            if (kp > k) dst[(long)r * kp + k] = 0;
        }
    }

    internal static void RowsToInt16(short* src, int rows, int k, short* dst, int kp)
    {
        for (int r = 0; r < rows; r++)
        {
            new ReadOnlySpan<short>(src + (long)r * k, k).CopyTo(new Span<short>(dst + (long)r * kp, k));
            if (kp > k) dst[(long)r * kp + k] = 0;
        }
    }
}
