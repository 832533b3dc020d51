using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Core.Tests;

/// <summary>Checks <see cref="BuiltinOptionsCatalog"/> against facts of the TFLite schema (revision 3d).</summary>
public class BuiltinOptionsCatalogTests
{
    // union BuiltinOptions: Conv2DOptions .. RightShiftOptions.
    private const int BuiltinOptionsCount = 126;

    // union BuiltinOptions2: StablehloConcatenateOptions .. StablehloCaseOptions.
    private const int BuiltinOptions2Count = 23;

    private static OptionsDescriptor Table(string name)
    {
        OptionsDescriptor? d = BuiltinOptionsCatalog.Find(name);
        Assert.NotNull(d);
        return d;
    }

    private static IEnumerable<OptionsDescriptor> Members(OptionsUnion union) =>
        BuiltinOptionsCatalog.All.Where(d => d.Union == union);

    private static Type? ClrTypeOf(OptionFieldKind kind) => kind switch
    {
        OptionFieldKind.Bool => typeof(bool),
        OptionFieldKind.Int8 => typeof(sbyte),
        OptionFieldKind.UInt8 => typeof(byte),
        OptionFieldKind.Int16 => typeof(short),
        OptionFieldKind.UInt16 => typeof(ushort),
        OptionFieldKind.Int32 => typeof(int),
        OptionFieldKind.UInt32 => typeof(uint),
        OptionFieldKind.Int64 => typeof(long),
        OptionFieldKind.UInt64 => typeof(ulong),
        OptionFieldKind.Float32 => typeof(float),
        OptionFieldKind.Float64 => typeof(double),
        _ => null, // Deprecated, String and vectors carry no default.
    };

    [Fact]
    public void All_BuiltinOptionsUnion_HasSchemaMemberCount()
    {
        Assert.Equal(BuiltinOptionsCount, Members(OptionsUnion.BuiltinOptions).Count());
    }

    [Fact]
    public void All_BuiltinOptions2Union_HasSchemaMemberCount()
    {
        Assert.Equal(BuiltinOptions2Count, Members(OptionsUnion.BuiltinOptions2).Count());
        Assert.Equal(BuiltinOptionsCount + BuiltinOptions2Count, BuiltinOptionsCatalog.All.Count);
    }

    [Fact]
    public void All_TypeCodesPerUnion_AreOneToNWithoutGaps()
    {
        foreach (OptionsUnion union in new[] { OptionsUnion.BuiltinOptions, OptionsUnion.BuiltinOptions2 })
        {
            int[] codes = Members(union).Select(d => (int)d.TypeCode).ToArray();
            Assert.Equal(Enumerable.Range(1, codes.Length), codes);
        }
    }

    [Fact]
    public void All_TableNames_AreUnique()
    {
        Assert.Equal(BuiltinOptionsCatalog.All.Count, BuiltinOptionsCatalog.All.Select(d => d.Name).Distinct().Count());
    }

    [Fact]
    public void All_EveryDefault_HasTheClrTypeOfItsKind()
    {
        foreach (OptionsDescriptor table in BuiltinOptionsCatalog.All)
        {
            foreach (OptionFieldDescriptor field in table.Fields)
            {
                Type? expected = ClrTypeOf(field.Kind);
                if (expected is null)
                {
                    Assert.True(
                        field.Default is null,
                        $"{table.Name}.{field.Name} ({field.Kind}) should have no default");
                }
                else
                {
                    Assert.True(field.Default is not null, $"{table.Name}.{field.Name} has no default");
                    Assert.True(
                        field.Default.GetType() == expected,
                        $"{table.Name}.{field.Name}: {field.Kind} default is {field.Default.GetType()}");
                }
            }
        }
    }

    [Fact]
    public void All_FieldNamesWithinTable_AreUnique()
    {
        foreach (OptionsDescriptor table in BuiltinOptionsCatalog.All)
        {
            Assert.Equal(table.Fields.Count, table.Fields.Select(f => f.Name).Distinct().Count());
        }
    }

