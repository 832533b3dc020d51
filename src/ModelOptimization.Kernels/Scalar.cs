using System.Runtime.CompilerServices;

namespace ModelOptimization.Kernels;

/// <summary>Scalar helpers with TFLite's exact semantics, shared by the reference and the fast kernels.</summary>
internal static class Scalar
{
    /// <summary>std::min(std::max(x, lo), hi): a NaN input stays NaN (TFLite ActivationFunctionWithMinMax).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Clamp(float x, float lo, float hi)
    {
        float y = x < lo ? lo : x;
        return hi < y ? hi : y;
    }

    /// <summary>a·b + c as the vector paths compute it: fused where <see cref="Isa.FusedMultiplyAdd"/>, else two roundings.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float MultiplyAdd(float a, float b, float c) => Isa.FusedMultiplyAdd ? MathF.FusedMultiplyAdd(a, b, c) : a * b + c;
}
