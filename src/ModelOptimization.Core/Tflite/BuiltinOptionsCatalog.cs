namespace ModelOptimization.Core.Tflite;

/// <summary>
/// The shapes of every TFLite builtin-options table (schema revision 3d): all members of the unions
/// <c>BuiltinOptions</c> and <c>BuiltinOptions2</c> with their union type codes, and each table's fields in
/// declaration order (= vtable slot, deprecated fields included) with their storage kind and schema default.
/// Also maps each <see cref="BuiltinOperator"/> to the options table it uses.
/// </summary>
public static class BuiltinOptionsCatalog
{
    private const OptionsUnion B1 = OptionsUnion.BuiltinOptions;
    private const OptionsUnion B2 = OptionsUnion.BuiltinOptions2;

    /// <summary>TensorType.INT32 (the default of <c>UniqueOptions.idx_out_type</c>).</summary>
    private const sbyte TensorTypeInt32 = 2;

    private static readonly OptionsDescriptor[] Descriptors =
    [
        // ---- union BuiltinOptions (Operator.builtin_options) ----
        new OptionsDescriptor("Conv2DOptions", B1, 1, [
            I8("padding"), I32("stride_w"), I32("stride_h"), I8("fused_activation_function"),
            I32("dilation_w_factor", 1), I32("dilation_h_factor", 1), I8("quantized_bias_type")]),
        new OptionsDescriptor("DepthwiseConv2DOptions", B1, 2, [
            I8("padding"), I32("stride_w"), I32("stride_h"), I32("depth_multiplier"), I8("fused_activation_function"),
            I32("dilation_w_factor", 1), I32("dilation_h_factor", 1)]),
        new OptionsDescriptor("ConcatEmbeddingsOptions", B1, 3, [
            I32("num_channels"), I32s("num_columns_per_channel"), I32s("embedding_dim_per_channel")]),
        new OptionsDescriptor("LSHProjectionOptions", B1, 4, [I8("type")]),
        new OptionsDescriptor("Pool2DOptions", B1, 5, [
            I8("padding"), I32("stride_w"), I32("stride_h"), I32("filter_width"), I32("filter_height"),
            I8("fused_activation_function")]),
        new OptionsDescriptor("SVDFOptions", B1, 6, [
            I32("rank"), I8("fused_activation_function"), Bool("asymmetric_quantize_inputs")]),
        new OptionsDescriptor("RNNOptions", B1, 7, [
            I8("fused_activation_function"), Bool("asymmetric_quantize_inputs")]),
        new OptionsDescriptor("FullyConnectedOptions", B1, 8, [
            I8("fused_activation_function"), I8("weights_format", (sbyte)FullyConnectedWeightsFormat.DEFAULT),
            Bool("keep_num_dims"), Bool("asymmetric_quantize_inputs"), I8("quantized_bias_type")]),
        new OptionsDescriptor("SoftmaxOptions", B1, 9, [F32("beta")]),
        new OptionsDescriptor("ConcatenationOptions", B1, 10, [I32("axis"), I8("fused_activation_function")]),
        new OptionsDescriptor("AddOptions", B1, 11, [I8("fused_activation_function"), Bool("pot_scale_int16", true)]),
        new OptionsDescriptor("L2NormOptions", B1, 12, [I8("fused_activation_function")]),
        new OptionsDescriptor("LocalResponseNormalizationOptions", B1, 13, [
            I32("radius"), F32("bias"), F32("alpha"), F32("beta")]),
        new OptionsDescriptor("LSTMOptions", B1, 14, [
            I8("fused_activation_function"), F32("cell_clip"), F32("proj_clip"),
            I8("kernel_type", (sbyte)LstmKernelType.FULL), Bool("asymmetric_quantize_inputs")]),
        // new_height / new_width are (deprecated) in the schema; they keep vtable slots 0 and 1.
        new OptionsDescriptor("ResizeBilinearOptions", B1, 15, [
            Dep("new_height"), Dep("new_width"), Bool("align_corners"), Bool("half_pixel_centers")]),
        new OptionsDescriptor("CallOptions", B1, 16, [U32("subgraph")]),
        new OptionsDescriptor("ReshapeOptions", B1, 17, [I32s("new_shape")]),
        new OptionsDescriptor("SkipGramOptions", B1, 18, [
            I32("ngram_size"), I32("max_skip_size"), Bool("include_all_ngrams")]),
        new OptionsDescriptor("SpaceToDepthOptions", B1, 19, [I32("block_size")]),
        new OptionsDescriptor("EmbeddingLookupSparseOptions", B1, 20, [I8("combiner")]),
        new OptionsDescriptor("MulOptions", B1, 21, [I8("fused_activation_function")]),
        new OptionsDescriptor("PadOptions", B1, 22, []),
        new OptionsDescriptor("GatherOptions", B1, 23, [I32("axis"), I32("batch_dims", 0)]),
        new OptionsDescriptor("BatchToSpaceNDOptions", B1, 24, []),
        new OptionsDescriptor("SpaceToBatchNDOptions", B1, 25, []),
        new OptionsDescriptor("TransposeOptions", B1, 26, []),
        new OptionsDescriptor("ReducerOptions", B1, 27, [Bool("keep_dims")]),
        new OptionsDescriptor("SubOptions", B1, 28, [I8("fused_activation_function"), Bool("pot_scale_int16", true)]),
        new OptionsDescriptor("DivOptions", B1, 29, [I8("fused_activation_function")]),
        new OptionsDescriptor("SqueezeOptions", B1, 30, [I32s("squeeze_dims")]),
        new OptionsDescriptor("SequenceRNNOptions", B1, 31, [
            Bool("time_major"), I8("fused_activation_function"), Bool("asymmetric_quantize_inputs")]),
        new OptionsDescriptor("StridedSliceOptions", B1, 32, [
            I32("begin_mask"), I32("end_mask"), I32("ellipsis_mask"), I32("new_axis_mask"), I32("shrink_axis_mask"),
            Bool("offset")]),
        new OptionsDescriptor("ExpOptions", B1, 33, []),
        new OptionsDescriptor("TopKV2Options", B1, 34, []),
        new OptionsDescriptor("SplitOptions", B1, 35, [I32("num_splits")]),
        new OptionsDescriptor("LogSoftmaxOptions", B1, 36, []),
        new OptionsDescriptor("CastOptions", B1, 37, [I8("in_data_type"), I8("out_data_type")]),
        new OptionsDescriptor("DequantizeOptions", B1, 38, []),
        new OptionsDescriptor("MaximumMinimumOptions", B1, 39, []),
        new OptionsDescriptor("ArgMaxOptions", B1, 40, [I8("output_type")]),
        new OptionsDescriptor("LessOptions", B1, 41, []),
        new OptionsDescriptor("NegOptions", B1, 42, []),
        new OptionsDescriptor("PadV2Options", B1, 43, []),
        new OptionsDescriptor("GreaterOptions", B1, 44, []),
        new OptionsDescriptor("GreaterEqualOptions", B1, 45, []),
        new OptionsDescriptor("LessEqualOptions", B1, 46, []),
        new OptionsDescriptor("SelectOptions", B1, 47, []),
        new OptionsDescriptor("SliceOptions", B1, 48, []),
        new OptionsDescriptor("TransposeConvOptions", B1, 49, [
            I8("padding"), I32("stride_w"), I32("stride_h"),
            I8("fused_activation_function", (sbyte)ActivationFunctionType.NONE), I8("quantized_bias_type")]),
        new OptionsDescriptor("SparseToDenseOptions", B1, 50, [Bool("validate_indices")]),
        new OptionsDescriptor("TileOptions", B1, 51, []),
        new OptionsDescriptor("ExpandDimsOptions", B1, 52, []),
        new OptionsDescriptor("EqualOptions", B1, 53, []),
        new OptionsDescriptor("NotEqualOptions", B1, 54, []),
        new OptionsDescriptor("ShapeOptions", B1, 55, [I8("out_type")]),
        new OptionsDescriptor("PowOptions", B1, 56, []),
        new OptionsDescriptor("ArgMinOptions", B1, 57, [I8("output_type")]),
        new OptionsDescriptor("FakeQuantOptions", B1, 58, [
            F32("min"), F32("max"), I32("num_bits"), Bool("narrow_range")]),
        new OptionsDescriptor("PackOptions", B1, 59, [I32("values_count"), I32("axis")]),
        new OptionsDescriptor("LogicalOrOptions", B1, 60, []),
        new OptionsDescriptor("OneHotOptions", B1, 61, [I32("axis")]),
        new OptionsDescriptor("LogicalAndOptions", B1, 62, []),
        new OptionsDescriptor("LogicalNotOptions", B1, 63, []),
        new OptionsDescriptor("UnpackOptions", B1, 64, [I32("num"), I32("axis")]),
        new OptionsDescriptor("FloorDivOptions", B1, 65, []),
        new OptionsDescriptor("SquareOptions", B1, 66, []),
        new OptionsDescriptor("ZerosLikeOptions", B1, 67, []),
        new OptionsDescriptor("FillOptions", B1, 68, []),
        new OptionsDescriptor("BidirectionalSequenceLSTMOptions", B1, 69, [
            I8("fused_activation_function"), F32("cell_clip"), F32("proj_clip"), Bool("merge_outputs"),
            Bool("time_major", true), Bool("asymmetric_quantize_inputs")]),
        new OptionsDescriptor("BidirectionalSequenceRNNOptions", B1, 70, [
            Bool("time_major"), I8("fused_activation_function"), Bool("merge_outputs"),
            Bool("asymmetric_quantize_inputs")]),
        new OptionsDescriptor("UnidirectionalSequenceLSTMOptions", B1, 71, [
            I8("fused_activation_function"), F32("cell_clip"), F32("proj_clip"), Bool("time_major"),
            Bool("asymmetric_quantize_inputs"), Bool("diagonal_recurrent_tensors")]),
        new OptionsDescriptor("FloorModOptions", B1, 72, []),
        new OptionsDescriptor("RangeOptions", B1, 73, []),
        new OptionsDescriptor("ResizeNearestNeighborOptions", B1, 74, [
            Bool("align_corners"), Bool("half_pixel_centers")]),
        new OptionsDescriptor("LeakyReluOptions", B1, 75, [F32("alpha")]),
        new OptionsDescriptor("SquaredDifferenceOptions", B1, 76, []),
        new OptionsDescriptor("MirrorPadOptions", B1, 77, [I8("mode")]),
        new OptionsDescriptor("AbsOptions", B1, 78, []),
        new OptionsDescriptor("SplitVOptions", B1, 79, [I32("num_splits")]),
        new OptionsDescriptor("UniqueOptions", B1, 80, [I8("idx_out_type", TensorTypeInt32)]),
        new OptionsDescriptor("ReverseV2Options", B1, 81, []),
        new OptionsDescriptor("AddNOptions", B1, 82, []),
        new OptionsDescriptor("GatherNdOptions", B1, 83, []),
        new OptionsDescriptor("CosOptions", B1, 84, []),
        new OptionsDescriptor("WhereOptions", B1, 85, []),
        new OptionsDescriptor("RankOptions", B1, 86, []),
        new OptionsDescriptor("ReverseSequenceOptions", B1, 87, [I32("seq_dim"), I32("batch_dim", 0)]),
        new OptionsDescriptor("MatrixDiagOptions", B1, 88, []),
        new OptionsDescriptor("QuantizeOptions", B1, 89, []),
        new OptionsDescriptor("MatrixSetDiagOptions", B1, 90, []),
        new OptionsDescriptor("HardSwishOptions", B1, 91, []),
        new OptionsDescriptor("IfOptions", B1, 92, [I32("then_subgraph_index"), I32("else_subgraph_index")]),
        new OptionsDescriptor("WhileOptions", B1, 93, [I32("cond_subgraph_index"), I32("body_subgraph_index")]),
        new OptionsDescriptor("DepthToSpaceOptions", B1, 94, [I32("block_size")]),
        new OptionsDescriptor("NonMaxSuppressionV4Options", B1, 95, []),
        new OptionsDescriptor("NonMaxSuppressionV5Options", B1, 96, []),
        new OptionsDescriptor("ScatterNdOptions", B1, 97, []),
        new OptionsDescriptor("SelectV2Options", B1, 98, []),
        new OptionsDescriptor("DensifyOptions", B1, 99, []),
        new OptionsDescriptor("SegmentSumOptions", B1, 100, []),
        new OptionsDescriptor("BatchMatMulOptions", B1, 101, [
            Bool("adj_x"), Bool("adj_y"), Bool("asymmetric_quantize_inputs")]),
        new OptionsDescriptor("CumsumOptions", B1, 102, [Bool("exclusive"), Bool("reverse")]),
        new OptionsDescriptor("CallOnceOptions", B1, 103, [I32("init_subgraph_index")]),
        new OptionsDescriptor("BroadcastToOptions", B1, 104, []),
        new OptionsDescriptor("Rfft2dOptions", B1, 105, []),
        new OptionsDescriptor("Conv3DOptions", B1, 106, [
            I8("padding"), I32("stride_d"), I32("stride_w"), I32("stride_h"), I8("fused_activation_function"),
            I32("dilation_d_factor", 1), I32("dilation_w_factor", 1), I32("dilation_h_factor", 1)]),
        new OptionsDescriptor("HashtableOptions", B1, 107, [I32("table_id"), I8("key_dtype"), I8("value_dtype")]),
        new OptionsDescriptor("HashtableFindOptions", B1, 108, []),
        new OptionsDescriptor("HashtableImportOptions", B1, 109, []),
        new OptionsDescriptor("HashtableSizeOptions", B1, 110, []),
        new OptionsDescriptor("VarHandleOptions", B1, 111, [Str("container"), Str("shared_name")]),
        new OptionsDescriptor("ReadVariableOptions", B1, 112, []),
        new OptionsDescriptor("AssignVariableOptions", B1, 113, []),
        new OptionsDescriptor("RandomOptions", B1, 114, [I64("seed"), I64("seed2")]),
        new OptionsDescriptor("BucketizeOptions", B1, 115, [F32s("boundaries")]),
        new OptionsDescriptor("GeluOptions", B1, 116, [Bool("approximate")]),
        new OptionsDescriptor("DynamicUpdateSliceOptions", B1, 117, []),
        new OptionsDescriptor("UnsortedSegmentProdOptions", B1, 118, []),
        new OptionsDescriptor("UnsortedSegmentMaxOptions", B1, 119, []),
        new OptionsDescriptor("UnsortedSegmentMinOptions", B1, 120, []),
        new OptionsDescriptor("UnsortedSegmentSumOptions", B1, 121, []),
        new OptionsDescriptor("ATan2Options", B1, 122, []),
        new OptionsDescriptor("SignOptions", B1, 123, []),
        new OptionsDescriptor("BitcastOptions", B1, 124, []),
        new OptionsDescriptor("BitwiseXorOptions", B1, 125, []),
        new OptionsDescriptor("RightShiftOptions", B1, 126, []),

        // ---- union BuiltinOptions2 (Operator.builtin_options_2) ----
        new OptionsDescriptor("StablehloConcatenateOptions", B2, 1, [I64("dimension")]),
        new OptionsDescriptor("StablehloBroadcastInDimOptions", B2, 2, [I64s("broadcast_dimensions")]),
        new OptionsDescriptor("StablehloSliceOptions", B2, 3, [
            I64s("start_indices"), I64s("limit_indices"), I64s("strides")]),
        new OptionsDescriptor("StablehloConvolutionOptions", B2, 4, [
            I64s("window_strides"), I64s("padding"), I64s("lhs_dilation"), I64s("rhs_dilation"),
            Bools("window_reversal"), I64("input_batch_dimension"), I64("input_feature_dimension"),
            I64s("input_spatial_dimensions"), I64("kernel_input_feature_dimension"),
            I64("kernel_output_feature_dimension"), I64s("kernel_spatial_dimensions"), I64("output_batch_dimension"),
            I64("output_feature_dimension"), I64s("output_spatial_dimensions"), I64("feature_group_count"),
            I64("batch_group_count"), U32s("precision_config")]),
        new OptionsDescriptor("StablehloCustomCallOptions", B2, 5, [
            Str("call_target_name"), Bool("has_side_effect"), Str("backend_config"), I32("api_version"),
            I32s("called_computations"), U8s("custom_attributes")]),
        new OptionsDescriptor("StablehloReduceOptions", B2, 6, [I64s("dimensions"), I32("body_subgraph_index")]),
        new OptionsDescriptor("StablehloScatterOptions", B2, 7, [
            Bool("indices_are_sorted"), I64s("update_window_dims"), I64s("inserted_window_dims"),
            I64s("scatter_dims_to_operand_dims"), I64("index_vector_dim"), Bool("unique_indices"),
            I32("update_computation_subgraph_index")]),
        // comparison_direction / compare_type are `enum ... : uint` (StablehloComparisonDirection / Type).
        new OptionsDescriptor("StablehloCompareOptions", B2, 8, [U32("comparison_direction"), U32("compare_type")]),
        new OptionsDescriptor("StablehloDynamicSliceOptions", B2, 9, [I64s("slice_sizes")]),
        new OptionsDescriptor("StablehloPadOptions", B2, 10, [
            I64s("edge_padding_low"), I64s("edge_padding_high"), I64s("interior_padding")]),
        new OptionsDescriptor("StablehloIotaOptions", B2, 11, [I64("iota_dimension")]),
        new OptionsDescriptor("StablehloDotGeneralOptions", B2, 12, [
            I64s("lhs_batching_dimensions"), I64s("rhs_batching_dimensions"), I64s("lhs_contracting_dimensions"),
            I64s("rhs_contracting_dimensions"), U32s("precision_config")]),
        new OptionsDescriptor("StablehloReduceWindowOptions", B2, 13, [
            I64s("window_dimensions"), I64s("window_strides"), I64s("base_dilations"), I64s("window_dilations"),
            I64s("padding"), I32("body_subgraph_index")]),
        new OptionsDescriptor("StablehloSortOptions", B2, 14, [
            I64("dimension"), Bool("is_stable"), I32("comparator_subgraph_index")]),
        new OptionsDescriptor("StablehloWhileOptions", B2, 15, [
            I32("cond_subgraph_index"), I32("body_subgraph_index")]),
        new OptionsDescriptor("StablehloGatherOptions", B2, 16, [
            I64s("offset_dims"), I64s("collapsed_slice_dims"), I64s("start_index_map"), I64("index_vector_dim"),
            I64s("slice_sizes"), Bool("indices_are_sorted")]),
        new OptionsDescriptor("StablehloTransposeOptions", B2, 17, [I64s("permutation")]),
        new OptionsDescriptor("DilateOptions", B2, 18, []),
        new OptionsDescriptor("StablehloRngBitGeneratorOptions", B2, 19, [I8("algorithm")]),
        // ReduceWindowOptions is marked (deprecated) in the schema but keeps its union code; reduce_function is
        // the `ReduceWindowFunction : int` enum.
        new OptionsDescriptor("ReduceWindowOptions", B2, 20, [I32("reduce_function")]),
        new OptionsDescriptor("StableHLOCompositeOptions", B2, 21, [
            Str("name"), I32("decomposition_subgraph_index"), U8s("composite_attributes"),
            I8("composite_attributes_format"), I32("version")]),
        new OptionsDescriptor("StablehloShiftLeftOptions", B2, 22, []),
        new OptionsDescriptor("StablehloCaseOptions", B2, 23, [I32s("branch_subgraph_indices")]),
    ];

