namespace ModelOptimization.Kernels;

/// <summary>
/// The shape of a 2-D pooling over NHWC tensors: input [Batches, InputHeight, InputWidth, Channels], output
/// [Batches, OutputHeight, OutputWidth, Channels]; a window of FilterHeight × FilterWidth; PadTop/PadLeft before.
/// </summary>
public readonly record struct Pool2DGeometry(
    int Batches, int InputHeight, int InputWidth, int Channels,
    int FilterHeight, int FilterWidth, int OutputHeight, int OutputWidth,
    int StrideHeight = 1, int StrideWidth = 1, int PadTop = 0, int PadLeft = 0)
{
    /// <summary>Builds the geometry of a TFLite AVERAGE_POOL_2D / MAX_POOL_2D with SAME or VALID padding.</summary>
    public static Pool2DGeometry Create(int batches, int inputHeight, int inputWidth, int channels, int filterHeight,
        int filterWidth, int strideHeight, int strideWidth, bool samePadding)
    {
        Convolution.ComputePadding(samePadding, inputHeight, filterHeight, strideHeight, 1, out int outH, out int padTop);
        Convolution.ComputePadding(samePadding, inputWidth, filterWidth, strideWidth, 1, out int outW, out int padLeft);
        return new Pool2DGeometry(batches, inputHeight, inputWidth, channels, filterHeight, filterWidth, outH, outW,
            strideHeight, strideWidth, padTop, padLeft);
    }

    public long InputLength => (long)Batches * InputHeight * InputWidth * Channels;

    public long OutputLength => (long)Batches * OutputHeight * OutputWidth * Channels;
}
