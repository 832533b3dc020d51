using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelOptimization.Kernels.X86;

/// <summary>
/// The integer GEMM's inner operation for one vector width: int16 × int16 products summed in adjacent pairs into
/// int32 lanes (x86 pmaddwd). Exact: each pair sum of two products of values in [-32768, 32767] × [-255, 255]
/// fits in int32, so there is no saturation (unlike pmaddubsw).
/// </summary>
internal interface IInt16PairVector<TS, TI> where TS : struct where TI : struct
{
    /// <summary>int32 lanes per vector (= output columns per vector).</summary>
    static abstract int Count { get; }
    static abstract TI Zero { get; }
    static abstract unsafe TS Load(short* p);
    /// <summary>Broadcasts the two int16 values at <paramref name="p"/> (one 32-bit word) to every lane pair.</summary>
    static abstract unsafe TS BroadcastPair(short* p);
    /// <summary>lane j = a[2j]·b[2j] + a[2j+1]·b[2j+1], added to <paramref name="acc"/>.</summary>
    static abstract TI MultiplyAddPairs(TS a, TS b, TI acc);
    static abstract unsafe void Store(TI v, int* p);
}

internal readonly struct Int16PairVector512 : IInt16PairVector<Vector512<short>, Vector512<int>>
{
    public static int Count => 16;
    public static Vector512<int> Zero => Vector512<int>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe Vector512<short> Load(short* p) => Vector512.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe Vector512<short> BroadcastPair(short* p) => Vector512.Create(*(int*)p).AsInt16();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<int> MultiplyAddPairs(Vector512<short> a, Vector512<short> b, Vector512<int> acc) => Avx512F.Add(acc, Avx512BW.MultiplyAddAdjacent(a, b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe void Store(Vector512<int> v, int* p) => v.Store(p);
}

internal readonly struct Int16PairVector256 : IInt16PairVector<Vector256<short>, Vector256<int>>
{
    public static int Count => 8;
    public static Vector256<int> Zero => Vector256<int>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe Vector256<short> Load(short* p) => Vector256.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe Vector256<short> BroadcastPair(short* p) => Vector256.Create(*(int*)p).AsInt16();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<int> MultiplyAddPairs(Vector256<short> a, Vector256<short> b, Vector256<int> acc) => Avx2.Add(acc, Avx2.MultiplyAddAdjacent(a, b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe void Store(Vector256<int> v, int* p) => v.Store(p);
}

internal readonly struct Int16PairVector128 : IInt16PairVector<Vector128<short>, Vector128<int>>
{
    public static int Count => 4;
    public static Vector128<int> Zero => Vector128<int>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe Vector128<short> Load(short* p) => Vector128.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe Vector128<short> BroadcastPair(short* p) => Vector128.Create(*(int*)p).AsInt16();
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<int> MultiplyAddPairs(Vector128<short> a, Vector128<short> b, Vector128<int> acc) => Sse2.Add(acc, Sse2.MultiplyAddAdjacent(a, b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe void Store(Vector128<int> v, int* p) => v.Store(p);
}