    [Fact]
    public void Find_ByUnionAndCode_ReturnsSameInstanceAsFindByName()
    {
        foreach (OptionsDescriptor table in BuiltinOptionsCatalog.All)
        {
            Assert.Same(table, BuiltinOptionsCatalog.Find(table.Union, table.TypeCode));
            Assert.Same(table, BuiltinOptionsCatalog.Find(table.Name));
        }
    }

    [Fact]
    public void Find_CodeZeroOrPastEnd_ReturnsNull()
    {
        Assert.Null(BuiltinOptionsCatalog.Find(OptionsUnion.BuiltinOptions, 0));
        Assert.Null(BuiltinOptionsCatalog.Find(OptionsUnion.BuiltinOptions, BuiltinOptionsCount + 1));
        Assert.Null(BuiltinOptionsCatalog.Find(OptionsUnion.BuiltinOptions2, 0));
        Assert.Null(BuiltinOptionsCatalog.Find(OptionsUnion.BuiltinOptions2, BuiltinOptions2Count + 1));
        Assert.Null(BuiltinOptionsCatalog.Find((OptionsUnion)99, 1));
    }

    [Fact]
    public void Find_UnknownOrWrongCaseName_ReturnsNull()
    {
        Assert.Null(BuiltinOptionsCatalog.Find("NoSuchOptions"));
        Assert.Null(BuiltinOptionsCatalog.Find("conv2doptions"));
    }

    [Fact]
    public void Find_FirstAndLastCodes_MatchSchemaOrder()
    {
        Assert.Equal("Conv2DOptions", BuiltinOptionsCatalog.Find(OptionsUnion.BuiltinOptions, 1)?.Name);
        Assert.Equal("FullyConnectedOptions", BuiltinOptionsCatalog.Find(OptionsUnion.BuiltinOptions, 8)?.Name);
        Assert.Equal("RightShiftOptions", BuiltinOptionsCatalog.Find(OptionsUnion.BuiltinOptions, 126)?.Name);
        Assert.Equal("StablehloConcatenateOptions", BuiltinOptionsCatalog.Find(OptionsUnion.BuiltinOptions2, 1)?.Name);
    }

    [Fact]
    public void Find_Conv2DOptions_HasSchemaSlotsKindsAndDefaults()
    {
        OptionsDescriptor conv = Table("Conv2DOptions");

        Assert.Equal(OptionsUnion.BuiltinOptions, conv.Union);
        Assert.Equal(1, conv.TypeCode);
        Assert.Equal(
            new[]
            {
                "padding", "stride_w", "stride_h", "fused_activation_function",
                "dilation_w_factor", "dilation_h_factor", "quantized_bias_type",
            },
            conv.Fields.Select(f => f.Name));
        Assert.Equal(
            new[]
            {
                OptionFieldKind.Int8, OptionFieldKind.Int32, OptionFieldKind.Int32, OptionFieldKind.Int8,
                OptionFieldKind.Int32, OptionFieldKind.Int32, OptionFieldKind.Int8,
            },
            conv.Fields.Select(f => f.Kind));
        Assert.Equal((sbyte)0, conv.Fields[0].Default);
        Assert.Equal(0, conv.Fields[1].Default);
        Assert.Equal(1, conv.Fields[conv.IndexOf("dilation_w_factor")].Default);
        Assert.Equal(1, conv.Fields[conv.IndexOf("dilation_h_factor")].Default);
        Assert.Equal(6, conv.IndexOf("quantized_bias_type"));
    }

    [Fact]
    public void Find_ResizeBilinearOptions_KeepsDeprecatedSlotsZeroAndOne()
    {
        OptionsDescriptor resize = Table("ResizeBilinearOptions");

        Assert.Equal(4, resize.Fields.Count);
        Assert.Equal(new OptionFieldDescriptor("new_height", OptionFieldKind.Deprecated, null), resize.Fields[0]);
        Assert.Equal(new OptionFieldDescriptor("new_width", OptionFieldKind.Deprecated, null), resize.Fields[1]);
        Assert.Equal(2, resize.IndexOf("align_corners"));
        Assert.Equal(3, resize.IndexOf("half_pixel_centers"));
        Assert.Equal(OptionFieldKind.Bool, resize.Fields[2].Kind);
    }

