using System.Buffers;
using ModelOptimization.Kernels.Gemm;

namespace ModelOptimization.Kernels;

/// <summary>
/// Fully connected layers (GEMM): output[M×N] from input A [M×K] row-major and weights W [N×K] row-major (TFLite's
/// layout), output[m, n] = f(Σ_k A[m, k] · W[n, k]). Each method has a scalar twin of the same name in
/// <see cref="Reference.FullyConnected"/> that is its specification.
/// <para>
/// Threads: output panels of columns (or blocks of rows) are split between <c>threadCount</c> threads; a dot
/// product is never split, so results do not depend on the thread count. Weights given as a span are packed on
/// every call (pooled memory); pack them once with <see cref="PackedWeights"/> and use the overloads that take it.
/// </para>
/// </summary>
public static unsafe class FullyConnected
{
    /// <summary>
    /// out = clamp(Σ_k in·w + bias[n], activationMin, activationMax). Each output is one multiply-add chain over k in
    /// order (fused where the CPU has FMA), then + bias (0 when empty), then the clamp (std::min(std::max(x, min), max):
    /// NaN stays NaN). It differs from the unfused reference by rounding only (tested to 1e-5 relative plus 1e-5·K
    /// absolute for values in [−1, 1]) and, on one machine, is identical across SIMD paths and thread counts.
    /// </summary>
    public static void Float(ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> output,
        int m, int n, int k, float activationMin, float activationMax, int threadCount)
    {
        CheckShapes(input.Length, weights.Length, output.Length, bias.Length, m, n, k);
        int nr = FloatGemm.PanelWidthFor(Isa.FloatBits, n);
        float[] packed = ArrayPool<float>.Shared.Rent(Math.Max(1, FloatGemm.PackedLength(n, k, nr)));
        try
        {
            FloatGemm.Pack(weights, n, k, nr, packed);
            FloatCore(input, packed, nr, bias, output, m, n, k, activationMin, activationMax, threadCount);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(packed);
        }
    }

    /// <summary><see cref="Float(ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int, int, float, float, int)"/> with weights packed in prepare.</summary>
    public static void Float(ReadOnlySpan<float> input, PackedWeights weights, ReadOnlySpan<float> bias, Span<float> output,
        int m, float activationMin, float activationMax, int threadCount)
    {
        ArgumentNullException.ThrowIfNull(weights);
        weights.Expect(PackedWeightsKind.Float32, weights.OutputChannels, weights.Depth);
        int n = weights.OutputChannels, k = weights.Depth;
        CheckShapes(input.Length, n * k, output.Length, bias.Length, m, n, k);
        FloatCore(input, weights.Float!, weights.PanelWidth, bias, output, m, n, k, activationMin, activationMax, threadCount);
    }

    private static void FloatCore(ReadOnlySpan<float> input, ReadOnlySpan<float> packed, int nr, ReadOnlySpan<float> bias,
        Span<float> output, int m, int n, int k, float lo, float hi, int threadCount)
    {
        fixed (float* a = input)
        fixed (float* b = packed)
        fixed (float* pb = bias)
        fixed (float* c = output)
        {
            GemmDriver.Float(a, k, b, nr, m, n, k, bias.IsEmpty ? null : pb, c, n, lo, hi, threadCount);
        }
    }

    /// <summary>
    /// int8 with per-channel (or per-tensor) requantization, TFLite reference_integer_ops::FullyConnected(PerChannel):
    /// acc = Σ_k (in − inputZeroPoint)·w + bias[n] (int32, wrapping), out = clamp(MultiplyByQuantizedMultiplier(acc,
    /// mult[n], shift[n]) + outputZeroPoint, activationMin, activationMax). Pass the zero point itself (TFLite's
    /// input_offset is its negation). Weights are symmetric (zero point 0). Bit-exact.
    /// </summary>
    public static void Int8PerChannel(ReadOnlySpan<sbyte> input, int inputZeroPoint, ReadOnlySpan<sbyte> weights,
        ReadOnlySpan<int> bias, ReadOnlySpan<int> outputMultiplier, ReadOnlySpan<int> outputShift, int outputZeroPoint,
        Span<sbyte> output, int m, int n, int k, int activationMin, int activationMax, int threadCount)
    {
        CheckShapes(input.Length, weights.Length, output.Length, bias.Length, m, n, k);
        int nr = Int16Gemm.PanelWidthFor(Isa.Int16PairBits);
        short[] packed = ArrayPool<short>.Shared.Rent(Math.Max(1, Int16Gemm.PackedLength(n, k, nr)));
        try
        {
            Int16Gemm.PackInt8(weights, n, k, nr, packed);
            Int8Core(input, inputZeroPoint, packed, nr, bias, outputMultiplier, outputShift, outputZeroPoint, output, m, n, k,
                activationMin, activationMax, threadCount);
        }
        finally
        {
            ArrayPool<short>.Shared.Return(packed);
        }
    }

