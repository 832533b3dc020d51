namespace ModelOptimization.Formats.Datasets;

/// <summary>Helpers over the (Name, Shape, Type) descriptions of a model's inputs.</summary>
internal static class InputSpec
{
    /// <summary>The values an input takes: the product of its dimensions (a scalar takes 1).</summary>
    public static long Length(int[] shape)
    {
        long n = 1;
        foreach (int d in shape) n *= Math.Max(d, 1);
        return n;
    }

    /// <summary>True when the shape has unknown (-1 or 0) dimensions, so any multiple of the known ones fits.</summary>
    public static bool IsDynamic(int[] shape) => shape.Any(d => d <= 0);

    /// <summary>True when <paramref name="count"/> values fit the shape.</summary>
    public static bool Fits(int[] shape, long count)
    {
        long n = Length(shape);
        return IsDynamic(shape) ? count > 0 && count % n == 0 : count == n;
    }
}
