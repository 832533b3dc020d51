namespace ModelOptimization.Formats.Tflite;

/// <summary>
/// Facts of the TFLite schema (revision 3d) the reader and writer share: the file identifier and, per table, the
/// vtable slot of each field (= its declaration order; a union takes two slots, its type first).
/// </summary>
internal static class TfliteSchema
{
    /// <summary>The file identifier at bytes 4..8.</summary>
    public const string Identifier = "TFL3";

    /// <summary>Name of the metadata entry that marks buffers stored after the FlatBuffer.</summary>
    public const string BufferLocationMetadata = "buffer_location";

    /// <summary>Value (buffer bytes) of <see cref="BufferLocationMetadata"/> in the &gt; 2 GB layout.</summary>
    public const string BufferLocationOutside = "outside flatbuffers";

    /// <summary>Alignment of buffer data (<c>force_align: 16</c>) and of payloads appended after the FlatBuffer.</summary>
    public const int DataAlignment = 16;

    /// <summary>The largest FlatBuffer: offsets are signed 32-bit.</summary>
    public const long MaxFlatBufferSize = int.MaxValue;

    internal static class Model
    {
        public const int Version = 0, OperatorCodes = 1, Subgraphs = 2, Description = 3, Buffers = 4,
            MetadataBuffer = 5, Metadata = 6, SignatureDefs = 7, ExternalBufferGroups = 8, ExternalBuffers = 9,
            FieldCount = 10;
    }

    internal static class OperatorCode
    {
        public const int DeprecatedBuiltinCode = 0, CustomCode = 1, Version = 2, BuiltinCode = 3, FieldCount = 4;
    }

    internal static class SubGraph
    {
        public const int Tensors = 0, Inputs = 1, Outputs = 2, Operators = 3, Name = 4, DebugMetadataIndex = 5,
            FieldCount = 6;
    }

    internal static class Tensor
    {
        public const int Shape = 0, Type = 1, Buffer = 2, Name = 3, Quantization = 4, IsVariable = 5, Sparsity = 6,
            ShapeSignature = 7, HasRank = 8, VariantTensors = 9, ExternalBuffer = 10, FieldCount = 11;
    }

    internal static class VariantSubType
    {
        public const int Shape = 0, Type = 1, HasRank = 2, FieldCount = 3;
    }

    internal static class QuantizationParameters
    {
        public const int Min = 0, Max = 1, Scale = 2, ZeroPoint = 3, DetailsType = 4, Details = 5,
            QuantizedDimension = 6, FieldCount = 7;

        /// <summary>Union <c>QuantizationDetails</c> type codes.</summary>
        public const byte CustomQuantization = 1, BlockwiseQuantization = 2, MultiAxisQuantization = 3;
    }

    internal static class CustomQuantization
    {
        public const int Custom = 0, FieldCount = 1;
    }

    internal static class BlockwiseQuantization
    {
        public const int Scales = 0, ZeroPoints = 1, BlockSize = 2, FieldCount = 3;
    }

    internal static class MultiAxisQuantization
    {
        public const int Scales = 0, ZeroPoints = 1, BlockSize = 2, QuantizedDimensions = 3, FieldCount = 4;
    }

    internal static class SparsityParameters
    {
        public const int TraversalOrder = 0, BlockMap = 1, DimMetadata = 2, FieldCount = 3;
    }

    internal static class DimensionMetadata
    {
        public const int Format = 0, DenseSize = 1, ArraySegmentsType = 2, ArraySegments = 3, ArrayIndicesType = 4,
            ArrayIndices = 5, FieldCount = 6;
    }

    /// <summary><c>Int32Vector</c>, <c>Uint16Vector</c>, <c>Uint8Vector</c>: one field, <c>values</c>.</summary>
    internal static class IndexVector
    {
        public const int Values = 0, FieldCount = 1;
    }

    internal static class Operator
    {
        public const int OpcodeIndex = 0, Inputs = 1, Outputs = 2, BuiltinOptionsType = 3, BuiltinOptions = 4,
            CustomOptions = 5, CustomOptionsFormat = 6, MutatingVariableInputs = 7, Intermediates = 8,
            LargeCustomOptionsOffset = 9, LargeCustomOptionsSize = 10, BuiltinOptions2Type = 11, BuiltinOptions2 = 12,
            DebugMetadataIndex = 13, FieldCount = 14;
    }

    internal static class Buffer
    {
        public const int Data = 0, Offset = 1, Size = 2, FieldCount = 3;
    }

    internal static class Metadata
    {
        public const int Name = 0, Buffer = 1, FieldCount = 2;
    }

    internal static class TensorMap
    {
        public const int Name = 0, TensorIndex = 1, FieldCount = 2;
    }

    /// <summary>Slot 3 is the deprecated <c>deprecated_tag</c>; it is neither read nor written.</summary>
    internal static class SignatureDef
    {
        public const int Inputs = 0, Outputs = 1, SignatureKey = 2, DeprecatedTag = 3, SubgraphIndex = 4, FieldCount = 5;
    }

    internal static class ExternalBufferGroup
    {
        public const int Name = 0, FieldCount = 1;
    }

    internal static class ExternalBuffer
    {
        public const int Id = 0, Group = 1, Offset = 2, Length = 3, Packing = 4, FieldCount = 5;
    }
}