    /// <summary>Int8PerChannel with weights packed in prepare by <see cref="PackedWeights.PackInt8"/>.</summary>
    public static void Int8PerChannel(ReadOnlySpan<sbyte> input, int inputZeroPoint, PackedWeights weights,
        ReadOnlySpan<int> bias, ReadOnlySpan<int> outputMultiplier, ReadOnlySpan<int> outputShift, int outputZeroPoint,
        Span<sbyte> output, int m, int activationMin, int activationMax, int threadCount)
    {
        ArgumentNullException.ThrowIfNull(weights);
        weights.Expect(PackedWeightsKind.Int8, weights.OutputChannels, weights.Depth);
        int n = weights.OutputChannels, k = weights.Depth;
        CheckShapes(input.Length, n * k, output.Length, bias.Length, m, n, k);
        Int8Core(input, inputZeroPoint, weights.Int16!, weights.PanelWidth, bias, outputMultiplier, outputShift, outputZeroPoint,
            output, m, n, k, activationMin, activationMax, threadCount);
    }

    private static void Int8Core(ReadOnlySpan<sbyte> input, int inputZeroPoint, ReadOnlySpan<short> packed, int nr,
        ReadOnlySpan<int> bias, ReadOnlySpan<int> outputMultiplier, ReadOnlySpan<int> outputShift, int outputZeroPoint,
        Span<sbyte> output, int m, int n, int k, int lo, int hi, int threadCount)
    {
        bool perChannel = Guard.PerChannel(outputMultiplier.Length, n, nameof(outputMultiplier));
        Guard.Length(outputShift.Length, outputMultiplier.Length, nameof(outputShift));
        int kp = Int16Gemm.PaddedDepth(k);
        short[] a16 = ArrayPool<short>.Shared.Rent(Math.Max(1, m * kp));
        try
        {
            fixed (sbyte* src = input)
            fixed (short* a = a16)
            fixed (short* b = packed)
            fixed (int* pb = bias)
            fixed (int* mult = outputMultiplier)
            fixed (int* shift = outputShift)
            fixed (sbyte* c = output)
            {
                Widen.RowsToInt16(src, m, k, inputZeroPoint, a, kp);
                var epilogue = new Int8OutputEpilogue
                {
                    Output = c, Ldc = n, Bias = bias.IsEmpty ? null : pb, Multiplier = mult, Shift = shift, PerChannel = perChannel,
                    ZeroPoint = outputZeroPoint, Min = lo, Max = hi,
                };
                GemmDriver.Int16(a, kp, b, nr, m, n, int.MaxValue, epilogue, threadCount);
            }
        }
        finally
        {
            ArrayPool<short>.Shared.Return(a16);
        }
    }

    /// <summary>
    /// Legacy uint8 (asymmetric weights), TFLite reference_ops::FullyConnected for uint8:
    /// acc = Σ (in − inputZeroPoint)(w − weightsZeroPoint) + bias[n]; out = clamp(MultiplyByQuantizedMultiplier(acc,
    /// outputMultiplier, outputShift) + outputZeroPoint). Bit-exact.
    /// </summary>
    public static void UInt8(ReadOnlySpan<byte> input, int inputZeroPoint, ReadOnlySpan<byte> weights, int weightsZeroPoint,
        ReadOnlySpan<int> bias, int outputMultiplier, int outputShift, int outputZeroPoint, Span<byte> output,
        int m, int n, int k, int activationMin, int activationMax, int threadCount)
    {
        CheckShapes(input.Length, weights.Length, output.Length, bias.Length, m, n, k);
        int nr = Int16Gemm.PanelWidthFor(Isa.Int16PairBits);
        short[] packed = ArrayPool<short>.Shared.Rent(Math.Max(1, Int16Gemm.PackedLength(n, k, nr)));
        try
        {
            Int16Gemm.PackUInt8(weights, weightsZeroPoint, n, k, nr, packed);
            UInt8Core(input, inputZeroPoint, packed, nr, bias, outputMultiplier, outputShift, outputZeroPoint, output, m, n, k,
                activationMin, activationMax, threadCount);
        }
        finally
        {
            ArrayPool<short>.Shared.Return(packed);
        }
    }

