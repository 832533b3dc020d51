using System.Runtime.CompilerServices;

namespace ModelOptimization.Kernels.Gemm;

/// <summary>int8 per-channel (or per-tensor) requantization: clamp(MBQM(acc + bias, mult, shift) + zp).</summary>
internal unsafe struct Int8OutputEpilogue : IInt32TileEpilogue
{
    internal sbyte* Output;
    internal int Ldc;
    internal int* Bias;
    internal int* Multiplier;
    internal int* Shift;
    internal bool PerChannel;
    internal int ZeroPoint, Min, Max;

    public void BindScratch(long* scratch) { }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(int* tile, int stride, int row0, int rows, int col0, int cols, bool firstBlock, bool lastBlock)
    {
        int* bias = Bias != null ? Bias + col0 : null;
        int offset = PerChannel ? col0 : 0;
        for (int r = 0; r < rows; r++)
        {
            OutputStage.ToInt8(tile + r * stride, cols, bias, Multiplier + offset, Shift + offset, PerChannel ? 1 : 0,
                ZeroPoint, Min, Max, Output + (long)(row0 + r) * Ldc + col0);
        }
    }
}

/// <summary>Legacy uint8 requantization with one multiplier.</summary>
internal unsafe struct UInt8OutputEpilogue : IInt32TileEpilogue
{
    internal byte* Output;
    internal int Ldc;
    internal int* Bias;
    internal int Multiplier, Shift;
    internal int ZeroPoint, Min, Max;

    public void BindScratch(long* scratch) { }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(int* tile, int stride, int row0, int rows, int col0, int cols, bool firstBlock, bool lastBlock)
    {
        int* bias = Bias != null ? Bias + col0 : null;
        int multiplier = Multiplier, shift = Shift;
        for (int r = 0; r < rows; r++)
        {
            OutputStage.ToUInt8(tile + r * stride, cols, bias, &multiplier, &shift, 0, ZeroPoint, Min, Max,
                Output + (long)(row0 + r) * Ldc + col0);
        }
    }
}

/// <summary>
/// 16x8: int32 block sums (each exact: a block holds at most <see cref="BlockPairs"/> depth pairs of
/// |int16 · int8| ≤ 2^22) are added into int64 accumulators; the last block applies the int64 multiplier.
/// </summary>
internal unsafe struct Int16OutputEpilogue : IInt32TileEpilogue
{
    /// <summary>256 pairs · 2 · 2^22 = 2^31 would overflow; 128 pairs stay below 2^30.</summary>
    internal const int BlockPairs = 128;

    internal short* Output;
    internal int Ldc;
    internal long* Bias;
    internal int* Multiplier;
    internal int* Shift;
    internal bool PerChannel;
    internal int Min, Max;
    internal long* Accumulators; // Mr × 32, per thread

    public void BindScratch(long* scratch) => Accumulators = scratch;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(int* tile, int stride, int row0, int rows, int col0, int cols, bool firstBlock, bool lastBlock)
    {
        for (int r = 0; r < rows; r++)
        {
            int* t = tile + r * stride;
            long* acc = Accumulators + r * 32;
            if (firstBlock)
                for (int j = 0; j < cols; j++) acc[j] = t[j];
            else
                for (int j = 0; j < cols; j++) acc[j] += t[j];
            if (!lastBlock) continue;
            short* o = Output + (long)(row0 + r) * Ldc + col0;
            for (int j = 0; j < cols; j++)
            {
                int c = col0 + j;
                long a = acc[j];
                if (Bias != null) a += Bias[c];
                int pc = PerChannel ? c : 0;
                int scaled = FixedPoint.MultiplyByQuantizedMultiplier(a, Multiplier[pc], Shift[pc]);
                o[j] = (short)Math.Min(Math.Max(scaled, Min), Max);
            }
        }
    }
}

/// <summary>Hybrid (dynamic range): float out = clamp(bias + (float)dot' · rowScale · weightScale), TFLite's order.</summary>
internal unsafe struct HybridOutputEpilogue : IInt32TileEpilogue
{
    internal float* Output;
    internal int Ldc;
    internal float* Bias;
    internal float* RowScales;
    internal int* RowOffsets; // null when symmetric
    internal int* ColumnSums;
    internal float* WeightScales;
    internal bool PerChannel;
    internal float Min, Max;

    public void BindScratch(long* scratch) { }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(int* tile, int stride, int row0, int rows, int col0, int cols, bool firstBlock, bool lastBlock)
    {
        for (int r = 0; r < rows; r++)
        {
            int row = row0 + r;
            int* t = tile + r * stride;
            float* o = Output + (long)row * Ldc + col0;
            float rowScale = RowScales[row];
            for (int j = 0; j < cols; j++)
            {
                int c = col0 + j;
                int dot = t[j];
                if (RowOffsets != null) dot = (int)((float)dot - ColumnSums[c] * (float)RowOffsets[row]);
                float scale = rowScale * WeightScales[PerChannel ? c : 0];
                float result = (Bias != null ? Bias[c] : 0f) + dot * scale;
                o[j] = Scalar.Clamp(result, Min, Max);
            }
        }
    }
}
