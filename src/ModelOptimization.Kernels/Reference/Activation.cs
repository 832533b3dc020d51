namespace ModelOptimization.Kernels.Reference;

/// <summary>Scalar float activations as TFLite's reference_ops: the specification of <see cref="Kernels.Activation"/>.</summary>
public static class Activation
{
    public static void Relu(ReadOnlySpan<float> x, Span<float> y) { for (int i = 0; i < x.Length; i++) y[i] = x[i] < 0f ? 0f : x[i]; }

    public static void Relu6(ReadOnlySpan<float> x, Span<float> y) { for (int i = 0; i < x.Length; i++) y[i] = x[i] > 6f ? 6f : x[i] < 0f ? 0f : x[i]; }

    public static void ReluN1To1(ReadOnlySpan<float> x, Span<float> y) { for (int i = 0; i < x.Length; i++) y[i] = x[i] > 1f ? 1f : x[i] < -1f ? -1f : x[i]; }

    /// <summary>TFLite: x &gt; 16.619047 → 1; x &lt; −9 → exp(x); else 1 / (1 + exp(−x)).</summary>
    public static void Logistic(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            y[i] = v > Kernels.Activation.LogisticUpperCutoff ? 1f : v < Kernels.Activation.LogisticLowerCutoff ? MathF.Exp(v) : 1f / (1f + MathF.Exp(-v));
        }
    }

    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) { for (int i = 0; i < x.Length; i++) y[i] = MathF.Tanh(x[i]); }

    /// <summary>x · min(6, max(0, x + 3)) / 6.</summary>
    public static void HardSwish(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float v = x[i];
            float t = v + 3f;
            t = t < 0f ? 0f : t;
            t = 6f < t ? 6f : t;
            y[i] = v * t / 6f;
        }
    }

    public static void LeakyRelu(ReadOnlySpan<float> x, Span<float> y, float alpha) { for (int i = 0; i < x.Length; i++) y[i] = x[i] > 0f ? x[i] : x[i] * alpha; }

    public static void Exp(ReadOnlySpan<float> x, Span<float> y) { for (int i = 0; i < x.Length; i++) y[i] = MathF.Exp(x[i]); }

    public static void Log(ReadOnlySpan<float> x, Span<float> y) { for (int i = 0; i < x.Length; i++) y[i] = MathF.Log(x[i]); }

    public static void Sqrt(ReadOnlySpan<float> x, Span<float> y) { for (int i = 0; i < x.Length; i++) y[i] = MathF.Sqrt(x[i]); }

    public static void Rsqrt(ReadOnlySpan<float> x, Span<float> y) { for (int i = 0; i < x.Length; i++) y[i] = 1f / MathF.Sqrt(x[i]); }

    public static void Sin(ReadOnlySpan<float> x, Span<float> y) { for (int i = 0; i < x.Length; i++) y[i] = MathF.Sin(x[i]); }

    public static void Cos(ReadOnlySpan<float> x, Span<float> y) { for (int i = 0; i < x.Length; i++) y[i] = MathF.Cos(x[i]); }

    /// <summary>Per row of <paramref name="depth"/>: max; e = exp((x − max)·beta); out = e / Σe.</summary>
    public static void Softmax(ReadOnlySpan<float> x, Span<float> y, int rows, int depth, float beta)
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = x.Slice(r * depth, depth);
            Span<float> o = y.Slice(r * depth, depth);
            float max = float.MinValue;
            foreach (float v in row) max = Math.Max(max, v);
            float sum = 0f;
            for (int c = 0; c < depth; c++)
            {
                o[c] = MathF.Exp((row[c] - max) * beta);
                sum += o[c];
            }

            for (int c = 0; c < depth; c++) o[c] /= sum;
        }
    }

    /// <summary>Per row: max; out = x − max − log(Σ exp(x − max)).</summary>
    public static void LogSoftmax(ReadOnlySpan<float> x, Span<float> y, int rows, int depth)
    {
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<float> row = x.Slice(r * depth, depth);
            float max = float.MinValue;
            foreach (float v in row) max = Math.Max(max, v);
            float sum = 0f;
            foreach (float v in row) sum += MathF.Exp(v - max);
            float logSum = MathF.Log(sum);
            for (int c = 0; c < depth; c++) y[r * depth + c] = row[c] - max - logSum;
        }
    }
}
