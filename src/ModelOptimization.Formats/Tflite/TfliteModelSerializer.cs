using System.Collections;
using Google.FlatBuffers;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.Tflite;
using S = ModelOptimization.Formats.Tflite.TfliteSchema;

namespace ModelOptimization.Formats.Tflite;

/// <summary>
/// Builds the FlatBuffer of a model with Google.FlatBuffers' <see cref="FlatBufferBuilder"/> and streams it out,
/// followed (in the external layout) by the appended payloads. The builder never sees external payloads, so the
/// FlatBuffer holds only the graph and stays far below its 2 GiB limit; payload offsets are patched into the finished
/// FlatBuffer (the fields are written with a non-zero placeholder so that they occupy their slot). Every vector and
/// string the model holds is written, also when empty; scalars equal to their schema default are omitted, as
/// FlatBuffers does. The output depends only on the model: writing the same model twice gives the same bytes.
/// </summary>
internal sealed class TfliteModelSerializer
{
    private const int CopyChunk = 4 << 20;

    private readonly Model _model;
    private readonly bool _external;
    private readonly CancellationToken _cancel;
    private readonly List<Payload> _payloads = [];
    private FlatBufferBuilder _b = null!;

    public TfliteModelSerializer(Model model, bool external, CancellationToken cancel)
    {
        _model = model;
        _external = external;
        _cancel = cancel;
    }

    /// <summary>Bytes of buffer data and custom options (what the external layout moves after the FlatBuffer).</summary>
    public static long PayloadBytes(Model model)
    {
        long n = 0;
        foreach (var b in model.Buffers) n += b.Data.Length + 32;
        foreach (var sg in model.Subgraphs)
        {
            foreach (var op in sg.Operators) n += (op.CustomOptions?.Length ?? 0) + 32;
        }

        return n;
    }

    /// <summary>A rough size of everything but the payloads, used to size the builder's array up front.</summary>
    public static long StructureBytes(Model model)
    {
        long n = 4096;
        foreach (var sg in model.Subgraphs)
        {
            n += 256 + (sg.Name?.Length ?? 0) * 3;
            foreach (var t in sg.Tensors)
            {
                n += 192 + (t.Name?.Length ?? 0) * 3 + 8L * t.Shape.Length + 8L * (t.ShapeSignature?.Length ?? 0);
                if (t.Quantization is { } q)
                {
                    n += 96 + 8L * ((q.Min?.Length ?? 0) + (q.Max?.Length ?? 0) + (q.Scale?.Length ?? 0) + 2 * (q.ZeroPoint?.Length ?? 0));
                    if (q.Details is CustomQuantization c) n += c.Custom.Length + 32;
                }

                if (t.Sparsity is { } sp)
                {
                    n += 128 + 8L * ((sp.TraversalOrder?.Length ?? 0) + (sp.BlockMap?.Length ?? 0));
                    foreach (var d in sp.DimMetadata ?? []) n += 96 + 8L * ((d.ArraySegments?.Values.Length ?? 0) + (d.ArrayIndices?.Values.Length ?? 0));
                }
            }

            foreach (var op in sg.Operators)
            {
                n += 192 + 8L * (op.Inputs.Length + op.Outputs.Length + (op.Intermediates?.Length ?? 0) + (op.MutatingVariableInputs?.Length ?? 0));
                n += OptionsBytes(op.BuiltinOptions) + OptionsBytes(op.BuiltinOptions2);
            }
        }

        n += 64L * model.Buffers.Count + 64L * model.OperatorCodes.Count + 3L * (model.Description?.Length ?? 0);
        n += 256L * (model.SignatureDefs?.Count ?? 0) + 128L * (model.Metadata?.Count ?? 0) + 128L * (model.ExternalBuffers?.Count ?? 0);
        foreach (var s in model.SignatureDefs ?? [])
        {
            foreach (var m in (s.Inputs ?? []).Concat(s.Outputs ?? [])) n += 64 + 3L * (m.Name?.Length ?? 0);
        }

        return n;
    }

