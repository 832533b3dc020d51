namespace ModelOptimization.Runtime.Execution;

/// <summary>
/// Copies a strided N-d window of a tensor: output element (i0..in) comes from input element
/// (start_k + i_k · step_k). Used by SLICE and STRIDED_SLICE; contiguous inner runs are copied in one go.
/// </summary>
internal static class StridedCopy
{
    public static void Copy(ReadOnlySpan<byte> src, int[] inputShape, int[] start, int[] step, int[] count, Span<byte> dst, int elementSize)
    {
        int rank = inputShape.Length;
        if (rank == 0)
        {
            src[..elementSize].CopyTo(dst);
            return;
        }

        long total = 1;
        foreach (int c in count) total *= c;
        if (total == 0) return;
        var strides = new long[rank];
        long acc = 1;
        for (int i = rank - 1; i >= 0; i--)
        {
            strides[i] = acc;
            acc *= inputShape[i];
        }

        int last = rank - 1;
        int run = count[last];
        bool contiguous = step[last] == 1;
        var idx = new int[rank];
        long o = 0;
        long outer = total / run;
        for (long r = 0; r < outer; r++)
        {
            long baseIndex = 0;
            for (int d = 0; d < last; d++) baseIndex += (start[d] + (long)idx[d] * step[d]) * strides[d];
            if (contiguous)
            {
                TensorValues.CopyElements(src, baseIndex + start[last], dst, o, run, elementSize);
                o += run;
            }
            else
            {
                for (int k = 0; k < run; k++)
                {
                    TensorValues.CopyElements(src, baseIndex + start[last] + (long)k * step[last], dst, o++, 1, elementSize);
                }
            }

            for (int d = last - 1; d >= 0; d--)
            {
                if (++idx[d] < count[d]) break;
                idx[d] = 0;
            }
        }
    }
}
