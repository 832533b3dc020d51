namespace ModelOptimization.Kernels;

/// <summary>
/// The shape of a 2-D convolution over NHWC tensors (TFLite layouts): input [Batches, InputHeight, InputWidth,
/// InputChannels], output [Batches, OutputHeight, OutputWidth, OutputChannels]; the filter is OHWI
/// [OutputChannels, FilterHeight, FilterWidth, InputChannels] for Conv2D and TransposeConv2D, and
/// [1, FilterHeight, FilterWidth, OutputChannels] for depthwise (OutputChannels = InputChannels · depth multiplier).
/// PadTop/PadLeft are the padding before the first row/column (see <see cref="Convolution.ComputePadding"/>).
/// </summary>
public readonly record struct Conv2DGeometry(
    int Batches, int InputHeight, int InputWidth, int InputChannels,
    int FilterHeight, int FilterWidth, int OutputChannels,
    int OutputHeight, int OutputWidth,
    int StrideHeight = 1, int StrideWidth = 1, int DilationHeight = 1, int DilationWidth = 1,
    int PadTop = 0, int PadLeft = 0)
{
    /// <summary>Builds the geometry of a TFLite CONV_2D / DEPTHWISE_CONV_2D with SAME or VALID padding.</summary>
    public static Conv2DGeometry Create(int batches, int inputHeight, int inputWidth, int inputChannels,
        int filterHeight, int filterWidth, int outputChannels, int strideHeight, int strideWidth,
        int dilationHeight, int dilationWidth, bool samePadding)
    {
        Convolution.ComputePadding(samePadding, inputHeight, filterHeight, strideHeight, dilationHeight, out int outH, out int padTop);
        Convolution.ComputePadding(samePadding, inputWidth, filterWidth, strideWidth, dilationWidth, out int outW, out int padLeft);
        return new Conv2DGeometry(batches, inputHeight, inputWidth, inputChannels, filterHeight, filterWidth, outputChannels,
            outH, outW, strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft);
    }

    /// <summary>Batches · InputHeight · InputWidth · InputChannels.</summary>
    public long InputLength => (long)Batches * InputHeight * InputWidth * InputChannels;

    /// <summary>Batches · OutputHeight · OutputWidth · OutputChannels.</summary>
    public long OutputLength => (long)Batches * OutputHeight * OutputWidth * OutputChannels;

    /// <summary>Output pixels: Batches · OutputHeight · OutputWidth (the GEMM's M).</summary>
    public int OutputPixels => Batches * OutputHeight * OutputWidth;

    /// <summary>FilterHeight · FilterWidth · InputChannels (the GEMM's K).</summary>
    public int Depth => FilterHeight * FilterWidth * InputChannels;

    internal void Validate()
    {
        if (Batches < 0 || InputHeight < 0 || InputWidth < 0 || InputChannels < 0 || FilterHeight <= 0 || FilterWidth <= 0
            || OutputChannels < 0 || OutputHeight < 0 || OutputWidth < 0 || StrideHeight <= 0 || StrideWidth <= 0
            || DilationHeight <= 0 || DilationWidth <= 0)
            throw new ArgumentException($"Invalid convolution geometry: {this}.");
    }
}