    /// <summary>UInt8 with weights packed in prepare by <see cref="PackedWeights.PackUInt8"/> (which holds the weights' zero point).</summary>
    public static void UInt8(ReadOnlySpan<byte> input, int inputZeroPoint, PackedWeights weights, ReadOnlySpan<int> bias,
        int outputMultiplier, int outputShift, int outputZeroPoint, Span<byte> output, int m, int activationMin, int activationMax,
        int threadCount)
    {
        ArgumentNullException.ThrowIfNull(weights);
        weights.Expect(PackedWeightsKind.UInt8, weights.OutputChannels, weights.Depth);
        int n = weights.OutputChannels, k = weights.Depth;
        CheckShapes(input.Length, n * k, output.Length, bias.Length, m, n, k);
        UInt8Core(input, inputZeroPoint, weights.Int16!, weights.PanelWidth, bias, outputMultiplier, outputShift, outputZeroPoint,
            output, m, n, k, activationMin, activationMax, threadCount);
    }

    private static void UInt8Core(ReadOnlySpan<byte> input, int inputZeroPoint, ReadOnlySpan<short> packed, int nr,
        ReadOnlySpan<int> bias, int outputMultiplier, int outputShift, int outputZeroPoint, Span<byte> output,
        int m, int n, int k, int lo, int hi, int threadCount)
    {
        int kp = Int16Gemm.PaddedDepth(k);
        short[] a16 = ArrayPool<short>.Shared.Rent(Math.Max(1, m * kp));
        try
        {
            fixed (byte* src = input)
            fixed (short* a = a16)
            fixed (short* b = packed)
            fixed (int* pb = bias)
            fixed (byte* c = output)
            {
                Widen.RowsToInt16(src, m, k, inputZeroPoint, a, kp);
                var epilogue = new UInt8OutputEpilogue
                {
                    Output = c, Ldc = n, Bias = bias.IsEmpty ? null : pb, Multiplier = outputMultiplier, Shift = outputShift,
                    ZeroPoint = outputZeroPoint, Min = lo, Max = hi,
                };
                GemmDriver.Int16(a, kp, b, nr, m, n, int.MaxValue, epilogue, threadCount);
            }
        }
        finally
        {
            ArrayPool<short>.Shared.Return(a16);
        }
    }

    /// <summary>
    /// 16x8 (int16 activations with zero point 0, int8 weights), TFLite reference_integer_ops::FullyConnected for
    /// int16: acc = Σ in·w + bias[n] in int64; out = clamp(MultiplyByQuantizedMultiplier(acc as int64, mult, shift)).
    /// <paramref name="multiplier"/>/<paramref name="shift"/> hold 1 (per tensor) or N values. Bit-exact.
    /// </summary>
    public static void Int16x8(ReadOnlySpan<short> input, ReadOnlySpan<sbyte> weights, ReadOnlySpan<long> bias,
        ReadOnlySpan<int> multiplier, ReadOnlySpan<int> shift, Span<short> output, int m, int n, int k,
        int activationMin, int activationMax, int threadCount)
    {
        CheckShapes(input.Length, weights.Length, output.Length, bias.Length, m, n, k);
        int nr = Int16Gemm.PanelWidthFor(Isa.Int16PairBits);
        short[] packed = ArrayPool<short>.Shared.Rent(Math.Max(1, Int16Gemm.PackedLength(n, k, nr)));
        try
        {
            Int16Gemm.PackInt8(weights, n, k, nr, packed);
            Int16x8Core(input, packed, nr, bias, multiplier, shift, output, m, n, k, activationMin, activationMax, threadCount);
        }
        finally
        {
            ArrayPool<short>.Shared.Return(packed);
        }
    }

