using ModelOptimization.Core.Graph;

namespace ModelOptimization.Formats.Datasets;

/// <summary>
/// Turns stored values into typed sample arrays: <c>raw × scale + offset</c>, then to the element type, integers
/// rounded half away from zero (as TFLite's <c>std::round</c>) and saturated at the type's range, NaN as 0.
/// </summary>
internal static class ValueConverter
{
    /// <summary>The element types a dataset may produce.</summary>
    public static bool IsDatasetType(TensorType type) => type is TensorType.Float32 or TensorType.Float64 or TensorType.Float16
        or TensorType.Int8 or TensorType.UInt8 or TensorType.Int16 or TensorType.Int32 or TensorType.Int64;

    /// <summary>The .NET element type that holds a tensor type's values, or null when there is none.</summary>
    public static Type? ElementType(TensorType type) => type switch
    {
        TensorType.Float32 => typeof(float),
        TensorType.Float64 => typeof(double),
        TensorType.Float16 => typeof(Half),
        TensorType.Int8 => typeof(sbyte),
        TensorType.UInt8 => typeof(byte),
        TensorType.Int16 => typeof(short),
        TensorType.UInt16 => typeof(ushort),
        TensorType.Int32 => typeof(int),
        TensorType.UInt32 => typeof(uint),
        TensorType.Int64 => typeof(long),
        TensorType.UInt64 => typeof(ulong),
        TensorType.Bool => typeof(bool),
        _ => null,
    };

    /// <summary>The tensor type whose values a .NET element type holds, or null.</summary>
    public static TensorType? TensorTypeOf(Type elementType)
    {
        foreach (var t in new[]
                 {
                     TensorType.Float32, TensorType.Float64, TensorType.Float16, TensorType.Int8, TensorType.UInt8, TensorType.Int16,
                     TensorType.UInt16, TensorType.Int32, TensorType.UInt32, TensorType.Int64, TensorType.UInt64, TensorType.Bool,
                 })
        {
            if (ElementType(t) == elementType) return t;
        }

        return null;
    }

    /// <summary>Rounds half away from zero and clamps to [min, max]; NaN gives 0.</summary>
    public static double RoundSaturate(double value, double min, double max)
        => double.IsNaN(value) ? 0 : Math.Clamp(Math.Round(value, MidpointRounding.AwayFromZero), min, max);

    /// <summary>A new array of <paramref name="type"/> holding <c>raw[i] × scale + offset</c>.</summary>
    public static Array FromRaw(ReadOnlySpan<double> raw, double scale, double offset, TensorType type)
    {
        int n = raw.Length;
        switch (type)
        {
            case TensorType.Float32:
            {
                var a = new float[n];
                for (int i = 0; i < n; i++) a[i] = (float)(raw[i] * scale + offset);
                return a;
            }
            case TensorType.Float64:
            {
                var a = new double[n];
                for (int i = 0; i < n; i++) a[i] = raw[i] * scale + offset;
                return a;
            }
            case TensorType.Float16:
            {
                var a = new Half[n];
                for (int i = 0; i < n; i++) a[i] = (Half)(raw[i] * scale + offset);
                return a;
            }
            case TensorType.Int8:
            {
                var a = new sbyte[n];
                for (int i = 0; i < n; i++) a[i] = (sbyte)RoundSaturate(raw[i] * scale + offset, sbyte.MinValue, sbyte.MaxValue);
                return a;
            }
            case TensorType.UInt8:
            {
                var a = new byte[n];
                for (int i = 0; i < n; i++) a[i] = (byte)RoundSaturate(raw[i] * scale + offset, byte.MinValue, byte.MaxValue);
                return a;
            }
            case TensorType.Int16:
            {
                var a = new short[n];
                for (int i = 0; i < n; i++) a[i] = (short)RoundSaturate(raw[i] * scale + offset, short.MinValue, short.MaxValue);
                return a;
            }
            case TensorType.Int32:
            {
                var a = new int[n];
                for (int i = 0; i < n; i++) a[i] = (int)RoundSaturate(raw[i] * scale + offset, int.MinValue, int.MaxValue);
                return a;
            }
            case TensorType.Int64:
            {
                var a = new long[n];
                for (int i = 0; i < n; i++) a[i] = (long)RoundSaturate(raw[i] * scale + offset, long.MinValue, long.MaxValue);
                return a;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "Not a dataset element type.");
        }
    }

    /// <summary>The element count of a shape (1 for a scalar shape []).</summary>
    public static long ElementCount(IReadOnlyList<int> shape)
    {
        long n = 1;
        foreach (int d in shape) n *= d;
        return n;
    }

    /// <summary>A shape as the module prints it, e.g. <c>[1, 28, 28, 1]</c>.</summary>
    public static string Format(IReadOnlyList<int> shape) => "[" + string.Join(", ", shape) + "]";
}
