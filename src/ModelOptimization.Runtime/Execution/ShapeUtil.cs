namespace ModelOptimization.Runtime.Execution;

/// <summary>Shape arithmetic shared by the operators.</summary>
internal static class ShapeUtil
{
    public static int ElementCount(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape) n *= Math.Max(d, 0);
        return checked((int)n);
    }

    /// <summary>Product of dims [from, to).</summary>
    public static int Product(ReadOnlySpan<int> shape, int from, int to)
    {
        long n = 1;
        for (int i = from; i < to; i++) n *= shape[i];
        return checked((int)n);
    }

    public static bool SameShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>Row-major strides of a shape.</summary>
    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var s = new int[shape.Length];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            s[i] = acc;
            acc *= shape[i];
        }

        return s;
    }

    /// <summary>NumPy broadcast of two shapes, or null when they do not broadcast.</summary>
    public static int[]? Broadcast(ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        int rank = Math.Max(a.Length, b.Length);
        var r = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da == db || db == 1) r[i] = da;
            else if (da == 1) r[i] = db;
            else return null;
        }

        return r;
    }

    /// <summary>
    /// Strides of <paramref name="shape"/> aligned to the right of an output of rank <paramref name="rank"/>,
    /// with 0 for broadcast (size-1 or missing) dimensions.
    /// </summary>
    public static int[] BroadcastStrides(ReadOnlySpan<int> shape, int rank)
    {
        var strides = new int[rank];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            int o = rank - shape.Length + i;
            strides[o] = shape[i] == 1 ? 0 : acc;
            acc *= shape[i];
        }

        return strides;
    }

    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
