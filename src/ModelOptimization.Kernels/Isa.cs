using System.Runtime.Intrinsics;
using ModelOptimization.Kernels.X86;

namespace ModelOptimization.Kernels;

/// <summary>
/// Chooses the vector width the kernels use. The choice is made once per kernel call (never per element) and is
/// passed down, so worker threads use the same path as the caller.
/// </summary>
internal static class Isa
{
    /// <summary>
    /// Upper bound on the vector width: 512, 256, 128 or 0 (scalar). Tests lower it to run the narrower paths
    /// in-process; every path gives the same integer results (and the same float GEMM results), so tests running
    /// in parallel with a lowered bound still pass. The .NET switches DOTNET_EnableAVX512=0, DOTNET_EnableAVX2=0 and
    /// DOTNET_EnableHWIntrinsic=0 lower what the hardware reports instead.
    /// </summary>
    internal static volatile int MaxVectorBits = 512;

    /// <summary>Width in bits of the float path (Vector512/256/128), or 0 for scalar.</summary>
    internal static int FloatBits => ElementwiseBits;

    /// <summary>
    /// Whether float kernels fuse a·b + c (one rounding). Fixed for the process, so every path of one process gives
    /// the same bits; a machine without FMA rounds twice (results then differ from an FMA machine by rounding only).
    /// </summary>
    internal static bool FusedMultiplyAdd => X86Capabilities.HasFastFusedMultiplyAdd;

    /// <summary>Width in bits of the int16 pair multiply-add path (x86 pmaddwd), or 0 for scalar.</summary>
    internal static int Int16PairBits
    {
        get
        {
            int max = MaxVectorBits;
            if (max >= 512 && X86Capabilities.HasPairMultiplyAdd512) return 512;
            if (max >= 256 && X86Capabilities.HasPairMultiplyAdd256) return 256;
            if (max >= 128 && X86Capabilities.HasPairMultiplyAdd128) return 128;
            return 0;
        }
    }

    /// <summary>Width in bits for plain element-wise work on the cross-platform vector types, or 0.</summary>
    internal static int ElementwiseBits
    {
        get
        {
            int max = MaxVectorBits;
            if (max >= 512 && Vector512.IsHardwareAccelerated) return 512;
            if (max >= 256 && Vector256.IsHardwareAccelerated) return 256;
            if (max >= 128 && Vector128.IsHardwareAccelerated) return 128;
            return 0;
        }
    }
}