    /// <summary>Builds the FlatBuffer and writes it, then any appended payloads, to <paramref name="output"/>.</summary>
    public void WriteTo(Stream output)
    {
        Build();
        var bb = _b.DataBuffer;
        int start = bb.Position;
        int fbLength = bb.Length - start;
        if (_external) PatchPayloadOffsets(fbLength);
        _cancel.ThrowIfCancellationRequested();

        var array = bb.ToArraySegment(start, fbLength);
        for (int at = 0; at < fbLength; at += CopyChunk)
        {
            _cancel.ThrowIfCancellationRequested();
            output.Write(array.Array!, array.Offset + at, Math.Min(CopyChunk, fbLength - at));
        }

        if (!_external) return;
        long position = fbLength;
        Span<byte> zeros = stackalloc byte[S.DataAlignment];
        zeros.Clear();
        foreach (var p in _payloads)
        {
            int pad = (int)(p.FileOffset - position);
            output.Write(zeros[..pad]);
            position += pad;
            for (int at = 0; at < p.Data.Length; at += CopyChunk)
            {
                _cancel.ThrowIfCancellationRequested();
                output.Write(p.Data.Span.Slice(at, Math.Min(CopyChunk, p.Data.Length - at)));
            }

            position += p.Data.Length;
        }

        // No padding after the last payload: the file ends with the last byte something refers to.
    }

    private static long Align(long n) => (n + S.DataAlignment - 1) & ~(long)(S.DataAlignment - 1);

    private static long OptionsBytes(OperatorOptions? o)
    {
        if (o is null) return 0;
        long n = 16 + 16L * o.Values.Count;
        foreach (var v in o.Values)
        {
            n += v switch
            {
                string s => 8 + 3L * s.Length,
                Array a => 8 + 8L * a.Length,
                _ => 0,
            };
        }

        return n;
    }

