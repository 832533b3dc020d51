namespace ModelOptimization.Formats.Datasets;

/// <summary>An image decoded to unpremultiplied RGBA bytes; <see cref="IsGray"/> when every pixel has R = G = B.</summary>
internal sealed record DecodedImage(int Width, int Height, byte[] Rgba, bool IsGray);
