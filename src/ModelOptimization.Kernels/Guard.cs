namespace ModelOptimization.Kernels;

internal static class Guard
{
    internal static void Length(int actual, long needed, string name)
    {
        if (actual < needed)
            throw new ArgumentException($"{name} holds {actual} elements; {needed} are needed.", name);
    }

    internal static void NotNegative(int value, string name)
    {
        if (value < 0) throw new ArgumentOutOfRangeException(name, value, "Must not be negative.");
    }

    /// <summary>Bias, multiplier or scale spans: empty (when allowed), length 1 (per tensor) or per channel.</summary>
    internal static bool PerChannel(int length, int channels, string name, bool allowEmpty = false)
    {
        if (length == channels && channels != 1) return true;
        if (length == 1) return false;
        if (length == 0 && allowEmpty) return false;
        throw new ArgumentException($"{name} holds {length} values; expected 1 or {channels}.", name);
    }
}
