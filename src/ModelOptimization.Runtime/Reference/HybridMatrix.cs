namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// A constant int8 weight matrix of a hybrid (dynamic-range) op, symmetric per tensor, row-major [rows × cols],
/// with its row sums for asymmetric inputs. <see cref="Accumulate"/> is TFLite's MatrixBatchVectorMultiplyAccumulate
/// for one batch row: y += (inputScale · weightScale) · (Σ w·q − offset · Σ w), the dot product in int32.
/// </summary>
internal sealed class HybridMatrix(sbyte[] values, float scale, int rows, int cols)
{
    public sbyte[] Values { get; } = values;

    public float Scale { get; } = scale;

    public int Rows { get; } = rows;

    public int Cols { get; } = cols;

    public int[] RowSums { get; } = RowSumsOf(values, rows, cols);

    public void Accumulate(ReadOnlySpan<sbyte> q, float inputScale, int offset, Span<float> y)
    {
        float s = inputScale * Scale;
        for (int r = 0; r < Rows; r++)
        {
            var w = Values.AsSpan(r * Cols, Cols);
            int dot = 0;
            for (int k = 0; k < Cols; k++) dot += w[k] * q[k];
            dot -= offset * RowSums[r];
            y[r] += dot * s;
        }
    }

    /// <summary>The float values w · scale (TFLite dequantizes hybrid peephole weights this way).</summary>
    public float[] Dequantize() => Values.Select(v => v * Scale).ToArray();

    private static int[] RowSumsOf(sbyte[] w, int rows, int cols)
    {
        var sums = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            int s = 0;
            for (int k = 0; k < cols; k++) s += w[r * cols + k];
            sums[r] = s;
        }

        return sums;
    }
}