    private static readonly OptionsDescriptor[] Union1 = ByCode(B1);
    private static readonly OptionsDescriptor[] Union2 = ByCode(B2);

    private static readonly Dictionary<string, OptionsDescriptor> ByName =
        Descriptors.ToDictionary(d => d.Name, StringComparer.Ordinal);

    private static readonly Dictionary<BuiltinOperator, OptionsDescriptor> ByOperator = BuildOperatorMap();

    /// <summary>
    /// Every options table: the <c>BuiltinOptions</c> members by type code, then the <c>BuiltinOptions2</c> ones.
    /// </summary>
    public static IReadOnlyList<OptionsDescriptor> All => Descriptors;

    /// <summary>The member of <paramref name="union"/> with type code <paramref name="typeCode"/>, or null.</summary>
    public static OptionsDescriptor? Find(OptionsUnion union, byte typeCode)
    {
        OptionsDescriptor[]? byCode = union switch
        {
            OptionsUnion.BuiltinOptions => Union1,
            OptionsUnion.BuiltinOptions2 => Union2,
            _ => null,
        };
        return byCode is not null && typeCode >= 1 && typeCode <= byCode.Length ? byCode[typeCode - 1] : null;
    }

    /// <summary>The table named <paramref name="name"/> (e.g. <c>Conv2DOptions</c>; case-sensitive), or null.</summary>
    public static OptionsDescriptor? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ByName.GetValueOrDefault(name);
    }

    /// <summary>The options table a builtin operator uses, or null when the op takes no builtin options.</summary>
    public static OptionsDescriptor? ForOperator(BuiltinOperator op) => ByOperator.GetValueOrDefault(op);

    private static string? OptionsNameFor(BuiltinOperator op) => op switch
    {
        BuiltinOperator.ADD => "AddOptions",
        BuiltinOperator.AVERAGE_POOL_2D or BuiltinOperator.MAX_POOL_2D or BuiltinOperator.L2_POOL_2D => "Pool2DOptions",
        BuiltinOperator.CONCATENATION => "ConcatenationOptions",
        BuiltinOperator.CONV_2D => "Conv2DOptions",
        BuiltinOperator.DEPTHWISE_CONV_2D => "DepthwiseConv2DOptions",
        BuiltinOperator.DEPTH_TO_SPACE => "DepthToSpaceOptions",
        BuiltinOperator.DEQUANTIZE => "DequantizeOptions",
        BuiltinOperator.FULLY_CONNECTED => "FullyConnectedOptions",
        BuiltinOperator.L2_NORMALIZATION => "L2NormOptions",
        BuiltinOperator.LOCAL_RESPONSE_NORMALIZATION => "LocalResponseNormalizationOptions",
        BuiltinOperator.LSH_PROJECTION => "LSHProjectionOptions",
        BuiltinOperator.LSTM => "LSTMOptions",
        BuiltinOperator.MUL => "MulOptions",
        BuiltinOperator.RESHAPE => "ReshapeOptions",
        BuiltinOperator.RESIZE_BILINEAR => "ResizeBilinearOptions",
        BuiltinOperator.RNN => "RNNOptions",
        BuiltinOperator.SOFTMAX => "SoftmaxOptions",
        BuiltinOperator.SPACE_TO_DEPTH => "SpaceToDepthOptions",
        BuiltinOperator.SVDF => "SVDFOptions",
        BuiltinOperator.CONCAT_EMBEDDINGS => "ConcatEmbeddingsOptions",
        BuiltinOperator.SKIP_GRAM => "SkipGramOptions",
        BuiltinOperator.CALL => "CallOptions",
        BuiltinOperator.EMBEDDING_LOOKUP_SPARSE => "EmbeddingLookupSparseOptions",
        BuiltinOperator.PAD => "PadOptions",
        BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_RNN => "SequenceRNNOptions",
        BuiltinOperator.GATHER => "GatherOptions",
        BuiltinOperator.BATCH_TO_SPACE_ND => "BatchToSpaceNDOptions",
        BuiltinOperator.SPACE_TO_BATCH_ND => "SpaceToBatchNDOptions",
        BuiltinOperator.TRANSPOSE => "TransposeOptions",
        BuiltinOperator.MEAN or BuiltinOperator.SUM or BuiltinOperator.REDUCE_PROD or BuiltinOperator.REDUCE_MAX
            or BuiltinOperator.REDUCE_MIN or BuiltinOperator.REDUCE_ANY
            or BuiltinOperator.REDUCE_ALL => "ReducerOptions",
        BuiltinOperator.SUB => "SubOptions",
        BuiltinOperator.DIV => "DivOptions",
        BuiltinOperator.SQUEEZE => "SqueezeOptions",
        BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM => "UnidirectionalSequenceLSTMOptions",
        BuiltinOperator.STRIDED_SLICE => "StridedSliceOptions",
        BuiltinOperator.BIDIRECTIONAL_SEQUENCE_RNN => "BidirectionalSequenceRNNOptions",
        BuiltinOperator.EXP => "ExpOptions",
        BuiltinOperator.TOPK_V2 => "TopKV2Options",
        BuiltinOperator.SPLIT => "SplitOptions",
        BuiltinOperator.LOG_SOFTMAX => "LogSoftmaxOptions",
        BuiltinOperator.BIDIRECTIONAL_SEQUENCE_LSTM => "BidirectionalSequenceLSTMOptions",
        BuiltinOperator.CAST => "CastOptions",
        BuiltinOperator.MAXIMUM or BuiltinOperator.MINIMUM => "MaximumMinimumOptions",
        BuiltinOperator.ARG_MAX => "ArgMaxOptions",
        BuiltinOperator.LESS => "LessOptions",
        BuiltinOperator.NEG => "NegOptions",
        BuiltinOperator.PADV2 => "PadV2Options",
        BuiltinOperator.GREATER => "GreaterOptions",
        BuiltinOperator.GREATER_EQUAL => "GreaterEqualOptions",
        BuiltinOperator.LESS_EQUAL => "LessEqualOptions",
        BuiltinOperator.SELECT => "SelectOptions",
        BuiltinOperator.SLICE => "SliceOptions",
        BuiltinOperator.TRANSPOSE_CONV => "TransposeConvOptions",
        BuiltinOperator.SPARSE_TO_DENSE => "SparseToDenseOptions",
        BuiltinOperator.TILE => "TileOptions",
        BuiltinOperator.EXPAND_DIMS => "ExpandDimsOptions",
        BuiltinOperator.EQUAL => "EqualOptions",
        BuiltinOperator.NOT_EQUAL => "NotEqualOptions",
        BuiltinOperator.SHAPE => "ShapeOptions",
        BuiltinOperator.POW => "PowOptions",
        BuiltinOperator.ARG_MIN => "ArgMinOptions",
        BuiltinOperator.FAKE_QUANT => "FakeQuantOptions",
        BuiltinOperator.PACK => "PackOptions",
        BuiltinOperator.LOGICAL_OR => "LogicalOrOptions",
        BuiltinOperator.ONE_HOT => "OneHotOptions",
        BuiltinOperator.LOGICAL_AND => "LogicalAndOptions",
        BuiltinOperator.LOGICAL_NOT => "LogicalNotOptions",
        BuiltinOperator.UNPACK => "UnpackOptions",
        BuiltinOperator.FLOOR_DIV => "FloorDivOptions",
        BuiltinOperator.SQUARE => "SquareOptions",
        BuiltinOperator.ZEROS_LIKE => "ZerosLikeOptions",
        BuiltinOperator.FILL => "FillOptions",
        BuiltinOperator.FLOOR_MOD => "FloorModOptions",
        BuiltinOperator.RANGE => "RangeOptions",
        BuiltinOperator.RESIZE_NEAREST_NEIGHBOR => "ResizeNearestNeighborOptions",
        BuiltinOperator.LEAKY_RELU => "LeakyReluOptions",
        BuiltinOperator.SQUARED_DIFFERENCE => "SquaredDifferenceOptions",
        BuiltinOperator.MIRROR_PAD => "MirrorPadOptions",
        BuiltinOperator.ABS => "AbsOptions",
        BuiltinOperator.SPLIT_V => "SplitVOptions",
        BuiltinOperator.UNIQUE => "UniqueOptions",
        BuiltinOperator.REVERSE_V2 => "ReverseV2Options",
        BuiltinOperator.ADD_N => "AddNOptions",
        BuiltinOperator.GATHER_ND => "GatherNdOptions",
        BuiltinOperator.COS => "CosOptions",
        BuiltinOperator.WHERE => "WhereOptions",
        BuiltinOperator.RANK => "RankOptions",
        BuiltinOperator.REVERSE_SEQUENCE => "ReverseSequenceOptions",
        BuiltinOperator.MATRIX_DIAG => "MatrixDiagOptions",
        BuiltinOperator.QUANTIZE => "QuantizeOptions",
        BuiltinOperator.MATRIX_SET_DIAG => "MatrixSetDiagOptions",
        BuiltinOperator.HARD_SWISH => "HardSwishOptions",
        BuiltinOperator.IF => "IfOptions",
        BuiltinOperator.WHILE => "WhileOptions",
        BuiltinOperator.NON_MAX_SUPPRESSION_V4 => "NonMaxSuppressionV4Options",
        BuiltinOperator.NON_MAX_SUPPRESSION_V5 => "NonMaxSuppressionV5Options",
        BuiltinOperator.SCATTER_ND => "ScatterNdOptions",
        BuiltinOperator.SELECT_V2 => "SelectV2Options",
        BuiltinOperator.DENSIFY => "DensifyOptions",
        BuiltinOperator.SEGMENT_SUM => "SegmentSumOptions",
        BuiltinOperator.BATCH_MATMUL => "BatchMatMulOptions",
        BuiltinOperator.CUMSUM => "CumsumOptions",
        BuiltinOperator.CALL_ONCE => "CallOnceOptions",
        BuiltinOperator.BROADCAST_TO => "BroadcastToOptions",
        BuiltinOperator.RFFT2D => "Rfft2dOptions",
        BuiltinOperator.CONV_3D or BuiltinOperator.CONV_3D_TRANSPOSE => "Conv3DOptions",
        BuiltinOperator.HASHTABLE => "HashtableOptions",
        BuiltinOperator.HASHTABLE_FIND => "HashtableFindOptions",
        BuiltinOperator.HASHTABLE_IMPORT => "HashtableImportOptions",
        BuiltinOperator.HASHTABLE_SIZE => "HashtableSizeOptions",
        BuiltinOperator.VAR_HANDLE => "VarHandleOptions",
        BuiltinOperator.READ_VARIABLE => "ReadVariableOptions",
        BuiltinOperator.ASSIGN_VARIABLE => "AssignVariableOptions",
        BuiltinOperator.RANDOM_STANDARD_NORMAL or BuiltinOperator.RANDOM_UNIFORM
            or BuiltinOperator.MULTINOMIAL => "RandomOptions",
        BuiltinOperator.BUCKETIZE => "BucketizeOptions",
        BuiltinOperator.GELU => "GeluOptions",
        BuiltinOperator.DYNAMIC_UPDATE_SLICE => "DynamicUpdateSliceOptions",
        BuiltinOperator.UNSORTED_SEGMENT_PROD => "UnsortedSegmentProdOptions",
        BuiltinOperator.UNSORTED_SEGMENT_MAX => "UnsortedSegmentMaxOptions",
        BuiltinOperator.UNSORTED_SEGMENT_SUM => "UnsortedSegmentSumOptions",
        BuiltinOperator.UNSORTED_SEGMENT_MIN => "UnsortedSegmentMinOptions",
        BuiltinOperator.ATAN2 => "ATan2Options",
        BuiltinOperator.SIGN => "SignOptions",
        BuiltinOperator.BITCAST => "BitcastOptions",
        BuiltinOperator.BITWISE_XOR => "BitwiseXorOptions",
        BuiltinOperator.RIGHT_SHIFT => "RightShiftOptions",

        // BuiltinOptions2 (Operator.builtin_options_2).
        BuiltinOperator.STABLEHLO_CONCATENATE => "StablehloConcatenateOptions",
        BuiltinOperator.STABLEHLO_BROADCAST_IN_DIM => "StablehloBroadcastInDimOptions",
        BuiltinOperator.STABLEHLO_SLICE => "StablehloSliceOptions",
        BuiltinOperator.STABLEHLO_CONVOLUTION => "StablehloConvolutionOptions",
        BuiltinOperator.STABLEHLO_CUSTOM_CALL => "StablehloCustomCallOptions",
        BuiltinOperator.STABLEHLO_REDUCE => "StablehloReduceOptions",
        BuiltinOperator.STABLEHLO_SCATTER => "StablehloScatterOptions",
        BuiltinOperator.STABLEHLO_COMPARE => "StablehloCompareOptions",
        BuiltinOperator.STABLEHLO_DYNAMIC_SLICE => "StablehloDynamicSliceOptions",
        BuiltinOperator.STABLEHLO_PAD => "StablehloPadOptions",
        BuiltinOperator.STABLEHLO_IOTA => "StablehloIotaOptions",
        BuiltinOperator.STABLEHLO_DOT_GENERAL => "StablehloDotGeneralOptions",
        BuiltinOperator.STABLEHLO_REDUCE_WINDOW => "StablehloReduceWindowOptions",
        BuiltinOperator.STABLEHLO_SORT => "StablehloSortOptions",
        BuiltinOperator.STABLEHLO_WHILE => "StablehloWhileOptions",
        BuiltinOperator.STABLEHLO_GATHER => "StablehloGatherOptions",
        BuiltinOperator.STABLEHLO_TRANSPOSE => "StablehloTransposeOptions",
        BuiltinOperator.DILATE => "DilateOptions",
        BuiltinOperator.STABLEHLO_RNG_BIT_GENERATOR => "StablehloRngBitGeneratorOptions",
        BuiltinOperator.REDUCE_WINDOW => "ReduceWindowOptions",
        BuiltinOperator.STABLEHLO_COMPOSITE => "StableHLOCompositeOptions",
        BuiltinOperator.STABLEHLO_SHIFT_LEFT => "StablehloShiftLeftOptions",
        BuiltinOperator.STABLEHLO_CASE => "StablehloCaseOptions",

        // Everything else (LOGISTIC, RELU, RELU6, TANH, FLOOR, CUSTOM, DELEGATE, PRELU, the element-wise
        // STABLEHLO_* ops, ...) has no builtin options table.
        _ => null,
    };

    private static Dictionary<BuiltinOperator, OptionsDescriptor> BuildOperatorMap()
    {
        var map = new Dictionary<BuiltinOperator, OptionsDescriptor>();
        foreach (BuiltinOperator op in Enum.GetValues<BuiltinOperator>())
        {
            if (OptionsNameFor(op) is { } name)
            {
                map[op] = ByName.TryGetValue(name, out var d)
                    ? d
                    : throw new InvalidOperationException($"{op} maps to unknown options table '{name}'.");
            }
        }

        return map;
    }

    private static OptionsDescriptor[] ByCode(OptionsUnion union)
    {
        OptionsDescriptor[] members = Descriptors.Where(d => d.Union == union).OrderBy(d => d.TypeCode).ToArray();
        for (int i = 0; i < members.Length; i++)
        {
            if (members[i].TypeCode != i + 1)
            {
                throw new InvalidOperationException(
                    $"{union} type codes are not 1..N: {members[i].Name} has {members[i].TypeCode}.");
            }
        }

        return members;
    }

    // Field helpers: one per storage kind; scalar defaults are boxed as the kind's CLR type.
    private static OptionFieldDescriptor Dep(string name) => new(name, OptionFieldKind.Deprecated, null);
    private static OptionFieldDescriptor Bool(string name, bool dflt = false) => new(name, OptionFieldKind.Bool, dflt);
    private static OptionFieldDescriptor I8(string name, sbyte dflt = 0) => new(name, OptionFieldKind.Int8, dflt);
    private static OptionFieldDescriptor I32(string name, int dflt = 0) => new(name, OptionFieldKind.Int32, dflt);
    private static OptionFieldDescriptor U32(string name, uint dflt = 0) => new(name, OptionFieldKind.UInt32, dflt);
    private static OptionFieldDescriptor I64(string name, long dflt = 0) => new(name, OptionFieldKind.Int64, dflt);
    private static OptionFieldDescriptor F32(string name, float dflt = 0f) => new(name, OptionFieldKind.Float32, dflt);
    private static OptionFieldDescriptor Str(string name) => new(name, OptionFieldKind.String, null);
    private static OptionFieldDescriptor Bools(string name) => new(name, OptionFieldKind.BoolVector, null);
    private static OptionFieldDescriptor U8s(string name) => new(name, OptionFieldKind.UInt8Vector, null);
    private static OptionFieldDescriptor I32s(string name) => new(name, OptionFieldKind.Int32Vector, null);
    private static OptionFieldDescriptor U32s(string name) => new(name, OptionFieldKind.UInt32Vector, null);
    private static OptionFieldDescriptor I64s(string name) => new(name, OptionFieldKind.Int64Vector, null);
    private static OptionFieldDescriptor F32s(string name) => new(name, OptionFieldKind.Float32Vector, null);
}
