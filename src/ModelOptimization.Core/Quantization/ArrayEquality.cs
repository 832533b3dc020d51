namespace ModelOptimization.Core.Quantization;

/// <summary>Null-aware element-wise equality for the optional arrays of the schema.</summary>
internal static class ArrayEquality
{
    public static bool Equal<T>(T[]? a, T[]? b) where T : IEquatable<T>
        => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}