    private void Build()
    {
        long size = StructureBytes(_model) + (_external ? 0 : PayloadBytes(_model));
        _b = new FlatBufferBuilder((int)Math.Clamp(size + size / 8, 1024, int.MaxValue - 4096));

        var metadataBuffers = new HashSet<uint>();
        foreach (var m in _model.Metadata ?? []) metadataBuffers.Add(m.Buffer);
        foreach (int i in _model.MetadataBuffer ?? []) metadataBuffers.Add((uint)i);

        // Buffers first: in the inline layout their data end up at the back of the file, the tables in front.
        int bufferCount = _model.Buffers.Count + (_external ? 1 : 0);
        var buffers = new int[bufferCount];
        for (int i = 0; i < _model.Buffers.Count; i++)
        {
            _cancel.ThrowIfCancellationRequested();
            var data = _model.Buffers[i].Data;
            bool outside = _external && !data.IsEmpty && !metadataBuffers.Contains((uint)i);
            buffers[i] = WriteBuffer(data, outside);
        }

        if (_external) buffers[^1] = WriteBuffer(BufferLocationMarker.Value, outside: false);

        var subgraphs = new int[_model.Subgraphs.Count];
        for (int s = 0; s < subgraphs.Length; s++) subgraphs[s] = WriteSubgraph(_model.Subgraphs[s]);

        var codes = new int[_model.OperatorCodes.Count];
        for (int i = 0; i < codes.Length; i++) codes[i] = WriteOperatorCode(_model.OperatorCodes[i]);

        int description = Str(_model.Description);
        int metadataBuffer = _model.MetadataBuffer is { } mb ? Vector(mb, 4) : 0;

        int metadata = 0;
        var entries = (_model.Metadata ?? []).Where(m => !BufferLocationMarker.IsMarker(_model, m)).ToList();
        if (_model.Metadata is not null || _external)
        {
            var offsets = new List<int>();
            foreach (var m in entries) offsets.Add(WriteMetadata(m.Name, m.Buffer));
            if (_external) offsets.Add(WriteMetadata(S.BufferLocationMetadata, (uint)(bufferCount - 1)));
            metadata = Offsets(offsets);
        }

        int signatures = 0;
        if (_model.SignatureDefs is { } sigs)
        {
            signatures = Offsets(sigs.Select(WriteSignature).ToList());
        }

        int groups = 0;
        if (_model.ExternalBufferGroups is { } g)
        {
            groups = Offsets(g.Select(x =>
            {
                int name = Str(x.Name);
                _b.StartTable(S.ExternalBufferGroup.FieldCount);
                AddOffset(S.ExternalBufferGroup.Name, name);
                return _b.EndTable();
            }).ToList());
        }

        int externalBuffers = 0;
        if (_model.ExternalBuffers is { } eb)
        {
            externalBuffers = Offsets(eb.Select(x =>
            {
                int packing = Str(x.Packing);
                _b.StartTable(S.ExternalBuffer.FieldCount);
                _b.AddUlong(S.ExternalBuffer.Offset, x.Offset, 0);
                _b.AddUlong(S.ExternalBuffer.Length, x.Length, 0);
                _b.AddUint(S.ExternalBuffer.Id, x.Id, 0);
                _b.AddUint(S.ExternalBuffer.Group, x.Group, 0);
                AddOffset(S.ExternalBuffer.Packing, packing);
                return _b.EndTable();
            }).ToList());
        }

        int codesVector = Offsets(codes);
        int subgraphsVector = Offsets(subgraphs);
        int buffersVector = Offsets(buffers);

        _b.StartTable(S.Model.FieldCount);
        _b.AddUint(S.Model.Version, _model.Version, 0);
        AddOffset(S.Model.OperatorCodes, codesVector);
        AddOffset(S.Model.Subgraphs, subgraphsVector);
        AddOffset(S.Model.Description, description);
        AddOffset(S.Model.Buffers, buffersVector);
        AddOffset(S.Model.MetadataBuffer, metadataBuffer);
        AddOffset(S.Model.Metadata, metadata);
        AddOffset(S.Model.SignatureDefs, signatures);
        AddOffset(S.Model.ExternalBufferGroups, groups);
        AddOffset(S.Model.ExternalBuffers, externalBuffers);
        _b.Finish(_b.EndTable(), S.Identifier);
    }

    private int WriteBuffer(ReadOnlyMemory<byte> data, bool outside)
    {
        int vector = 0;
        if (!data.IsEmpty && !outside) vector = Bytes(data, S.DataAlignment);
        _b.StartTable(S.Buffer.FieldCount);
        if (outside)
        {
            // Placeholder offset (> 0 so that the field exists; patched once the FlatBuffer's size is known).
            _b.AddUlong(S.Buffer.Offset, 1, 0);
            _b.AddUlong(S.Buffer.Size, (ulong)data.Length, 0);
        }

        AddOffset(S.Buffer.Data, vector);
        int table = _b.EndTable();
        if (outside) _payloads.Add(new Payload(table, S.Buffer.Offset, data));
        return table;
    }

    private int WriteOperatorCode(OperatorCode c)
    {
        int custom = Str(c.CustomCode);
        _b.StartTable(S.OperatorCode.FieldCount);
        _b.AddInt(S.OperatorCode.Version, c.Version, 1);
        _b.AddInt(S.OperatorCode.BuiltinCode, (int)c.BuiltinCode, 0);
        AddOffset(S.OperatorCode.CustomCode, custom);
        _b.AddSbyte(S.OperatorCode.DeprecatedBuiltinCode, c.DeprecatedBuiltinCode, 0);
        return _b.EndTable();
    }

