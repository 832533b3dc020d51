namespace ModelOptimization.Formats.Tflite;

/// <summary>Options of <see cref="TfliteWriter"/>.</summary>
public sealed class TfliteWriteOptions
{
    /// <summary>Where buffer data go (default <see cref="BufferLayout.Auto"/>).</summary>
    public BufferLayout Layout { get; init; } = BufferLayout.Auto;

    /// <summary>Cancels the write; a cancelled <see cref="TfliteWriter.WriteFile"/> leaves nothing behind.</summary>
    public CancellationToken CancellationToken { get; init; }
}