    [Fact]
    public void Find_FullyConnectedOptions_HasFiveFieldsInSchemaOrder()
    {
        OptionsDescriptor fc = Table("FullyConnectedOptions");

        Assert.Equal(
            new[]
            {
                "fused_activation_function", "weights_format", "keep_num_dims",
                "asymmetric_quantize_inputs", "quantized_bias_type",
            },
            fc.Fields.Select(f => f.Name));
        Assert.Equal((sbyte)FullyConnectedWeightsFormat.DEFAULT, fc.Fields[1].Default);
        Assert.Equal(OptionFieldKind.Bool, fc.Fields[2].Kind);
    }

    [Fact]
    public void Find_StablehloCaseOptions_IsBuiltinOptions2Code23()
    {
        OptionsDescriptor c = Table("StablehloCaseOptions");

        Assert.Equal(OptionsUnion.BuiltinOptions2, c.Union);
        Assert.Equal(23, c.TypeCode);
        Assert.Same(c, BuiltinOptionsCatalog.Find(OptionsUnion.BuiltinOptions2, 23));
        Assert.Equal(OptionFieldKind.Int32Vector, Assert.Single(c.Fields).Kind);
    }

    [Fact]
    public void Find_FieldlessTables_ArePresentWithNoFields()
    {
        foreach (string name in new[] { "PadOptions", "DequantizeOptions", "QuantizeOptions", "DilateOptions" })
        {
            Assert.Empty(Table(name).Fields);
        }
    }

    [Fact]
    public void Find_DeprecatedReduceWindowOptions_KeepsCodeAndField()
    {
        OptionsDescriptor rw = Table("ReduceWindowOptions");

        Assert.Equal(OptionsUnion.BuiltinOptions2, rw.Union);
        Assert.Equal(20, rw.TypeCode);
        Assert.Equal(new OptionFieldDescriptor("reduce_function", OptionFieldKind.Int32, 0), Assert.Single(rw.Fields));
    }

    [Fact]
    public void Find_NonZeroDefaults_MatchSchema()
    {
        Assert.Equal(true, Table("AddOptions").Fields[1].Default);
        Assert.Equal(true, Table("SubOptions").Fields[1].Default);
        Assert.Equal((sbyte)2, Table("UniqueOptions").Fields[0].Default); // TensorType.INT32

        OptionsDescriptor bilstm = Table("BidirectionalSequenceLSTMOptions");
        Assert.Equal(true, bilstm.Fields[bilstm.IndexOf("time_major")].Default);

        OptionsDescriptor conv3d = Table("Conv3DOptions");
        Assert.Equal(1, conv3d.Fields[conv3d.IndexOf("dilation_d_factor")].Default);
    }

    [Fact]
    public void Find_EnumDefaultsAtZero_AreBoxedByUnderlyingType()
    {
        OptionsDescriptor lstm = Table("LSTMOptions");
        Assert.Equal((sbyte)LstmKernelType.FULL, lstm.Fields[lstm.IndexOf("kernel_type")].Default);

        OptionsDescriptor tconv = Table("TransposeConvOptions");
        Assert.Equal(
            (sbyte)ActivationFunctionType.NONE,
            tconv.Fields[tconv.IndexOf("fused_activation_function")].Default);

        OptionsDescriptor gather = Table("GatherOptions");
        Assert.Equal(0, gather.Fields[gather.IndexOf("batch_dims")].Default);

        OptionsDescriptor compare = Table("StablehloCompareOptions");
        Assert.All(compare.Fields, f => Assert.Equal(OptionFieldKind.UInt32, f.Kind));
        Assert.Equal((uint)0, compare.Fields[0].Default);
    }