    private int WriteSubgraph(Subgraph sg)
    {
        var tensors = new int[sg.Tensors.Count];
        for (int i = 0; i < tensors.Length; i++)
        {
            if ((i & 1023) == 0) _cancel.ThrowIfCancellationRequested();
            tensors[i] = WriteTensor(sg.Tensors[i]);
        }

        var operators = new int[sg.Operators.Count];
        for (int i = 0; i < operators.Length; i++)
        {
            if ((i & 1023) == 0) _cancel.ThrowIfCancellationRequested();
            operators[i] = WriteOperator(sg.Operators[i]);
        }

        int tensorsVector = Offsets(tensors);
        int inputs = Vector(sg.Inputs, 4);
        int outputs = Vector(sg.Outputs, 4);
        int operatorsVector = Offsets(operators);
        int name = Str(sg.Name);
        _b.StartTable(S.SubGraph.FieldCount);
        AddOffset(S.SubGraph.Tensors, tensorsVector);
        AddOffset(S.SubGraph.Inputs, inputs);
        AddOffset(S.SubGraph.Outputs, outputs);
        AddOffset(S.SubGraph.Operators, operatorsVector);
        AddOffset(S.SubGraph.Name, name);
        _b.AddInt(S.SubGraph.DebugMetadataIndex, sg.DebugMetadataIndex, -1);
        return _b.EndTable();
    }

    private int WriteTensor(Tensor t)
    {
        int shape = Vector(t.Shape, 4);
        int name = Str(t.Name);
        int quantization = t.Quantization is { } q ? WriteQuantization(q) : 0;
        int sparsity = t.Sparsity is { } sp ? WriteSparsity(sp) : 0;
        int signature = t.ShapeSignature is { } sig ? Vector(sig, 4) : 0;
        int variants = 0;
        if (t.VariantTensors is { } vs)
        {
            variants = Offsets(vs.Select(v =>
            {
                int vshape = v.Shape is { } s ? Vector(s, 4) : 0;
                _b.StartTable(S.VariantSubType.FieldCount);
                AddOffset(S.VariantSubType.Shape, vshape);
                _b.AddSbyte(S.VariantSubType.Type, (sbyte)v.Type, 0);
                _b.AddBool(S.VariantSubType.HasRank, v.HasRank, false);
                return _b.EndTable();
            }).ToList());
        }

        _b.StartTable(S.Tensor.FieldCount);
        AddOffset(S.Tensor.Shape, shape);
        _b.AddUint(S.Tensor.Buffer, t.Buffer, 0);
        AddOffset(S.Tensor.Name, name);
        AddOffset(S.Tensor.Quantization, quantization);
        AddOffset(S.Tensor.Sparsity, sparsity);
        AddOffset(S.Tensor.ShapeSignature, signature);
        AddOffset(S.Tensor.VariantTensors, variants);
        _b.AddUint(S.Tensor.ExternalBuffer, t.ExternalBuffer, 0);
        _b.AddSbyte(S.Tensor.Type, (sbyte)t.Type, 0);
        _b.AddBool(S.Tensor.IsVariable, t.IsVariable, false);
        _b.AddBool(S.Tensor.HasRank, t.HasRank, false);
        return _b.EndTable();
    }

