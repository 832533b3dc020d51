using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using ModelOptimization.Kernels.Simd;

namespace ModelOptimization.Kernels;

/// <summary>
/// Float activations (TFLite reference semantics), vectorized; TensorPrimitives where it already does the job.
/// Relu, Relu6, ReluN1To1, LeakyRelu and HardSwish equal <see cref="Reference.Activation"/> bit for bit; the
/// transcendental ones (Logistic, Tanh, Exp, Log, Sin, Cos, Softmax, LogSoftmax) are within a few ulp (tested to a
/// relative 1e-5 or an absolute 1e-6). Integer activations are left to the runtime (TFLite's int8 LUTs depend on
/// its float libm, so bit-exactness could not be promised here).
/// </summary>
public static class Activation
{
    internal const float LogisticUpperCutoff = 16.619047164916992188f;
    internal const float LogisticLowerCutoff = -9f;

    /// <summary>y = x &lt; 0 ? 0 : x (NaN stays NaN).</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y) => UnaryFloatLoop.Run(x, y, new ClampOperator(0f, float.PositiveInfinity));

    /// <summary>y = x &gt; 6 ? 6 : x &lt; 0 ? 0 : x.</summary>
    public static void Relu6(ReadOnlySpan<float> x, Span<float> y) => UnaryFloatLoop.Run(x, y, new ClampOperator(0f, 6f));

    /// <summary>y = x &gt; 1 ? 1 : x &lt; −1 ? −1 : x.</summary>
    public static void ReluN1To1(ReadOnlySpan<float> x, Span<float> y) => UnaryFloatLoop.Run(x, y, new ClampOperator(-1f, 1f));

    /// <summary>y = x &gt; 0 ? x : x·alpha.</summary>
    public static void LeakyRelu(ReadOnlySpan<float> x, Span<float> y, float alpha) => UnaryFloatLoop.Run(x, y, new LeakyReluOperator(alpha));

    /// <summary>y = x · min(6, max(0, x + 3)) / 6.</summary>
    public static void HardSwish(ReadOnlySpan<float> x, Span<float> y) => UnaryFloatLoop.Run(x, y, new HardSwishOperator());

