using ModelOptimization.Kernels.Gemm;

namespace ModelOptimization.Kernels;

/// <summary>
/// Fully-connected or convolution weights W [outputChannels × depth] (TFLite's row-major FC weights, or an OHWI
/// filter seen as [O × H·W·I]) rearranged once, in prepare, into the column panels the GEMM reads. Pack once and
/// reuse for every call; the packed form is chosen for this machine's widest SIMD path at pack time.
/// </summary>
public sealed class PackedWeights
{
    private PackedWeights(PackedWeightsKind kind, int outputChannels, int depth, int panelWidth)
    {
        Kind = kind;
        OutputChannels = outputChannels;
        Depth = depth;
        PanelWidth = panelWidth;
    }

    /// <summary>N: the number of output channels (rows of W).</summary>
    public int OutputChannels { get; }

    /// <summary>K: the depth of each dot product (columns of W).</summary>
    public int Depth { get; }

    /// <summary>The element type the weights were packed for.</summary>
    public PackedWeightsKind Kind { get; }

    /// <summary>Memory held by the packed form.</summary>
    public long SizeInBytes => (Float?.LongLength ?? 0) * sizeof(float) + (Int16?.LongLength ?? 0) * sizeof(short) + (ColumnSums?.LongLength ?? 0) * sizeof(int);

    internal int PanelWidth { get; }

    internal float[]? Float { get; private init; }

    internal short[]? Int16 { get; private init; }

    /// <summary>Σ_k W[c, k] of the raw int8 weights (hybrid kernels' asymmetric-input correction).</summary>
    internal int[]? ColumnSums { get; private init; }

    /// <summary>Packs float weights [n × k] row-major.</summary>
    public static PackedWeights PackFloat(ReadOnlySpan<float> weights, int outputChannels, int depth)
    {
        Check(weights.Length, outputChannels, depth);
        int nr = FloatGemm.PanelWidthFor(Isa.FloatBits, outputChannels);
        var data = new float[FloatGemm.PackedLength(outputChannels, depth, nr)];
        FloatGemm.Pack(weights, outputChannels, depth, nr, data);
        return new PackedWeights(PackedWeightsKind.Float32, outputChannels, depth, nr) { Float = data };
    }

    /// <summary>Packs symmetric int8 weights [n × k] row-major (zero point 0): for Int8PerChannel, Int16x8 and Hybrid.</summary>
    public static PackedWeights PackInt8(ReadOnlySpan<sbyte> weights, int outputChannels, int depth)
    {
        Check(weights.Length, outputChannels, depth);
        int nr = Int16Gemm.PanelWidthFor(Isa.Int16PairBits);
        var data = new short[Int16Gemm.PackedLength(outputChannels, depth, nr)];
        Int16Gemm.PackInt8(weights, outputChannels, depth, nr, data);
        var sums = new int[outputChannels];
        for (int c = 0; c < outputChannels; c++)
        {
            int s = 0;
            foreach (sbyte w in weights.Slice(c * depth, depth)) s += w;
            sums[c] = s;
        }

        return new PackedWeights(PackedWeightsKind.Int8, outputChannels, depth, nr) { Int16 = data, ColumnSums = sums };
    }

    /// <summary>Packs asymmetric uint8 weights [n × k] row-major with their zero point (legacy uint8 kernels).</summary>
    public static PackedWeights PackUInt8(ReadOnlySpan<byte> weights, int weightsZeroPoint, int outputChannels, int depth)
    {
        Check(weights.Length, outputChannels, depth);
        int nr = Int16Gemm.PanelWidthFor(Isa.Int16PairBits);
        var data = new short[Int16Gemm.PackedLength(outputChannels, depth, nr)];
        Int16Gemm.PackUInt8(weights, weightsZeroPoint, outputChannels, depth, nr, data);
        return new PackedWeights(PackedWeightsKind.UInt8, outputChannels, depth, nr) { Int16 = data };
    }

    internal void Expect(PackedWeightsKind kind, int n, int k)
    {
        if (Kind != kind) throw new ArgumentException($"The weights were packed as {Kind}, not {kind}.");
        if (OutputChannels != n || Depth != k)
            throw new ArgumentException($"The weights were packed for N={OutputChannels}, K={Depth}, not N={n}, K={k}.");
    }

    private static void Check(int length, int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (length < (long)n * k) throw new ArgumentException($"The weights hold {length} values; N×K = {(long)n * k}.");
    }
}
