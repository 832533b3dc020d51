using ModelOptimization.Core.Graph;

namespace ModelOptimization.Formats.Datasets;

/// <summary>
/// How <see cref="DatasetReader.Open"/> turns stored values into samples: each value becomes
/// <c>raw × Scale + Offset</c>, converted to <see cref="DataType"/> (integers round half away from zero and
/// saturate at the type's range; NaN becomes 0).
/// </summary>
public sealed class DatasetOptions
{
    /// <summary>
    /// The shape of one sample (e.g. 1,28,28,1). Its element count decides how many stored values form one sample;
    /// null keeps the file's own per-sample shape (the dimensions after the first, a CSV row, an image's H,W,C).
    /// For images, a last dimension of 1, 3 or 4 selects grayscale, RGB or RGBA, and the two dimensions before it
    /// are the size images are resized to when <see cref="Resize"/> is not given.
    /// </summary>
    public int[]? Shape { get; init; }

    /// <summary>Multiplies each stored value (e.g. 1/255 for pixels in [0, 1]).</summary>
    public double Scale { get; init; } = 1;

    /// <summary>Added after <see cref="Scale"/> (e.g. -1 with Scale 1/127.5 for pixels in [-1, 1]).</summary>
    public double Offset { get; init; }

    /// <summary>The element type of the samples: Float32 (default), Float64, Float16, Int8, UInt8, Int16, Int32 or Int64.</summary>
    public TensorType DataType { get; init; } = TensorType.Float32;

    /// <summary>At most this many samples (after <see cref="Skip"/>); null for all.</summary>
    public int? First { get; init; }

    /// <summary>Samples to leave out at the start.</summary>
    public int Skip { get; init; }

    /// <summary>For images: the height and width to resize to (bilinear, half-pixel centres).</summary>
    public int[]? Resize { get; init; }

    /// <summary>The options that keep stored values as they are, as float32.</summary>
    public static DatasetOptions Default { get; } = new();

    /// <summary>Checks the values; throws ParameterCombinationInvalid for ones no dataset can use.</summary>
    public void Validate()
    {
        if (Shape is not null && (Shape.Length == 0 || Shape.Any(d => d <= 0)))
        {
            throw DatasetErrors.InvalidOption($"The sample shape [{string.Join(",", Shape)}] is invalid: every dimension must be positive.",
                "Give positive dimensions, e.g. -Shape 1,28,28,1.");
        }

        if (Resize is not null && (Resize.Length != 2 || Resize.Any(d => d <= 0)))
        {
            throw DatasetErrors.InvalidOption($"The resize target [{string.Join(",", Resize)}] is invalid: give a positive height and width.",
                "Give two positive numbers, e.g. -Resize 224,224.");
        }

        if (!double.IsFinite(Scale) || !double.IsFinite(Offset))
        {
            throw DatasetErrors.InvalidOption($"Scale ({Scale}) and Offset ({Offset}) must be finite numbers.", "Give finite values.");
        }

        if (First is < 0 || Skip < 0)
        {
            throw DatasetErrors.InvalidOption($"First ({First}) and Skip ({Skip}) must not be negative.", "Give zero or a positive count.");
        }

        if (!ValueConverter.IsDatasetType(DataType))
        {
            throw DatasetErrors.InvalidOption($"A dataset cannot hold {TensorTypeInfo.ShortName(DataType)} values.",
                "Use Float32, Float64, Float16, Int8, UInt8, Int16, Int32 or Int64.");
        }
    }
}
