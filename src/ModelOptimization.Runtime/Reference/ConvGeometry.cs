using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// The shapes, strides, dilations and padding of a 2-D convolution or pooling window (NHWC), computed in prepare
/// with TFLite's ComputeOutSize / ComputePaddingHeightWidth.
/// </summary>
internal sealed class ConvGeometry
{
    public int Batches, InputHeight, InputWidth, InputDepth;
    public int OutputHeight, OutputWidth, OutputDepth;
    public int FilterHeight, FilterWidth;
    public int StrideHeight, StrideWidth, DilationHeight = 1, DilationWidth = 1;
    public int PadTop, PadLeft, PadBottomOffset, PadRightOffset;

    /// <summary>Output size of one spatial dimension.</summary>
    public static int OutSize(Padding padding, int imageSize, int filterSize, int stride, int dilation = 1)
    {
        int effective = (filterSize - 1) * dilation + 1;
        if (stride == 0) return 0;
        return padding == Padding.SAME ? (imageSize + stride - 1) / stride : (imageSize + stride - effective) / stride;
    }

    /// <summary>Padding before the data (and the odd remainder after it).</summary>
    public static int PaddingWithOffset(int stride, int dilation, int inSize, int filterSize, int outSize, out int offset)
    {
        int effective = (filterSize - 1) * dilation + 1;
        int total = (outSize - 1) * stride + effective - inSize;
        total = total > 0 ? total : 0;
        offset = total % 2;
        return total / 2;
    }

    /// <summary>Fills output size and padding from the input/filter sizes (TFLite ComputePaddingHeightWidth).</summary>
    public void ComputePadding(Padding padding)
    {
        OutputHeight = OutSize(padding, InputHeight, FilterHeight, StrideHeight, DilationHeight);
        OutputWidth = OutSize(padding, InputWidth, FilterWidth, StrideWidth, DilationWidth);
        PadTop = PaddingWithOffset(StrideHeight, DilationHeight, InputHeight, FilterHeight, OutputHeight, out PadBottomOffset);
        PadLeft = PaddingWithOffset(StrideWidth, DilationWidth, InputWidth, FilterWidth, OutputWidth, out PadRightOffset);
    }

    /// <summary>True when every window lies inside the input (no padding needed).</summary>
    public bool IsPointwise => FilterHeight == 1 && FilterWidth == 1 && StrideHeight == 1 && StrideWidth == 1 && PadTop == 0 && PadLeft == 0;
}
