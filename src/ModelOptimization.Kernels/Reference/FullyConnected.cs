namespace ModelOptimization.Kernels.Reference;

/// <summary>
/// Scalar fully-connected kernels that read like TFLite's reference_ops / reference_integer_ops: the specification
/// the fast <see cref="Kernels.FullyConnected"/> must match (bit for bit for integers). Output[m, n] for input
/// [M×K] and weights [N×K] row-major.
/// </summary>
public static class FullyConnected
{
    /// <summary>out = clamp(Σ_k in·w + bias, min, max); the sum runs over k in order, unfused.</summary>
    public static void Float(ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        Span<float> output, int m, int n, int k, float activationMin, float activationMax)
    {
        for (int b = 0; b < m; b++)
        {
            for (int o = 0; o < n; o++)
            {
                float total = 0f;
                for (int d = 0; d < k; d++) total += input[b * k + d] * weights[o * k + d];
                float biasValue = bias.IsEmpty ? 0f : bias[o];
                output[b * n + o] = Scalar.Clamp(total + biasValue, activationMin, activationMax);
            }
        }
    }

    /// <summary>acc = Σ (in − inZp)·w + bias; out = clamp(MultiplyByQuantizedMultiplier(acc, mult[o], shift[o]) + outZp).</summary>
    public static void Int8PerChannel(ReadOnlySpan<sbyte> input, int inputZeroPoint, ReadOnlySpan<sbyte> weights,
        ReadOnlySpan<int> bias, ReadOnlySpan<int> outputMultiplier, ReadOnlySpan<int> outputShift, int outputZeroPoint,
        Span<sbyte> output, int m, int n, int k, int activationMin, int activationMax)
        => Int8PerChannel(input, inputZeroPoint, weights, 0, bias, outputMultiplier, outputShift, outputZeroPoint,
            output, m, n, k, activationMin, activationMax);

    /// <summary>
    /// As reference_integer_ops::FullyConnected with a filter offset: acc = Σ (in − inZp)(w − wZp) + bias;
    /// out = clamp(MultiplyByQuantizedMultiplier(acc, mult[o], shift[o]) + outZp).
    /// </summary>
    public static void Int8PerChannel(ReadOnlySpan<sbyte> input, int inputZeroPoint, ReadOnlySpan<sbyte> weights,
        int weightsZeroPoint, ReadOnlySpan<int> bias, ReadOnlySpan<int> outputMultiplier, ReadOnlySpan<int> outputShift,
        int outputZeroPoint, Span<sbyte> output, int m, int n, int k, int activationMin, int activationMax)
    {
        for (int b = 0; b < m; b++)
        {
            for (int o = 0; o < n; o++)
            {
                int acc = 0;
                for (int d = 0; d < k; d++) acc += (input[b * k + d] - inputZeroPoint) * (weights[o * k + d] - weightsZeroPoint);
                if (!bias.IsEmpty) acc += bias[o];
                int c = outputMultiplier.Length == 1 ? 0 : o;
                acc = FixedPoint.MultiplyByQuantizedMultiplier(acc, outputMultiplier[c], outputShift[c]);
                acc += outputZeroPoint;
                output[b * n + o] = (sbyte)Math.Min(Math.Max(acc, activationMin), activationMax);
            }
        }
    }

    /// <summary>Legacy uint8: acc = Σ (in − inZp)(w − wZp) + bias; out = clamp(MultiplyByQuantizedMultiplier(acc) + outZp).</summary>
    public static void UInt8(ReadOnlySpan<byte> input, int inputZeroPoint, ReadOnlySpan<byte> weights, int weightsZeroPoint,
        ReadOnlySpan<int> bias, int outputMultiplier, int outputShift, int outputZeroPoint, Span<byte> output,
        int m, int n, int k, int activationMin, int activationMax)
    {
        for (int b = 0; b < m; b++)
        {
            for (int o = 0; o < n; o++)
            {
                int acc = 0;
                for (int d = 0; d < k; d++) acc += (input[b * k + d] - inputZeroPoint) * (weights[o * k + d] - weightsZeroPoint);
                if (!bias.IsEmpty) acc += bias[o];
                acc = FixedPoint.MultiplyByQuantizedMultiplier(acc, outputMultiplier, outputShift);
                acc += outputZeroPoint;
                output[b * n + o] = (byte)Math.Min(Math.Max(acc, activationMin), activationMax);
            }
        }
    }

    /// <summary>16x8: acc (int64) = Σ in·w + bias; out = clamp(MultiplyByQuantizedMultiplier(acc as int64, mult, shift)).</summary>
    public static void Int16x8(ReadOnlySpan<short> input, ReadOnlySpan<sbyte> weights, ReadOnlySpan<long> bias,
        ReadOnlySpan<int> multiplier, ReadOnlySpan<int> shift, Span<short> output, int m, int n, int k,
        int activationMin, int activationMax)
    {
        for (int b = 0; b < m; b++)
        {
            for (int o = 0; o < n; o++)
            {
                long acc = 0;
                for (int d = 0; d < k; d++) acc += weights[o * k + d] * input[b * k + d];
                if (!bias.IsEmpty) acc += bias[o];
                int c = multiplier.Length == 1 ? 0 : o;
                int scaled = FixedPoint.MultiplyByQuantizedMultiplier(acc, multiplier[c], shift[c]);
                output[b * n + o] = (short)Math.Min(Math.Max(scaled, activationMin), activationMax);
            }
        }
    }

    /// <summary>
    /// Dynamic-range (hybrid) FC as TFLite's EvalHybrid with the portable tensor_utils: each input row is quantized
    /// to int8 (see <see cref="Quantization.QuantizeRowSymmetric"/> / <see cref="Quantization.QuantizeRowAsymmetric"/>),
    /// dot = Σ q·w in int32, for asymmetric rows dot = (int)((float)dot − (float)Σw · (float)offset), then
    /// out = clamp(bias + (float)dot · (rowScale · weightScale)).
    /// </summary>
    public static void Hybrid(ReadOnlySpan<float> input, ReadOnlySpan<sbyte> weights, ReadOnlySpan<float> weightScales,
        ReadOnlySpan<float> bias, Span<float> output, int m, int n, int k, bool asymmetricInputs,
        float activationMin, float activationMax, Span<sbyte> scratchQuantizedInput, Span<float> scratchScales,
        Span<int> scratchOffsets)
    {
        for (int b = 0; b < m; b++)
        {
            Span<sbyte> q = scratchQuantizedInput.Slice(b * k, k);
            if (asymmetricInputs)
            {
                Quantization.QuantizeRowAsymmetric(input.Slice(b * k, k), q, out scratchScales[b], out scratchOffsets[b]);
            }
            else
            {
                Quantization.QuantizeRowSymmetric(input.Slice(b * k, k), q, out scratchScales[b]);
                if (!scratchOffsets.IsEmpty) scratchOffsets[b] = 0;
            }
        }

        for (int b = 0; b < m; b++)
        {
            for (int o = 0; o < n; o++)
            {
                int dot = 0;
                int rowSum = 0;
                for (int d = 0; d < k; d++)
                {
                    dot += weights[o * k + d] * scratchQuantizedInput[b * k + d];
                    rowSum += weights[o * k + d];
                }

                if (asymmetricInputs) dot = (int)((float)dot - rowSum * (float)scratchOffsets[b]);
                float scale = scratchScales[b] * weightScales[weightScales.Length == 1 ? 0 : o];
                float result = (bias.IsEmpty ? 0f : bias[o]) + dot * scale;
                output[b * n + o] = Scalar.Clamp(result, activationMin, activationMax);
            }
        }
    }
}