    private int WriteQuantization(QuantizationParameters q)
    {
        int min = q.Min is { } mn ? Vector(mn, 4) : 0;
        int max = q.Max is { } mx ? Vector(mx, 4) : 0;
        int scale = q.Scale is { } sc ? Vector(sc, 4) : 0;
        int zeroPoint = q.ZeroPoint is { } zp ? Vector(zp, 8) : 0;
        byte detailsType = 0;
        int details = 0;
        switch (q.Details)
        {
            case CustomQuantization c:
                int custom = Bytes(c.Custom, S.DataAlignment);
                _b.StartTable(S.CustomQuantization.FieldCount);
                AddOffset(S.CustomQuantization.Custom, custom);
                details = _b.EndTable();
                detailsType = S.QuantizationParameters.CustomQuantization;
                break;
            case BlockwiseQuantization bw:
                _b.StartTable(S.BlockwiseQuantization.FieldCount);
                _b.AddInt(S.BlockwiseQuantization.Scales, bw.Scales, 0);
                _b.AddInt(S.BlockwiseQuantization.ZeroPoints, bw.ZeroPoints, 0);
                _b.AddInt(S.BlockwiseQuantization.BlockSize, bw.BlockSize, 0);
                details = _b.EndTable();
                detailsType = S.QuantizationParameters.BlockwiseQuantization;
                break;
            case MultiAxisQuantization ma:
                int dims = ma.QuantizedDimensions is { } qd ? Vector(qd, 4) : 0;
                _b.StartTable(S.MultiAxisQuantization.FieldCount);
                _b.AddInt(S.MultiAxisQuantization.Scales, ma.Scales, 0);
                _b.AddInt(S.MultiAxisQuantization.ZeroPoints, ma.ZeroPoints, 0);
                _b.AddInt(S.MultiAxisQuantization.BlockSize, ma.BlockSize, 0);
                AddOffset(S.MultiAxisQuantization.QuantizedDimensions, dims);
                details = _b.EndTable();
                detailsType = S.QuantizationParameters.MultiAxisQuantization;
                break;
            case null:
                break;
            default:
                throw new InvalidOperationException($"Quantization details of type {q.Details.GetType().Name} have no TFLite encoding.");
        }

        _b.StartTable(S.QuantizationParameters.FieldCount);
        AddOffset(S.QuantizationParameters.Min, min);
        AddOffset(S.QuantizationParameters.Max, max);
        AddOffset(S.QuantizationParameters.Scale, scale);
        AddOffset(S.QuantizationParameters.ZeroPoint, zeroPoint);
        AddOffset(S.QuantizationParameters.Details, details);
        _b.AddInt(S.QuantizationParameters.QuantizedDimension, q.QuantizedDimension, 0);
        _b.AddByte(S.QuantizationParameters.DetailsType, detailsType, 0);
        return _b.EndTable();
    }

    private int WriteSparsity(SparsityParameters sp)
    {
        int order = sp.TraversalOrder is { } o ? Vector(o, 4) : 0;
        int blockMap = sp.BlockMap is { } bm ? Vector(bm, 4) : 0;
        int dims = 0;
        if (sp.DimMetadata is { } dm)
        {
            dims = Offsets(dm.Select(d =>
            {
                int segments = IndexVector(d.ArraySegments);
                int indices = IndexVector(d.ArrayIndices);
                _b.StartTable(S.DimensionMetadata.FieldCount);
                _b.AddInt(S.DimensionMetadata.DenseSize, d.DenseSize, 0);
                AddOffset(S.DimensionMetadata.ArraySegments, segments);
                AddOffset(S.DimensionMetadata.ArrayIndices, indices);
                _b.AddSbyte(S.DimensionMetadata.Format, (sbyte)d.Format, 0);
                _b.AddByte(S.DimensionMetadata.ArraySegmentsType, (byte)(d.ArraySegments?.Type ?? 0), 0);
                _b.AddByte(S.DimensionMetadata.ArrayIndicesType, (byte)(d.ArrayIndices?.Type ?? 0), 0);
                return _b.EndTable();
            }).ToList());
        }

        _b.StartTable(S.SparsityParameters.FieldCount);
        AddOffset(S.SparsityParameters.TraversalOrder, order);
        AddOffset(S.SparsityParameters.BlockMap, blockMap);
        AddOffset(S.SparsityParameters.DimMetadata, dims);
        return _b.EndTable();
    }

