namespace ModelOptimization.Core.Tflite;

/// <summary>Mode of a MIRROR_PAD op (schema <c>tflite.MirrorPadMode</c>, stored as a signed byte).</summary>
public enum MirrorPadMode : sbyte
{
    /// <summary>Mirror without repeating the border element.</summary>
    REFLECT = 0,

    /// <summary>Mirror including the border element.</summary>
    SYMMETRIC = 1,
}
