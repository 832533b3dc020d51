namespace ModelOptimization.Formats.Tflite;

/// <summary>Where a TFLite writer puts constant buffer data.</summary>
public enum BufferLayout
{
    /// <summary>
    /// <see cref="Inline"/>, unless the FlatBuffer would pass 2 GiB minus a 512 MiB margin (the rule TFLite's own
    /// exporter uses): then <see cref="External"/>.
    /// </summary>
    Auto,

    /// <summary>Classic layout: every buffer's bytes inside the FlatBuffer (<c>Buffer.data</c>). Limited to 2 GiB.</summary>
    Inline,

    /// <summary>
    /// The &gt; 2 GB layout: the FlatBuffer first, then each constant buffer's bytes (and each operator's custom
    /// options), 16-byte aligned, located by <c>Buffer.offset/size</c> (<c>Operator.large_custom_options_*</c>)
    /// from the start of the file, and a <c>buffer_location</c> metadata entry holding <c>outside flatbuffers</c>.
    /// Buffers that metadata entries point to stay inline, as TFLite's exporter keeps them.
    /// </summary>
    External,
}
