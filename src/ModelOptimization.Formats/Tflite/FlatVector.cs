namespace ModelOptimization.Formats.Tflite;

/// <summary>A vector whose extent has been checked: the position of its first element and its length (-1 = absent).</summary>
internal readonly record struct FlatVector(int Start, int Count)
{
    public bool IsPresent => Count >= 0;
}
