using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace ModelOptimization.Kernels.Simd;

/// <summary>
/// The float operations a kernel body needs, for one vector width. Kernels are written once as generic methods over
/// <typeparamref name="TV"/> and a struct implementing this interface; the JIT compiles one specialised copy per width.
/// </summary>
internal interface IFloatVector<TV> where TV : struct
{
    static abstract int Count { get; }
    static abstract TV Zero { get; }
    static abstract unsafe TV Load(float* p);
    static abstract unsafe void Store(TV v, float* p);
    static abstract TV Broadcast(float x);
    /// <summary>a * b + c with a single rounding (<see cref="UnfusedFloatVector{TS, TV}"/> rounds twice).</summary>
    static abstract TV FusedMultiplyAdd(TV a, TV b, TV c);
    static abstract TV Add(TV a, TV b);
    static abstract TV Multiply(TV a, TV b);
    static abstract TV Divide(TV a, TV b);
    /// <summary>std::min(std::max(v, lo), hi) as TFLite's ActivationFunctionWithMinMax: a NaN input stays NaN.</summary>
    static abstract TV Clamp(TV v, TV lo, TV hi);
    /// <summary>std::max(a, b) = a &lt; b ? b : a (NaN in <paramref name="b"/> is ignored, as in TFLite's max pool).</summary>
    static abstract TV Max(TV a, TV b);
}

internal readonly struct FloatVector512 : IFloatVector<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;
    public static Vector512<float> Zero => Vector512<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe Vector512<float> Load(float* p) => Vector512.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe void Store(Vector512<float> v, float* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Broadcast(float x) => Vector512.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> FusedMultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Clamp(Vector512<float> v, Vector512<float> lo, Vector512<float> hi) { var y = Vector512.ConditionalSelect(Vector512.LessThan(v, lo), lo, v); return Vector512.ConditionalSelect(Vector512.LessThan(hi, y), hi, y); }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Max(Vector512<float> a, Vector512<float> b) => Vector512.ConditionalSelect(Vector512.LessThan(a, b), b, a);
}

internal readonly struct FloatVector256 : IFloatVector<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;
    public static Vector256<float> Zero => Vector256<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe Vector256<float> Load(float* p) => Vector256.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe void Store(Vector256<float> v, float* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Broadcast(float x) => Vector256.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> FusedMultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Clamp(Vector256<float> v, Vector256<float> lo, Vector256<float> hi) { var y = Vector256.ConditionalSelect(Vector256.LessThan(v, lo), lo, v); return Vector256.ConditionalSelect(Vector256.LessThan(hi, y), hi, y); }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Max(Vector256<float> a, Vector256<float> b) => Vector256.ConditionalSelect(Vector256.LessThan(a, b), b, a);
}

internal readonly struct FloatVector128 : IFloatVector<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;
    public static Vector128<float> Zero => Vector128<float>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe Vector128<float> Load(float* p) => Vector128.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe void Store(Vector128<float> v, float* p) => v.Store(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Broadcast(float x) => Vector128.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> FusedMultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Vector128.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Multiply(Vector128<float> a, Vector128<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Divide(Vector128<float> a, Vector128<float> b) => a / b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Clamp(Vector128<float> v, Vector128<float> lo, Vector128<float> hi) { var y = Vector128.ConditionalSelect(Vector128.LessThan(v, lo), lo, v); return Vector128.ConditionalSelect(Vector128.LessThan(hi, y), hi, y); }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector128<float> Max(Vector128<float> a, Vector128<float> b) => Vector128.ConditionalSelect(Vector128.LessThan(a, b), b, a);
}

/// <summary>
/// <typeparamref name="TS"/> with a·b + c rounded twice: for machines without a fused multiply-add instruction
/// (<see cref="Isa.FusedMultiplyAdd"/> false), where .NET would emulate the fused one in software. A separate type,
/// not a branch, so the JIT keeps the kernels' accumulators in registers.
/// </summary>
internal readonly struct UnfusedFloatVector<TS, TV> : IFloatVector<TV> where TS : struct, IFloatVector<TV> where TV : struct
{
    public static int Count => TS.Count;
    public static TV Zero => TS.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe TV Load(float* p) => TS.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static unsafe void Store(TV v, float* p) => TS.Store(v, p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Broadcast(float x) => TS.Broadcast(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV FusedMultiplyAdd(TV a, TV b, TV c) => TS.Add(TS.Multiply(a, b), c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Add(TV a, TV b) => TS.Add(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Multiply(TV a, TV b) => TS.Multiply(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Divide(TV a, TV b) => TS.Divide(a, b);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Clamp(TV v, TV lo, TV hi) => TS.Clamp(v, lo, hi);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static TV Max(TV a, TV b) => TS.Max(a, b);
}