    /// <summary>Int16x8 with weights packed in prepare by <see cref="PackedWeights.PackInt8"/>.</summary>
    public static void Int16x8(ReadOnlySpan<short> input, PackedWeights weights, ReadOnlySpan<long> bias,
        ReadOnlySpan<int> multiplier, ReadOnlySpan<int> shift, Span<short> output, int m, int activationMin, int activationMax,
        int threadCount)
    {
        ArgumentNullException.ThrowIfNull(weights);
        weights.Expect(PackedWeightsKind.Int8, weights.OutputChannels, weights.Depth);
        int n = weights.OutputChannels, k = weights.Depth;
        CheckShapes(input.Length, n * k, output.Length, bias.Length, m, n, k);
        Int16x8Core(input, weights.Int16!, weights.PanelWidth, bias, multiplier, shift, output, m, n, k, activationMin, activationMax, threadCount);
    }

    private static void Int16x8Core(ReadOnlySpan<short> input, ReadOnlySpan<short> packed, int nr, ReadOnlySpan<long> bias,
        ReadOnlySpan<int> multiplier, ReadOnlySpan<int> shift, Span<short> output, int m, int n, int k, int lo, int hi, int threadCount)
    {
        bool perChannel = Guard.PerChannel(multiplier.Length, n, nameof(multiplier));
        Guard.Length(shift.Length, multiplier.Length, nameof(shift));
        int kp = Int16Gemm.PaddedDepth(k);
        short[] a16 = ArrayPool<short>.Shared.Rent(Math.Max(1, m * kp));
        try
        {
            fixed (short* src = input)
            fixed (short* a = a16)
            fixed (short* b = packed)
            fixed (long* pb = bias)
            fixed (int* mult = multiplier)
            fixed (int* sh = shift)
            fixed (short* c = output)
            {
                Widen.RowsToInt16(src, m, k, a, kp);
                var epilogue = new Int16OutputEpilogue
                {
                    Output = c, Ldc = n, Bias = bias.IsEmpty ? null : pb, Multiplier = mult, Shift = sh, PerChannel = perChannel,
                    Min = lo, Max = hi,
                };
                GemmDriver.Int16(a, kp, b, nr, m, n, Int16OutputEpilogue.BlockPairs, epilogue, threadCount);
            }
        }
        finally
        {
            ArrayPool<short>.Shared.Return(a16);
        }
    }

    /// <summary>
    /// Dynamic-range (hybrid) FC, TFLite's EvalHybrid: every input row is quantized to int8 in
    /// <paramref name="scratchQuantizedInput"/> (M×K) — symmetric: scale = max|x|/127, q = round(x/scale) in
    /// [−127, 127]; asymmetric: TFLite's AsymmetricQuantizeFloats, offset in <paramref name="scratchOffsets"/> — with
    /// its scale in <paramref name="scratchScales"/> (M). Then dot = Σ q·w (int32, exact); for asymmetric rows
    /// dot = (int)((float)dot − (float)Σ_k w · offset); out = clamp(bias + (float)dot · (rowScale · weightScale[n])).
    /// Integer part exact; the float epilogue is the reference's, so results equal the reference bit for bit.
    /// <paramref name="scratchOffsets"/> may be empty when <paramref name="asymmetricInputs"/> is false.
    /// </summary>
    public static void Hybrid(ReadOnlySpan<float> input, ReadOnlySpan<sbyte> weights, ReadOnlySpan<float> weightScales,
        ReadOnlySpan<float> bias, Span<float> output, int m, int n, int k, bool asymmetricInputs, float activationMin,
        float activationMax, Span<sbyte> scratchQuantizedInput, Span<float> scratchScales, Span<int> scratchOffsets, int threadCount)
    {
        CheckShapes(input.Length, weights.Length, output.Length, bias.Length, m, n, k);
        int nr = Int16Gemm.PanelWidthFor(Isa.Int16PairBits);
        short[] packed = ArrayPool<short>.Shared.Rent(Math.Max(1, Int16Gemm.PackedLength(n, k, nr)));
        int[] sums = ArrayPool<int>.Shared.Rent(Math.Max(1, n));
        try
        {
            Int16Gemm.PackInt8(weights, n, k, nr, packed);
            for (int c = 0; c < n; c++)
            {
                int s = 0;
                foreach (sbyte w in weights.Slice(c * k, k)) s += w;
                sums[c] = s;
            }

            HybridCore(input, packed, nr, sums, weightScales, bias, output, m, n, k, asymmetricInputs, activationMin, activationMax,
                scratchQuantizedInput, scratchScales, scratchOffsets, threadCount);
        }
        finally
        {
            ArrayPool<short>.Shared.Return(packed);
            ArrayPool<int>.Shared.Return(sums);
        }
    }

