using System.Runtime.Intrinsics;

namespace ModelOptimization.Kernels.Simd;

/// <summary>An element-wise float operation with a body per vector width, as TensorPrimitives' operator structs.</summary>
internal interface IUnaryFloatOperator
{
    float Invoke(float x);
    Vector128<float> Invoke(Vector128<float> x);
    Vector256<float> Invoke(Vector256<float> x);
    Vector512<float> Invoke(Vector512<float> x);
}

/// <summary>The loop, the tail and the Vector512 → 256 → 128 → scalar dispatch, written once.</summary>
internal static unsafe class UnaryFloatLoop
{
    internal static void Run<TOp>(ReadOnlySpan<float> x, Span<float> destination, TOp op) where TOp : struct, IUnaryFloatOperator
    {
        Guard.Length(destination.Length, x.Length, nameof(destination));
        int n = x.Length, i = 0;
        int bits = Isa.ElementwiseBits;
        fixed (float* px = x)
        fixed (float* pd = destination)
        {
            if (bits >= 512)
                for (; i <= n - 16; i += 16) op.Invoke(Vector512.Load(px + i)).Store(pd + i);
            if (bits >= 256)
                for (; i <= n - 8; i += 8) op.Invoke(Vector256.Load(px + i)).Store(pd + i);
            if (bits >= 128)
                for (; i <= n - 4; i += 4) op.Invoke(Vector128.Load(px + i)).Store(pd + i);
            for (; i < n; i++) pd[i] = op.Invoke(px[i]);
        }
    }
}