    [Fact]
    public void Find_VectorAndStringFields_UseSchemaElementKinds()
    {
        OptionsDescriptor dot = Table("StablehloDotGeneralOptions");
        Assert.Equal(OptionFieldKind.UInt32Vector, dot.Fields[dot.IndexOf("precision_config")].Kind);

        OptionsDescriptor conv = Table("StablehloConvolutionOptions");
        Assert.Equal(17, conv.Fields.Count);
        Assert.Equal(OptionFieldKind.BoolVector, conv.Fields[conv.IndexOf("window_reversal")].Kind);
        Assert.Equal(OptionFieldKind.Int64, conv.Fields[conv.IndexOf("feature_group_count")].Kind);

        OptionsDescriptor composite = Table("StableHLOCompositeOptions");
        Assert.Equal(
            new[]
            {
                OptionFieldKind.String, OptionFieldKind.Int32, OptionFieldKind.UInt8Vector,
                OptionFieldKind.Int8, OptionFieldKind.Int32,
            },
            composite.Fields.Select(f => f.Kind));

        Assert.Equal(OptionFieldKind.UInt32, Table("CallOptions").Fields[0].Kind);
        Assert.Equal(OptionFieldKind.Float32Vector, Table("BucketizeOptions").Fields[0].Kind);
        Assert.Equal(OptionFieldKind.Int64, Table("RandomOptions").Fields[1].Kind);
    }

    [Fact]
    public void ForOperator_ListedOps_ReturnSchemaTables()
    {
        var expected = new (BuiltinOperator Op, string Table)[]
        {
            (BuiltinOperator.CONV_2D, "Conv2DOptions"),
            (BuiltinOperator.DEPTHWISE_CONV_2D, "DepthwiseConv2DOptions"),
            (BuiltinOperator.FULLY_CONNECTED, "FullyConnectedOptions"),
            (BuiltinOperator.AVERAGE_POOL_2D, "Pool2DOptions"),
            (BuiltinOperator.MAX_POOL_2D, "Pool2DOptions"),
            (BuiltinOperator.L2_POOL_2D, "Pool2DOptions"),
            (BuiltinOperator.MEAN, "ReducerOptions"),
            (BuiltinOperator.SUM, "ReducerOptions"),
            (BuiltinOperator.REDUCE_MAX, "ReducerOptions"),
            (BuiltinOperator.REDUCE_MIN, "ReducerOptions"),
            (BuiltinOperator.REDUCE_PROD, "ReducerOptions"),
            (BuiltinOperator.REDUCE_ANY, "ReducerOptions"),
            (BuiltinOperator.REDUCE_ALL, "ReducerOptions"),
            (BuiltinOperator.MAXIMUM, "MaximumMinimumOptions"),
            (BuiltinOperator.MINIMUM, "MaximumMinimumOptions"),
            (BuiltinOperator.QUANTIZE, "QuantizeOptions"),
            (BuiltinOperator.DEQUANTIZE, "DequantizeOptions"),
            (BuiltinOperator.DENSIFY, "DensifyOptions"),
            (BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_RNN, "SequenceRNNOptions"),
            (BuiltinOperator.CONV_3D_TRANSPOSE, "Conv3DOptions"),
            (BuiltinOperator.RANDOM_UNIFORM, "RandomOptions"),
            (BuiltinOperator.RESIZE_BILINEAR, "ResizeBilinearOptions"),
        };

        foreach ((BuiltinOperator op, string table) in expected)
        {
            OptionsDescriptor? d = BuiltinOptionsCatalog.ForOperator(op);
            Assert.True(d is not null, $"{op} has no options table");
            Assert.Equal(table, d.Name);
            Assert.Equal(OptionsUnion.BuiltinOptions, d.Union);
        }
    }