    private int IndexVector(SparseIndexVector? v)
    {
        if (v is null) return 0;
        int values;
        switch (v.Type)
        {
            case SparseIndexType.Int32:
                values = Vector(v.Values, 4);
                break;
            case SparseIndexType.UInt16:
                values = Vector(v.Values.Select(x => checked((ushort)x)).ToArray(), 4);
                break;
            case SparseIndexType.UInt8:
                values = Vector(v.Values.Select(x => checked((byte)x)).ToArray(), 4);
                break;
            default:
                throw new InvalidOperationException($"Sparse index vector type {v.Type} has no TFLite encoding.");
        }

        _b.StartTable(S.IndexVector.FieldCount);
        AddOffset(S.IndexVector.Values, values);
        return _b.EndTable();
    }

    private int WriteOperator(Operator op)
    {
        int inputs = Vector(op.Inputs, 4);
        int outputs = Vector(op.Outputs, 4);
        var (options1Type, options1) = WriteOptions(op.BuiltinOptions, OptionsUnion.BuiltinOptions);
        var (options2Type, options2) = WriteOptions(op.BuiltinOptions2, OptionsUnion.BuiltinOptions2);
        bool outside = _external && op.CustomOptions is { IsEmpty: false };
        int custom = op.CustomOptions is { } co && !outside ? Bytes(co, 1) : 0;
        int mutating = op.MutatingVariableInputs is { } mv ? Vector(mv, 1) : 0;
        int intermediates = op.Intermediates is { } im ? Vector(im, 4) : 0;

        _b.StartTable(S.Operator.FieldCount);
        if (outside)
        {
            _b.AddUlong(S.Operator.LargeCustomOptionsOffset, 1, 0);
            _b.AddUlong(S.Operator.LargeCustomOptionsSize, (ulong)op.CustomOptions!.Value.Length, 0);
        }

        _b.AddUint(S.Operator.OpcodeIndex, op.OpcodeIndex, 0);
        AddOffset(S.Operator.Inputs, inputs);
        AddOffset(S.Operator.Outputs, outputs);
        AddOffset(S.Operator.BuiltinOptions, options1);
        AddOffset(S.Operator.CustomOptions, custom);
        AddOffset(S.Operator.MutatingVariableInputs, mutating);
        AddOffset(S.Operator.Intermediates, intermediates);
        AddOffset(S.Operator.BuiltinOptions2, options2);
        _b.AddInt(S.Operator.DebugMetadataIndex, op.DebugMetadataIndex, -1);
        _b.AddByte(S.Operator.BuiltinOptionsType, options1Type, 0);
        _b.AddSbyte(S.Operator.CustomOptionsFormat, (sbyte)op.CustomOptionsFormat, 0);
        _b.AddByte(S.Operator.BuiltinOptions2Type, options2Type, 0);
        int table = _b.EndTable();
        if (outside) _payloads.Add(new Payload(table, S.Operator.LargeCustomOptionsOffset, op.CustomOptions!.Value));
        return table;
    }

    /// <summary>Writes any options table from its descriptor: strings and vectors first, then the table.</summary>
    private (byte Type, int Table) WriteOptions(OperatorOptions? options, OptionsUnion union)
    {
        if (options is null) return (0, 0);
        var d = options.Descriptor;
        if (d.Union != union)
        {
            throw new InvalidOperationException($"{d.Name} belongs to {d.Union}, not {union}.");
        }

        var fields = d.Fields;
        var offsets = new int[fields.Count];
        for (int i = 0; i < fields.Count; i++)
        {
            object? v = options[i];
            if (v is null) continue;
            offsets[i] = fields[i].Kind switch
            {
                OptionFieldKind.String => Str(Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)),
                OptionFieldKind.BoolVector => Vector(As<bool>(v, Convert.ToBoolean), 1),
                OptionFieldKind.Int8Vector => Vector(As<sbyte>(v, Convert.ToSByte), 1),
                OptionFieldKind.UInt8Vector => Vector(As<byte>(v, Convert.ToByte), 1),
                OptionFieldKind.Int32Vector => Vector(As<int>(v, Convert.ToInt32), 4),
                OptionFieldKind.UInt32Vector => Vector(As<uint>(v, Convert.ToUInt32), 4),
                OptionFieldKind.Int64Vector => Vector(As<long>(v, Convert.ToInt64), 8),
                OptionFieldKind.Float32Vector => Vector(As<float>(v, Convert.ToSingle), 4),
                _ => 0,
            };
        }

