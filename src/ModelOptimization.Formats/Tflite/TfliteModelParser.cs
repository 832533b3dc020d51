using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.Tflite;
using S = ModelOptimization.Formats.Tflite.TfliteSchema;

namespace ModelOptimization.Formats.Tflite;

/// <summary>
/// Decodes every field of a TFLite FlatBuffer (schema 3d) into the <see cref="Model"/> graph through the
/// bounds-checked <see cref="FlatBufferReader"/>. Buffer data and custom options become views (slices of the file's
/// memory, or windows of the mapping), never copies. Builtin options are read generically from the
/// <see cref="BuiltinOptionsCatalog"/> descriptors.
/// </summary>
internal readonly ref struct TfliteModelParser
{
    private readonly FlatBufferReader _r;
    private readonly ModelFileBytes _file;
    private readonly ParseContext _ctx;

    private TfliteModelParser(ModelFileBytes file, ParseContext context)
    {
        _file = file;
        _ctx = context;
        _r = new FlatBufferReader(file.Head.Span, context);
    }

    /// <summary>Parses the model; throws ModelParseFailed (never validates: the caller does).</summary>
    public static Model Parse(ModelFileBytes file, string source)
    {
        var context = new ParseContext(source, file.Length, file.Head.Length);
        CheckHeader(file, context);
        return new TfliteModelParser(file, context).ParseModel();
    }

    private static void CheckHeader(ModelFileBytes file, ParseContext ctx)
    {
        if (file.Length == 0) throw ctx.Fail("", "the file is empty");
        if (file.Length < 8)
        {
            throw ctx.Fail("", $"the file has only {file.Length} bytes; a TFLite model starts with a 4-byte root offset and the 'TFL3' identifier");
        }

        var id = file.Head.Span.Slice(4, 4);
        if (id.SequenceEqual("TFL3"u8)) return;
        string shown = id.ToArray().All(b => b is >= 0x20 and < 0x7F)
            ? $"'{System.Text.Encoding.ASCII.GetString(id)}'"
            : "0x" + Convert.ToHexString(id);
        // TFLite's own FlatBufferModel refuses files without the identifier, so this reader does too.
        throw ctx.Fail("", $"bytes 4..8 hold the file identifier {shown}, not 'TFL3': this is not a TFLite model");
    }

    private Model ParseModel()
    {
        var root = _r.Root();
        var model = new Model
        {
            Version = _r.GetUInt32(root, S.Model.Version, 0, "version"),
            Description = _r.GetString(root, S.Model.Description, "description"),
            MetadataBuffer = _r.GetInt32Array(root, S.Model.MetadataBuffer, "metadata_buffer"),
        };

        var codes = _r.GetVector(root, S.Model.OperatorCodes, 4, "operator_codes");
        for (int i = 0; i < codes.Count; i++)
        {
            _ctx.Enter("operator_codes", i);
            model.OperatorCodes.Add(ReadOperatorCode(_r.TableAt(codes, i, "")));
        }

        _ctx.Leave();

        var subgraphs = _r.GetVector(root, S.Model.Subgraphs, 4, "subgraphs");
        for (int s = 0; s < subgraphs.Count; s++)
        {
            _ctx.Subgraph = s;
            model.Subgraphs.Add(ReadSubgraph(_r.TableAt(subgraphs, s, "")));
        }

        _ctx.Subgraph = -1;
        _ctx.Leave();

        var buffers = _r.GetVector(root, S.Model.Buffers, 4, "buffers");
        for (int i = 0; i < buffers.Count; i++)
        {
            _ctx.Enter("buffers", i);
            model.Buffers.Add(ReadBuffer(_r.TableAt(buffers, i, "")));
        }

        _ctx.Leave();

        var metadata = _r.GetVector(root, S.Model.Metadata, 4, "metadata");
        if (metadata.IsPresent)
        {
            model.Metadata = new List<ModelMetadata>(metadata.Count);
            for (int i = 0; i < metadata.Count; i++)
            {
                _ctx.Enter("metadata", i);
                var t = _r.TableAt(metadata, i, "");
                model.Metadata.Add(new ModelMetadata
                {
                    Name = _r.GetString(t, S.Metadata.Name, "name"),
                    Buffer = _r.GetUInt32(t, S.Metadata.Buffer, 0, "buffer"),
                });
            }
        }

        _ctx.Leave();

        var signatures = _r.GetVector(root, S.Model.SignatureDefs, 4, "signature_defs");
        if (signatures.IsPresent)
        {
            model.SignatureDefs = new List<SignatureDef>(signatures.Count);
            for (int i = 0; i < signatures.Count; i++)
            {
                _ctx.Enter("signature_defs", i);
                var t = _r.TableAt(signatures, i, "");
                model.SignatureDefs.Add(new SignatureDef
                {
                    Inputs = ReadTensorMaps(t, S.SignatureDef.Inputs, "inputs"),
                    Outputs = ReadTensorMaps(t, S.SignatureDef.Outputs, "outputs"),
                    SignatureKey = _r.GetString(t, S.SignatureDef.SignatureKey, "signature_key"),
                    // Slot 3 (deprecated_tag) is skipped.
                    SubgraphIndex = _r.GetUInt32(t, S.SignatureDef.SubgraphIndex, 0, "subgraph_index"),
                });
            }
        }

        _ctx.Leave();

        var groups = _r.GetVector(root, S.Model.ExternalBufferGroups, 4, "external_buffer_groups");
        if (groups.IsPresent)
        {
            model.ExternalBufferGroups = new List<ExternalBufferGroup>(groups.Count);
            for (int i = 0; i < groups.Count; i++)
            {
                _ctx.Enter("external_buffer_groups", i);
                var t = _r.TableAt(groups, i, "");
                model.ExternalBufferGroups.Add(new ExternalBufferGroup { Name = _r.GetString(t, S.ExternalBufferGroup.Name, "name") });
            }
        }

        _ctx.Leave();

        var external = _r.GetVector(root, S.Model.ExternalBuffers, 4, "external_buffers");
        if (external.IsPresent)
        {
            model.ExternalBuffers = new List<ExternalBuffer>(external.Count);
            for (int i = 0; i < external.Count; i++)
            {
                _ctx.Enter("external_buffers", i);
                var t = _r.TableAt(external, i, "");
                model.ExternalBuffers.Add(new ExternalBuffer
                {
                    Id = _r.GetUInt32(t, S.ExternalBuffer.Id, 0, "id"),
                    Group = _r.GetUInt32(t, S.ExternalBuffer.Group, 0, "group"),
                    Offset = _r.GetUInt64(t, S.ExternalBuffer.Offset, 0, "offset"),
                    Length = _r.GetUInt64(t, S.ExternalBuffer.Length, 0, "length"),
                    Packing = _r.GetString(t, S.ExternalBuffer.Packing, "packing"),
                });
            }
        }

        _ctx.Leave();
        BufferLocationMarker.Remove(model);
        return model;
    }

    private OperatorCode ReadOperatorCode(FlatTable t) => new()
    {
        DeprecatedBuiltinCode = _r.GetSByte(t, S.OperatorCode.DeprecatedBuiltinCode, 0, "deprecated_builtin_code"),
        CustomCode = _r.GetString(t, S.OperatorCode.CustomCode, "custom_code"),
        Version = _r.GetInt32(t, S.OperatorCode.Version, 1, "version"),
        BuiltinCode = (BuiltinOperator)_r.GetInt32(t, S.OperatorCode.BuiltinCode, 0, "builtin_code"),
    };

    private Subgraph ReadSubgraph(FlatTable t)
    {
        var sg = new Subgraph
        {
            Inputs = _r.GetInt32Array(t, S.SubGraph.Inputs, "inputs") ?? [],
            Outputs = _r.GetInt32Array(t, S.SubGraph.Outputs, "outputs") ?? [],
            Name = _r.GetString(t, S.SubGraph.Name, "name"),
            DebugMetadataIndex = _r.GetInt32(t, S.SubGraph.DebugMetadataIndex, -1, "debug_metadata_index"),
        };

        var tensors = _r.GetVector(t, S.SubGraph.Tensors, 4, "tensors");
        _ctx.Charge(8L * Math.Max(tensors.Count, 0));
        sg.Tensors.Capacity = Math.Max(tensors.Count, 0);
        for (int i = 0; i < tensors.Count; i++)
        {
            _ctx.Enter("tensors", i);
            sg.Tensors.Add(ReadTensor(_r.TableAt(tensors, i, "")));
        }

        _ctx.Leave();
        var operators = _r.GetVector(t, S.SubGraph.Operators, 4, "operators");
        _ctx.Charge(8L * Math.Max(operators.Count, 0));
        sg.Operators.Capacity = Math.Max(operators.Count, 0);
        for (int i = 0; i < operators.Count; i++)
        {
            _ctx.Enter("operators", i);
            sg.Operators.Add(ReadOperator(_r.TableAt(operators, i, "")));
        }

        _ctx.Leave();
        return sg;
    }

    private Tensor ReadTensor(FlatTable t)
    {
        _ctx.Charge(160);
        var tensor = new Tensor
        {
            Shape = _r.GetInt32Array(t, S.Tensor.Shape, "shape") ?? [],
            Type = (TensorType)_r.GetSByte(t, S.Tensor.Type, 0, "type"),
            Buffer = _r.GetUInt32(t, S.Tensor.Buffer, 0, "buffer"),
            Name = _r.GetString(t, S.Tensor.Name, "name"),
            IsVariable = _r.GetBool(t, S.Tensor.IsVariable, false, "is_variable"),
            ShapeSignature = _r.GetInt32Array(t, S.Tensor.ShapeSignature, "shape_signature"),
            HasRank = _r.GetBool(t, S.Tensor.HasRank, false, "has_rank"),
            ExternalBuffer = _r.GetUInt32(t, S.Tensor.ExternalBuffer, 0, "external_buffer"),
        };

        if (_r.GetTable(t, S.Tensor.Quantization, "quantization") is { } q) tensor.Quantization = ReadQuantization(q);
        if (_r.GetTable(t, S.Tensor.Sparsity, "sparsity") is { } sp) tensor.Sparsity = ReadSparsity(sp);

        var variants = _r.GetVector(t, S.Tensor.VariantTensors, 4, "variant_tensors");
        if (variants.IsPresent)
        {
            tensor.VariantTensors = new List<VariantSubType>(variants.Count);
            for (int i = 0; i < variants.Count; i++)
            {
                var v = _r.TableAt(variants, i, "variant_tensors");
                _ctx.Charge(64);
                tensor.VariantTensors.Add(new VariantSubType
                {
                    Shape = _r.GetInt32Array(v, S.VariantSubType.Shape, "variant_tensors.shape"),
                    Type = (TensorType)_r.GetSByte(v, S.VariantSubType.Type, 0, "variant_tensors.type"),
                    HasRank = _r.GetBool(v, S.VariantSubType.HasRank, false, "variant_tensors.has_rank"),
                });
            }
        }

        return tensor;
    }

    private QuantizationParameters ReadQuantization(FlatTable q)
    {
        _ctx.Charge(96);
        const string F = "quantization.";
        byte detailsType = _r.GetByte(q, S.QuantizationParameters.DetailsType, 0, F + "details_type");
        int detailsPos = _r.GetTablePosition(q, S.QuantizationParameters.Details, F + "details");
        QuantizationDetails? details = null;
        if (detailsType != 0)
        {
            FlatTable? d = detailsPos < 0 ? null : _r.Table(detailsPos, F + "details");
            details = detailsType switch
            {
                S.QuantizationParameters.CustomQuantization => new CustomQuantization(
                    d is { } c ? _r.GetByteArray(c, S.CustomQuantization.Custom, F + "details.custom") ?? [] : []),
                S.QuantizationParameters.BlockwiseQuantization => d is { } b
                    ? new BlockwiseQuantization(
                        _r.GetInt32(b, S.BlockwiseQuantization.Scales, 0, F + "details.scales"),
                        _r.GetInt32(b, S.BlockwiseQuantization.ZeroPoints, 0, F + "details.zero_points"),
                        _r.GetInt32(b, S.BlockwiseQuantization.BlockSize, 0, F + "details.block_size"))
                    : new BlockwiseQuantization(0, 0, 0),
                S.QuantizationParameters.MultiAxisQuantization => d is { } m
                    ? new MultiAxisQuantization(
                        _r.GetInt32(m, S.MultiAxisQuantization.Scales, 0, F + "details.scales"),
                        _r.GetInt32(m, S.MultiAxisQuantization.ZeroPoints, 0, F + "details.zero_points"),
                        _r.GetInt32(m, S.MultiAxisQuantization.BlockSize, 0, F + "details.block_size"),
                        _r.GetInt32Array(m, S.MultiAxisQuantization.QuantizedDimensions, F + "details.quantized_dimensions"))
                    : new MultiAxisQuantization(0, 0, 0, null),
                _ => throw _ctx.Fail(F + "details_type", $"union type {detailsType} is not a QuantizationDetails member of schema 3d (1..3)"),
            };
        }

        return new QuantizationParameters
        {
            Min = _r.GetSingleArray(q, S.QuantizationParameters.Min, F + "min"),
            Max = _r.GetSingleArray(q, S.QuantizationParameters.Max, F + "max"),
            Scale = _r.GetSingleArray(q, S.QuantizationParameters.Scale, F + "scale"),
            ZeroPoint = _r.GetInt64Array(q, S.QuantizationParameters.ZeroPoint, F + "zero_point"),
            Details = details,
            QuantizedDimension = _r.GetInt32(q, S.QuantizationParameters.QuantizedDimension, 0, F + "quantized_dimension"),
        };
    }

    private SparsityParameters ReadSparsity(FlatTable t)
    {
        _ctx.Charge(64);
        var sp = new SparsityParameters
        {
            TraversalOrder = _r.GetInt32Array(t, S.SparsityParameters.TraversalOrder, "sparsity.traversal_order"),
            BlockMap = _r.GetInt32Array(t, S.SparsityParameters.BlockMap, "sparsity.block_map"),
        };

        var dims = _r.GetVector(t, S.SparsityParameters.DimMetadata, 4, "sparsity.dim_metadata");
        if (dims.IsPresent)
        {
            sp.DimMetadata = new List<DimensionMetadata>(dims.Count);
            for (int i = 0; i < dims.Count; i++)
            {
                var d = _r.TableAt(dims, i, "sparsity.dim_metadata");
                _ctx.Charge(64);
                sp.DimMetadata.Add(new DimensionMetadata
                {
                    Format = (DimensionType)_r.GetSByte(d, S.DimensionMetadata.Format, 0, "sparsity.dim_metadata.format"),
                    DenseSize = _r.GetInt32(d, S.DimensionMetadata.DenseSize, 0, "sparsity.dim_metadata.dense_size"),
                    ArraySegments = ReadIndexVector(d, S.DimensionMetadata.ArraySegmentsType, S.DimensionMetadata.ArraySegments, "sparsity.dim_metadata.array_segments"),
                    ArrayIndices = ReadIndexVector(d, S.DimensionMetadata.ArrayIndicesType, S.DimensionMetadata.ArrayIndices, "sparsity.dim_metadata.array_indices"),
                });
            }
        }

        return sp;
    }

    private SparseIndexVector? ReadIndexVector(FlatTable d, int typeSlot, int valueSlot, string field)
    {
        byte type = _r.GetByte(d, typeSlot, 0, field + "_type");
        int pos = _r.GetTablePosition(d, valueSlot, field);
        if (type == 0) return null;
        if (type > 3) throw _ctx.Fail(field + "_type", $"union type {type} is not a SparseIndexVector member of schema 3d (1..3)");
        int[] values = [];
        if (pos >= 0)
        {
            var t = _r.Table(pos, field);
            values = type switch
            {
                1 => _r.GetInt32Array(t, S.IndexVector.Values, field + ".values"),
                2 => _r.GetUInt16ArrayAsInt32(t, S.IndexVector.Values, field + ".values"),
                _ => _r.GetByteArrayAsInt32(t, S.IndexVector.Values, field + ".values"),
            } ?? [];
        }

        return new SparseIndexVector((SparseIndexType)type, values);
    }

    private Operator ReadOperator(FlatTable t)
    {
        _ctx.Charge(160);
        var op = new Operator
        {
            OpcodeIndex = _r.GetUInt32(t, S.Operator.OpcodeIndex, 0, "opcode_index"),
            Inputs = _r.GetInt32Array(t, S.Operator.Inputs, "inputs") ?? [],
            Outputs = _r.GetInt32Array(t, S.Operator.Outputs, "outputs") ?? [],
            BuiltinOptions = ReadOptions(t, S.Operator.BuiltinOptionsType, S.Operator.BuiltinOptions, OptionsUnion.BuiltinOptions, "builtin_options"),
            CustomOptionsFormat = (CustomOptionsFormat)_r.GetSByte(t, S.Operator.CustomOptionsFormat, 0, "custom_options_format"),
            MutatingVariableInputs = _r.GetBoolArray(t, S.Operator.MutatingVariableInputs, "mutating_variable_inputs"),
            Intermediates = _r.GetInt32Array(t, S.Operator.Intermediates, "intermediates"),
            LargeCustomOptionsOffset = _r.GetUInt64(t, S.Operator.LargeCustomOptionsOffset, 0, "large_custom_options_offset"),
            LargeCustomOptionsSize = _r.GetUInt64(t, S.Operator.LargeCustomOptionsSize, 0, "large_custom_options_size"),
            BuiltinOptions2 = ReadOptions(t, S.Operator.BuiltinOptions2Type, S.Operator.BuiltinOptions2, OptionsUnion.BuiltinOptions2, "builtin_options_2"),
            DebugMetadataIndex = _r.GetInt32(t, S.Operator.DebugMetadataIndex, -1, "debug_metadata_index"),
        };

        var custom = _r.GetVector(t, S.Operator.CustomOptions, 1, "custom_options");
        if (op.LargeCustomOptionsOffset > 1)
        {
            // As in TFLite's interpreter builder: a valid large offset wins over an inline vector.
            op.CustomOptions = Payload(op.LargeCustomOptionsOffset, op.LargeCustomOptionsSize, "large_custom_options_offset");
        }
        else if (custom.IsPresent)
        {
            op.CustomOptions = _file.Head.Slice(custom.Start, custom.Count);
        }

        return op;
    }

    private OperatorOptions? ReadOptions(FlatTable op, int typeSlot, int valueSlot, OptionsUnion union, string field)
    {
        byte type = _r.GetByte(op, typeSlot, 0, field + "_type");
        int pos = _r.GetTablePosition(op, valueSlot, field);
        if (type == 0) return null; // a table without a type cannot be interpreted (and TFLite ignores it)
        var descriptor = BuiltinOptionsCatalog.Find(union, type)
            ?? throw _ctx.Fail(field + "_type", $"union type {type} is not a member of {union} in schema 3d");
        _ctx.Charge(64 + 32L * descriptor.Fields.Count);
        var options = new OperatorOptions(descriptor);
        if (pos < 0) return options; // a type without a table: all fields at their defaults
        var t = _r.Table(pos, field);
        for (int i = 0; i < descriptor.Fields.Count; i++)
        {
            var f = descriptor.Fields[i];
            string name = f.Name;
            options[i] = f.Kind switch
            {
                OptionFieldKind.Deprecated => null,
                OptionFieldKind.Bool => _r.GetBool(t, i, f.Default is bool b && b, name),
                OptionFieldKind.Int8 => _r.GetSByte(t, i, f.Default is sbyte v8 ? v8 : (sbyte)0, name),
                OptionFieldKind.UInt8 => _r.GetByte(t, i, f.Default is byte u8 ? u8 : (byte)0, name),
                OptionFieldKind.Int16 => _r.GetInt16(t, i, f.Default is short v16 ? v16 : (short)0, name),
                OptionFieldKind.UInt16 => _r.GetUInt16(t, i, f.Default is ushort u16 ? u16 : (ushort)0, name),
                OptionFieldKind.Int32 => _r.GetInt32(t, i, f.Default is int v32 ? v32 : 0, name),
                OptionFieldKind.UInt32 => _r.GetUInt32(t, i, f.Default is uint u32 ? u32 : 0u, name),
                OptionFieldKind.Int64 => _r.GetInt64(t, i, f.Default is long v64 ? v64 : 0L, name),
                OptionFieldKind.UInt64 => _r.GetUInt64(t, i, f.Default is ulong u64 ? u64 : 0UL, name),
                OptionFieldKind.Float32 => _r.GetSingle(t, i, f.Default is float f32 ? f32 : 0f, name),
                OptionFieldKind.Float64 => _r.GetDouble(t, i, f.Default is double f64 ? f64 : 0d, name),
                OptionFieldKind.String => _r.GetString(t, i, name),
                OptionFieldKind.BoolVector => _r.GetBoolArray(t, i, name),
                OptionFieldKind.Int8Vector => _r.GetSByteArray(t, i, name),
                OptionFieldKind.UInt8Vector => _r.GetByteArray(t, i, name),
                OptionFieldKind.Int32Vector => _r.GetInt32Array(t, i, name),
                OptionFieldKind.UInt32Vector => _r.GetUInt32Array(t, i, name),
                OptionFieldKind.Int64Vector => _r.GetInt64Array(t, i, name),
                OptionFieldKind.Float32Vector => _r.GetSingleArray(t, i, name),
                _ => throw new InvalidOperationException($"Unknown option field kind {f.Kind} in {descriptor.Name}.{name}."),
            };
        }

        return options;
    }

    private List<TensorMap>? ReadTensorMaps(FlatTable t, int slot, string field)
    {
        var v = _r.GetVector(t, slot, 4, field);
        if (!v.IsPresent) return null;
        var maps = new List<TensorMap>(v.Count);
        for (int i = 0; i < v.Count; i++)
        {
            var m = _r.TableAt(v, i, field);
            _ctx.Charge(48);
            maps.Add(new TensorMap
            {
                Name = _r.GetString(m, S.TensorMap.Name, field + ".name"),
                TensorIndex = _r.GetUInt32(m, S.TensorMap.TensorIndex, 0, field + ".tensor_index"),
            });
        }

        return maps;
    }

    private ModelBuffer ReadBuffer(FlatTable t)
    {
        _ctx.Charge(64);
        var data = _r.GetVector(t, S.Buffer.Data, 1, "data");
        var buffer = new ModelBuffer
        {
            Offset = _r.GetUInt64(t, S.Buffer.Offset, 0, "offset"),
            Size = _r.GetUInt64(t, S.Buffer.Size, 0, "size"),
        };

        if (buffer.Offset > 1)
        {
            // The > 2 GB layout: the payload sits after the FlatBuffer, at an offset from the start of the file.
            buffer.Data = Payload(buffer.Offset, buffer.Size, "offset");
        }
        else if (data.IsPresent)
        {
            buffer.Data = _file.Head.Slice(data.Start, data.Count);
        }

        return buffer;
    }

    private ReadOnlyMemory<byte> Payload(ulong offset, ulong size, string field)
    {
        if (size > int.MaxValue)
        {
            throw _ctx.Fail(field, $"payload of {size:N0} bytes at offset 0x{offset:X} is larger than one buffer view can hold (2 GiB - 1)");
        }

        ulong length = (ulong)_file.Length;
        if (offset > length || size > length - offset)
        {
            throw _ctx.Fail(field, $"offset 0x{offset:X}: payload of {size:N0} bytes runs past the end of the file ({length:N0} bytes)");
        }

        return _file.Slice((long)offset, (int)size);
    }
}
