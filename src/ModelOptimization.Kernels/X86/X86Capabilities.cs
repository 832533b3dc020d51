using System.Runtime.Intrinsics.X86;

namespace ModelOptimization.Kernels.X86;

/// <summary>The only place that asks which x86 instruction sets exist.</summary>
internal static class X86Capabilities
{
    /// <summary>
    /// A fused multiply-add is one instruction (FMA3 on x86, AdvSimd on Arm64). Without it .NET emulates
    /// Vector*.FusedMultiplyAdd and MathF.FusedMultiplyAdd in software, so the float kernels use a·b + c instead.
    /// </summary>
    internal static bool HasFastFusedMultiplyAdd => Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;

    internal static bool HasPairMultiplyAdd512 => Avx512BW.IsSupported;

    internal static bool HasPairMultiplyAdd256 => Avx2.IsSupported;

    internal static bool HasPairMultiplyAdd128 => Sse2.IsSupported;
}
