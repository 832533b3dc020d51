namespace ModelOptimization.Optimization.TensorFlow;

/// <summary>
/// Symmetric int8 weight quantization for TensorFlow graphs: for each channel (the combination of coordinates along
/// <c>axes</c>; all elements when there are none) scale = max|w| / 127 (1 when the channel is all zeros) and
/// q = round(w / scale) clamped to [-127, 127], rounding half away from zero as TFLite does. With bfloat16 compute
/// the scale is first rounded to bfloat16, since that is the value TensorFlow multiplies by.
/// </summary>
internal static class Int8WeightQuantizer
{
    public sealed record Result(sbyte[] Values, float[] Scales, int[] ScaleShape);

    public static Result Quantize(ReadOnlySpan<float> weights, IReadOnlyList<int> shape, IReadOnlyList<int> axes, TfComputeType compute)
    {
        int rank = shape.Count;
        var stride = new long[rank];
        long s = 1;
        for (int d = rank - 1; d >= 0; d--)
        {
            stride[d] = s;
            s *= shape[d];
        }

        // Channel index of an element: its coordinates along the axes, row-major over those axes.
        int channels = 1;
        foreach (int a in axes) channels *= shape[a];
        int ChannelOf(long e)
        {
            int c = 0;
            foreach (int a in axes) c = (c * shape[a]) + (int)(e / stride[a] % shape[a]);
            return c;
        }

        var max = new float[channels];
        for (long e = 0; e < weights.Length; e++)
        {
            int c = ChannelOf(e);
            max[c] = Math.Max(max[c], Math.Abs(weights[(int)e]));
        }

        var scales = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            float scale = max[c] > 0 ? max[c] / 127f : 1f;
            if (compute == TfComputeType.BFloat16) scale = ToBFloat16(scale);
            scales[c] = scale;
        }

        var q = new sbyte[weights.Length];
        for (long e = 0; e < weights.Length; e++)
        {
            double v = Math.Round(weights[(int)e] / (double)scales[ChannelOf(e)], MidpointRounding.AwayFromZero);
            q[e] = (sbyte)Math.Clamp(v, -127, 127);
        }

        // The scales broadcast against the weight: the channel axes keep their size, the others are 1, and leading
        // 1s are dropped (so a [in, out] MatMul weight gets scales [out], a [out, in] one [out, 1]).
        var full = Enumerable.Range(0, rank).Select(d => axes.Contains(d) ? shape[d] : 1).ToArray();
        var scaleShape = full.SkipWhile(d => d == 1).ToArray();
        if (axes.Count == 0) scaleShape = [];
        return new Result(q, scales, scaleShape);
    }

    /// <summary>The nearest bfloat16 value (round half to even).</summary>
    public static float ToBFloat16(float value)
    {
        if (float.IsNaN(value)) return value;
        uint bits = BitConverter.SingleToUInt32Bits(value);
        bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000u;
        return BitConverter.UInt32BitsToSingle(bits);
    }
}