    /// <summary>TFLite's float logistic: 1 above 16.619, exp(x) below −9, else 1 / (1 + exp(−x)).</summary>
    public static void Logistic(ReadOnlySpan<float> x, Span<float> y)
    {
        Guard.Length(y.Length, x.Length, nameof(y));
        if (x.IsEmpty) return;
        TensorPrimitives.Sigmoid(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            if (v < LogisticLowerCutoff) y[i] = MathF.Exp(v);
            else if (v > LogisticUpperCutoff) y[i] = 1f;
        }
    }

    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) { if (!x.IsEmpty) TensorPrimitives.Tanh(x, y); }

    public static void Exp(ReadOnlySpan<float> x, Span<float> y) { if (!x.IsEmpty) TensorPrimitives.Exp(x, y); }

    public static void Log(ReadOnlySpan<float> x, Span<float> y) { if (!x.IsEmpty) TensorPrimitives.Log(x, y); }

    public static void Sqrt(ReadOnlySpan<float> x, Span<float> y) { if (!x.IsEmpty) TensorPrimitives.Sqrt(x, y); }

    /// <summary>y = 1 / sqrt(x) (not an estimate).</summary>
    public static void Rsqrt(ReadOnlySpan<float> x, Span<float> y) { if (!x.IsEmpty) TensorPrimitives.ReciprocalSqrt(x, y); }

    public static void Sin(ReadOnlySpan<float> x, Span<float> y) { if (!x.IsEmpty) TensorPrimitives.Sin(x, y); }

    public static void Cos(ReadOnlySpan<float> x, Span<float> y) { if (!x.IsEmpty) TensorPrimitives.Cos(x, y); }

    /// <summary>Softmax along the last axis (<paramref name="rows"/> × <paramref name="depth"/>): exp((x − max)·beta) / Σ.</summary>
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y, int rows, int depth, float beta)
    {
        Guard.Length(x.Length, (long)rows * depth, nameof(x));
        Guard.Length(y.Length, (long)rows * depth, nameof(y));
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = x.Slice(r * depth, depth);
            Span<float> o = y.Slice(r * depth, depth);
            if (depth == 0) continue;
            float max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, o);
            TensorPrimitives.Multiply(o, beta, o);
            TensorPrimitives.Exp(o, o);
            TensorPrimitives.Divide(o, TensorPrimitives.Sum(o), o);
        }
    }

    /// <summary>LogSoftmax along the last axis: x − max − log(Σ exp(x − max)).</summary>
    public static void LogSoftmax(ReadOnlySpan<float> x, Span<float> y, int rows, int depth)
    {
        Guard.Length(x.Length, (long)rows * depth, nameof(x));
        Guard.Length(y.Length, (long)rows * depth, nameof(y));
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = x.Slice(r * depth, depth);
            Span<float> o = y.Slice(r * depth, depth);
            if (depth == 0) continue;
            float max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, o);
            TensorPrimitives.Exp(o, o);
            float logSum = MathF.Log(TensorPrimitives.Sum(o));
            TensorPrimitives.Subtract(row, max, o);
            TensorPrimitives.Subtract(o, logSum, o);
        }
    }

    /// <summary>y = x &gt; hi ? hi : x &lt; lo ? lo : x (NaN stays NaN; the reference's comparisons).</summary>
    private readonly struct ClampOperator(float lo, float hi) : IUnaryFloatOperator
    {
        public float Invoke(float x) => x > hi ? hi : x < lo ? lo : x;
        public Vector128<float> Invoke(Vector128<float> x) => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128.Create(hi)), Vector128.Create(hi), Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128.Create(lo)), Vector128.Create(lo), x));
        public Vector256<float> Invoke(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(hi)), Vector256.Create(hi), Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(lo)), Vector256.Create(lo), x));
        public Vector512<float> Invoke(Vector512<float> x) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512.Create(hi)), Vector512.Create(hi), Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(lo)), Vector512.Create(lo), x));
    }

    private readonly struct LeakyReluOperator(float alpha) : IUnaryFloatOperator
    {
        public float Invoke(float x) => x > 0f ? x : x * alpha;
        public Vector128<float> Invoke(Vector128<float> x) => Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128<float>.Zero), x, x * alpha);
        public Vector256<float> Invoke(Vector256<float> x) => Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * alpha);
        public Vector512<float> Invoke(Vector512<float> x) => Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, x * alpha);
    }

    /// <summary>t = x + 3; t = t &lt; 0 ? 0 : t; t = 6 &lt; t ? 6 : t; y = x·t / 6.</summary>
    private readonly struct HardSwishOperator : IUnaryFloatOperator
    {
        public float Invoke(float x)
        {
            float t = x + 3f;
            t = t < 0f ? 0f : t;
            t = 6f < t ? 6f : t;
            return x * t / 6f;
        }

        public Vector128<float> Invoke(Vector128<float> x)
        {
            Vector128<float> t = x + Vector128.Create(3f);
            t = Vector128.ConditionalSelect(Vector128.LessThan(t, Vector128<float>.Zero), Vector128<float>.Zero, t);
            t = Vector128.ConditionalSelect(Vector128.LessThan(Vector128.Create(6f), t), Vector128.Create(6f), t);
            return x * t / Vector128.Create(6f);
        }

        public Vector256<float> Invoke(Vector256<float> x)
        {
            Vector256<float> t = x + Vector256.Create(3f);
            t = Vector256.ConditionalSelect(Vector256.LessThan(t, Vector256<float>.Zero), Vector256<float>.Zero, t);
            t = Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Create(6f), t), Vector256.Create(6f), t);
            return x * t / Vector256.Create(6f);
        }

        public Vector512<float> Invoke(Vector512<float> x)
        {
            Vector512<float> t = x + Vector512.Create(3f);
            t = Vector512.ConditionalSelect(Vector512.LessThan(t, Vector512<float>.Zero), Vector512<float>.Zero, t);
            t = Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Create(6f), t), Vector512.Create(6f), t);
            return x * t / Vector512.Create(6f);
        }
    }
}