    /// <summary>Hybrid with weights packed in prepare by <see cref="PackedWeights.PackInt8"/> (which also keeps Σ_k w).</summary>
    public static void Hybrid(ReadOnlySpan<float> input, PackedWeights weights, ReadOnlySpan<float> weightScales,
        ReadOnlySpan<float> bias, Span<float> output, int m, bool asymmetricInputs, float activationMin, float activationMax,
        Span<sbyte> scratchQuantizedInput, Span<float> scratchScales, Span<int> scratchOffsets, int threadCount)
    {
        ArgumentNullException.ThrowIfNull(weights);
        weights.Expect(PackedWeightsKind.Int8, weights.OutputChannels, weights.Depth);
        int n = weights.OutputChannels, k = weights.Depth;
        CheckShapes(input.Length, n * k, output.Length, bias.Length, m, n, k);
        HybridCore(input, weights.Int16!, weights.PanelWidth, weights.ColumnSums!, weightScales, bias, output, m, n, k,
            asymmetricInputs, activationMin, activationMax, scratchQuantizedInput, scratchScales, scratchOffsets, threadCount);
    }

    private static void HybridCore(ReadOnlySpan<float> input, ReadOnlySpan<short> packed, int nr, ReadOnlySpan<int> columnSums,
        ReadOnlySpan<float> weightScales, ReadOnlySpan<float> bias, Span<float> output, int m, int n, int k, bool asymmetric,
        float lo, float hi, Span<sbyte> quantized, Span<float> scales, Span<int> offsets, int threadCount)
    {
        bool perChannel = Guard.PerChannel(weightScales.Length, n, nameof(weightScales));
        Guard.Length(quantized.Length, (long)m * k, "scratchQuantizedInput");
        Guard.Length(scales.Length, m, "scratchScales");
        if (asymmetric) Guard.Length(offsets.Length, m, "scratchOffsets");
        for (int b = 0; b < m; b++)
        {
            if (asymmetric)
            {
                Quantization.QuantizeRowAsymmetric(input.Slice(b * k, k), quantized.Slice(b * k, k), out scales[b], out offsets[b]);
            }
            else
            {
                Quantization.QuantizeRowSymmetric(input.Slice(b * k, k), quantized.Slice(b * k, k), out scales[b]);
                if (offsets.Length >= m) offsets[b] = 0;
            }
        }

        int kp = Int16Gemm.PaddedDepth(k);
        short[] a16 = ArrayPool<short>.Shared.Rent(Math.Max(1, m * kp));
        try
        {
            fixed (sbyte* src = quantized)
            fixed (short* a = a16)
            fixed (short* b = packed)
            fixed (int* sums = columnSums)
            fixed (float* ws = weightScales)
            fixed (float* pb = bias)
            fixed (float* rs = scales)
            fixed (int* ro = offsets)
            fixed (float* c = output)
            {
                Widen.RowsToInt16(src, m, k, 0, a, kp);
                var epilogue = new HybridOutputEpilogue
                {
                    Output = c, Ldc = n, Bias = bias.IsEmpty ? null : pb, RowScales = rs, RowOffsets = asymmetric ? ro : null,
                    ColumnSums = sums, WeightScales = ws, PerChannel = perChannel, Min = lo, Max = hi,
                };
                GemmDriver.Int16(a, kp, b, nr, m, n, int.MaxValue, epilogue, threadCount);
            }
        }
        finally
        {
            ArrayPool<short>.Shared.Return(a16);
        }
    }

    private static void CheckShapes(int inputLength, int weightsLength, int outputLength, int biasLength, int m, int n, int k)
    {
        Guard.NotNegative(m, nameof(m));
        Guard.NotNegative(n, nameof(n));
        Guard.NotNegative(k, nameof(k));
        Guard.Length(inputLength, (long)m * k, "input");
        Guard.Length(weightsLength, (long)n * k, "weights");
        Guard.Length(outputLength, (long)m * n, "output");
        if (biasLength != 0) Guard.Length(biasLength, n, "bias");
    }
}