        _b.StartTable(fields.Count);
        // Widest fields first, as flatc's generated builders do, so the table packs without padding.
        foreach (int width in (ReadOnlySpan<int>)[8, 4, 2, 1])
        {
            for (int i = 0; i < fields.Count; i++)
            {
                var f = fields[i];
                object? v = options[i];
                if (offsets[i] != 0)
                {
                    if (width == 4) AddOffset(i, offsets[i]);
                    continue;
                }

                if (v is null || f.Kind == OptionFieldKind.Deprecated || Width(f.Kind) != width) continue;
                AddScalar(i, f, v);
            }
        }

        return (d.TypeCode, _b.EndTable());
    }

    private static int Width(OptionFieldKind kind) => kind switch
    {
        OptionFieldKind.Bool or OptionFieldKind.Int8 or OptionFieldKind.UInt8 => 1,
        OptionFieldKind.Int16 or OptionFieldKind.UInt16 => 2,
        OptionFieldKind.Int32 or OptionFieldKind.UInt32 or OptionFieldKind.Float32 => 4,
        OptionFieldKind.Int64 or OptionFieldKind.UInt64 or OptionFieldKind.Float64 => 8,
        _ => 0,
    };

    private void AddScalar(int slot, OptionFieldDescriptor f, object v)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        switch (f.Kind)
        {
            case OptionFieldKind.Bool:
                _b.AddBool(slot, Convert.ToBoolean(v, inv), f.Default is true);
                break;
            case OptionFieldKind.Int8:
                _b.AddSbyte(slot, Convert.ToSByte(v, inv), f.Default is sbyte s8 ? s8 : (sbyte)0);
                break;
            case OptionFieldKind.UInt8:
                _b.AddByte(slot, Convert.ToByte(v, inv), f.Default is byte u8 ? u8 : (byte)0);
                break;
            case OptionFieldKind.Int16:
                _b.AddShort(slot, Convert.ToInt16(v, inv), f.Default is short s16 ? s16 : 0);
                break;
            case OptionFieldKind.UInt16:
                _b.AddUshort(slot, Convert.ToUInt16(v, inv), f.Default is ushort u16 ? u16 : (ushort)0);
                break;
            case OptionFieldKind.Int32:
                _b.AddInt(slot, Convert.ToInt32(v, inv), f.Default is int s32 ? s32 : 0);
                break;
            case OptionFieldKind.UInt32:
                _b.AddUint(slot, Convert.ToUInt32(v, inv), f.Default is uint u32 ? u32 : 0u);
                break;
            case OptionFieldKind.Int64:
                _b.AddLong(slot, Convert.ToInt64(v, inv), f.Default is long s64 ? s64 : 0L);
                break;
            case OptionFieldKind.UInt64:
                _b.AddUlong(slot, Convert.ToUInt64(v, inv), f.Default is ulong u64 ? u64 : 0UL);
                break;
            case OptionFieldKind.Float32:
                float x = Convert.ToSingle(v, inv);
                // Compared by bits, so that -0.0 and NaN payloads survive.
                if (BitConverter.SingleToInt32Bits(x) != BitConverter.SingleToInt32Bits(f.Default is float fd ? fd : 0f))
                {
                    _b.AddFloat(x);
                    _b.Slot(slot);
                }

                break;
            case OptionFieldKind.Float64:
                double y = Convert.ToDouble(v, inv);
                if (BitConverter.DoubleToInt64Bits(y) != BitConverter.DoubleToInt64Bits(f.Default is double dd ? dd : 0d))
                {
                    _b.AddDouble(y);
                    _b.Slot(slot);
                }

                break;
        }
    }

    private static T[] As<T>(object v, Func<object, IFormatProvider, T> convert)
        => v as T[] ?? ((IEnumerable)v).Cast<object>().Select(x => convert(x, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private int WriteMetadata(string? name, uint buffer)
    {
        int n = Str(name);
        _b.StartTable(S.Metadata.FieldCount);
        AddOffset(S.Metadata.Name, n);
        _b.AddUint(S.Metadata.Buffer, buffer, 0);
        return _b.EndTable();
    }

    private int WriteSignature(SignatureDef sig)
    {
        int inputs = sig.Inputs is { } i ? Offsets(i.Select(WriteTensorMap).ToList()) : 0;
        int outputs = sig.Outputs is { } o ? Offsets(o.Select(WriteTensorMap).ToList()) : 0;
        int key = Str(sig.SignatureKey);
        _b.StartTable(S.SignatureDef.FieldCount);
        AddOffset(S.SignatureDef.Inputs, inputs);
        AddOffset(S.SignatureDef.Outputs, outputs);
        AddOffset(S.SignatureDef.SignatureKey, key);
        _b.AddUint(S.SignatureDef.SubgraphIndex, sig.SubgraphIndex, 0);
        return _b.EndTable();
    }

    private int WriteTensorMap(TensorMap map)
    {
        int name = Str(map.Name);
        _b.StartTable(S.TensorMap.FieldCount);
        AddOffset(S.TensorMap.Name, name);
        _b.AddUint(S.TensorMap.TensorIndex, map.TensorIndex, 0);
        return _b.EndTable();
    }

    private void AddOffset(int slot, int offset)
    {
        if (offset != 0) _b.AddOffset(slot, offset, 0);
    }

    private int Str(string? s) => s is null ? 0 : _b.CreateString(s).Value;

    private int Offsets(IReadOnlyList<int> offsets)
    {
        _b.StartVector(4, offsets.Count, 4);
        for (int i = offsets.Count - 1; i >= 0; i--) _b.AddOffset(offsets[i]);
        return _b.EndVector().Value;
    }

    private int Vector<T>(T[] values, int alignment) where T : struct
    {
        int size = ByteBuffer.SizeOf<T>();
        _b.StartVector(size, values.Length, Math.Max(alignment, size));
        if (values.Length > 0) _b.Add(values);
        return _b.EndVector().Value;
    }

    /// <summary>A byte vector copied straight from the (possibly memory-mapped) source memory.</summary>
    private unsafe int Bytes(ReadOnlyMemory<byte> data, int alignment)
    {
        _b.StartVector(1, data.Length, alignment);
        if (!data.IsEmpty)
        {
            using var pin = data.Pin();
            _b.Add<byte>((IntPtr)pin.Pointer, data.Length);
        }

        return _b.EndVector().Value;
    }

    private void PatchPayloadOffsets(int flatBufferLength)
    {
        var bb = _b.DataBuffer;
        long position = Align(flatBufferLength);
        foreach (var p in _payloads)
        {
            p.FileOffset = position;
            // The table's position in the builder's array; the field's position comes from its vtable.
            int table = bb.Length - p.Table;
            int vtable = table - bb.GetInt(table);
            int field = bb.GetUshort(vtable + 4 + 2 * p.Slot);
            if (field == 0 || bb.GetUlong(table + field) != 1)
            {
                throw new InvalidOperationException("Payload offset placeholder not found in the FlatBuffer.");
            }

            bb.PutUlong(table + field, (ulong)position);
            position = Align(position + p.Data.Length);
        }
    }

    /// <summary>A payload written after the FlatBuffer and the table field that records its offset.</summary>
    private sealed class Payload(int table, int slot, ReadOnlyMemory<byte> data)
    {
        public int Table { get; } = table;

        public int Slot { get; } = slot;

        public ReadOnlyMemory<byte> Data { get; } = data;

        public long FileOffset { get; set; }
    }
}
