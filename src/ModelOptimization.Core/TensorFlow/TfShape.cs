namespace ModelOptimization.Core.TensorFlow;

/// <summary>
/// A TensorFlow static shape (<c>TensorShapeProto</c>): dimensions with -1 for unknown sizes, or an unknown rank.
/// Immutable.
/// </summary>
public sealed class TfShape : IEquatable<TfShape>
{
    /// <summary>The shape of unknown rank.</summary>
    public static readonly TfShape Unknown = new(null);

    /// <summary>The shape of a scalar (rank 0).</summary>
    public static readonly TfShape Scalar = new([]);

    public TfShape(IReadOnlyList<long>? dimensions)
    {
        Dimensions = dimensions?.ToArray();
    }

    /// <summary>The dimensions (-1 = unknown size), or null when the rank is unknown.</summary>
    public IReadOnlyList<long>? Dimensions { get; }

    public bool IsUnknownRank => Dimensions is null;

    /// <summary>Rank, or -1 when unknown.</summary>
    public int Rank => Dimensions?.Count ?? -1;

    /// <summary>True when the rank and every dimension are known.</summary>
    public bool IsFullyDefined => Dimensions is not null && Dimensions.All(d => d >= 0);

    /// <summary>Number of elements (1 for scalars), or -1 when not fully defined or overflowing.</summary>
    public long ElementCount
    {
        get
        {
            if (!IsFullyDefined) return -1;
            long n = 1;
            foreach (long d in Dimensions!)
            {
                if (d != 0 && n > long.MaxValue / d) return -1;
                n *= d;
            }

            return n;
        }
    }

    public bool Equals(TfShape? other)
    {
        if (other is null) return false;
        if (Dimensions is null || other.Dimensions is null) return Dimensions is null && other.Dimensions is null;
        return Dimensions.SequenceEqual(other.Dimensions);
    }

    public override bool Equals(object? obj) => Equals(obj as TfShape);

    public override int GetHashCode()
    {
        if (Dimensions is null) return -1;
        var h = new HashCode();
        foreach (long d in Dimensions) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary><c>[?, 28, 28, 1]</c>, <c>[]</c> for scalars, <c>&lt;unknown&gt;</c> for an unknown rank.</summary>
    public override string ToString()
        => Dimensions is null ? "<unknown>" : "[" + string.Join(", ", Dimensions.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
}