    [Fact]
    public void ForOperator_OptionlessOps_ReturnNull()
    {
        BuiltinOperator[] optionless =
        {
            BuiltinOperator.LOGISTIC, BuiltinOperator.RELU, BuiltinOperator.RELU6, BuiltinOperator.RELU_N1_TO_1,
            BuiltinOperator.TANH, BuiltinOperator.FLOOR, BuiltinOperator.CUSTOM, BuiltinOperator.PRELU,
            BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES, BuiltinOperator.STABLEHLO_ADD,
        };

        foreach (BuiltinOperator op in optionless)
        {
            Assert.Null(BuiltinOptionsCatalog.ForOperator(op));
        }
    }

    [Fact]
    public void ForOperator_StablehloOps_UseBuiltinOptions2Tables()
    {
        var expected = new (BuiltinOperator Op, string Table)[]
        {
            (BuiltinOperator.STABLEHLO_CONCATENATE, "StablehloConcatenateOptions"),
            (BuiltinOperator.STABLEHLO_CONVOLUTION, "StablehloConvolutionOptions"),
            (BuiltinOperator.STABLEHLO_REDUCE_WINDOW, "StablehloReduceWindowOptions"),
            (BuiltinOperator.STABLEHLO_COMPOSITE, "StableHLOCompositeOptions"),
            (BuiltinOperator.STABLEHLO_CASE, "StablehloCaseOptions"),
            (BuiltinOperator.DILATE, "DilateOptions"),
            (BuiltinOperator.REDUCE_WINDOW, "ReduceWindowOptions"),
        };

        foreach ((BuiltinOperator op, string table) in expected)
        {
            OptionsDescriptor? d = BuiltinOptionsCatalog.ForOperator(op);
            Assert.True(d is not null, $"{op} has no options table");
            Assert.Equal(table, d.Name);
            Assert.Equal(OptionsUnion.BuiltinOptions2, d.Union);
        }
    }

    [Fact]
    public void ForOperator_EveryCatalogTable_IsUsedBySomeOperator()
    {
        HashSet<string> used = Enum.GetValues<BuiltinOperator>()
            .Select(BuiltinOptionsCatalog.ForOperator)
            .Where(d => d is not null)
            .Select(d => d!.Name)
            .ToHashSet();

        Assert.All(BuiltinOptionsCatalog.All, d => Assert.Contains(d.Name, used));
    }

    [Fact]
    public void BuiltinOperator_StablehloCase_Is209()
    {
        Assert.Equal((BuiltinOperator)209, BuiltinOperator.STABLEHLO_CASE);
        Assert.Equal(209, (int)BuiltinOperator.STABLEHLO_CASE);
    }

    [Fact]
    public void BuiltinOperator_Values_AreContiguousFromZeroTo209()
    {
        int[] values = Enum.GetValues<BuiltinOperator>().Select(v => (int)v).ToArray();
        Assert.Equal(Enumerable.Range(0, 210), values);
        Assert.Equal(210, Enum.GetNames<BuiltinOperator>().Length);
    }

    [Fact]
    public void BuiltinOperator_ToString_GivesTfliteOpName()
    {
        Assert.Equal("FULLY_CONNECTED", BuiltinOperator.FULLY_CONNECTED.ToString());
        Assert.Equal("RELU_N1_TO_1", ((BuiltinOperator)20).ToString());
        Assert.Equal("PLACEHOLDER_FOR_GREATER_OP_CODES", ((BuiltinOperator)127).ToString());
    }

    [Fact]
    public void SmallEnums_Values_MatchSchema()
    {
        Assert.Equal(1, (sbyte)Padding.VALID);
        Assert.Equal(5, (sbyte)ActivationFunctionType.SIGN_BIT);
        Assert.Equal(1, (sbyte)FullyConnectedWeightsFormat.SHUFFLED4x16INT8);
        Assert.Equal(1, (sbyte)LstmKernelType.BASIC);
        Assert.Equal(1, (sbyte)MirrorPadMode.SYMMETRIC);
        Assert.Equal(2, (sbyte)CombinerType.SQRTN);
        Assert.Equal(0, (sbyte)CustomOptionsFormat.FLEXBUFFERS);
        Assert.Equal(typeof(sbyte), Enum.GetUnderlyingType(typeof(Padding)));
    }
}
