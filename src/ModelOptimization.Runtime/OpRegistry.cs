using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Operators;

namespace ModelOptimization.Runtime;

/// <summary>
/// The interpreter's kernels, in one table: each builtin op (or custom op name) with the range of versions it
/// implements (as TFLite's register.cc) and a factory for a per-node kernel. Type support is checked by each
/// kernel's prepare.
/// </summary>
public static class OpRegistry
{
    internal sealed record Registration(BuiltinOperator Op, string? CustomCode, int MinVersion, int MaxVersion, Func<OperatorKernel> Create);

    private static readonly Registration[] Table =
    [
        // Convolution and matrix products.
        B(BuiltinOperator.CONV_2D, 1, 8, () => new Conv2DOperator()),
        B(BuiltinOperator.DEPTHWISE_CONV_2D, 1, 7, () => new DepthwiseConv2DOperator()),
        B(BuiltinOperator.FULLY_CONNECTED, 1, 13, () => new FullyConnectedOperator()),
        B(BuiltinOperator.TRANSPOSE_CONV, 1, 5, () => new TransposeConvOperator()),
        B(BuiltinOperator.BATCH_MATMUL, 1, 4, () => new BatchMatMulOperator()),

        // Pooling.
        B(BuiltinOperator.AVERAGE_POOL_2D, 1, 3, () => new AveragePool2DOperator()),
        B(BuiltinOperator.MAX_POOL_2D, 1, 3, () => new MaxPool2DOperator()),
        B(BuiltinOperator.L2_POOL_2D, 1, 1, () => new L2Pool2DOperator()),

        // Element-wise arithmetic (broadcasting).
        B(BuiltinOperator.ADD, 1, 5, () => new AddOperator()),
        B(BuiltinOperator.SUB, 1, 5, () => new SubOperator()),
        B(BuiltinOperator.MUL, 1, 7, () => new MulOperator()),
        B(BuiltinOperator.DIV, 1, 2, () => new DivOperator()),
        B(BuiltinOperator.MAXIMUM, 1, 4, () => new ElementwiseBinaryOperator(BinaryFunction.Maximum)),
        B(BuiltinOperator.MINIMUM, 1, 4, () => new ElementwiseBinaryOperator(BinaryFunction.Minimum)),
        B(BuiltinOperator.SQUARED_DIFFERENCE, 1, 2, () => new SquaredDifferenceOperator()),
        B(BuiltinOperator.FLOOR_MOD, 1, 2, () => new ElementwiseBinaryOperator(BinaryFunction.FloorMod)),
        B(BuiltinOperator.FLOOR_DIV, 1, 3, () => new ElementwiseBinaryOperator(BinaryFunction.FloorDiv)),
        B(BuiltinOperator.POW, 1, 1, () => new ElementwiseBinaryOperator(BinaryFunction.Pow)),

        // Comparisons and selection.
        B(BuiltinOperator.LESS, 1, 3, () => new ComparisonOperator(ComparisonKind.Less)),
        B(BuiltinOperator.LESS_EQUAL, 1, 2, () => new ComparisonOperator(ComparisonKind.LessEqual)),
        B(BuiltinOperator.GREATER, 1, 2, () => new ComparisonOperator(ComparisonKind.Greater)),
        B(BuiltinOperator.GREATER_EQUAL, 1, 3, () => new ComparisonOperator(ComparisonKind.GreaterEqual)),
        B(BuiltinOperator.EQUAL, 1, 4, () => new ComparisonOperator(ComparisonKind.Equal)),
        B(BuiltinOperator.NOT_EQUAL, 1, 4, () => new ComparisonOperator(ComparisonKind.NotEqual)),
        B(BuiltinOperator.SELECT, 1, 4, () => new SelectOperator()),
        B(BuiltinOperator.SELECT_V2, 1, 2, () => new SelectOperator()),
        B(BuiltinOperator.ARG_MAX, 1, 3, () => new ArgMinMaxOperator(max: true)),
        B(BuiltinOperator.ARG_MIN, 1, 3, () => new ArgMinMaxOperator(max: false)),
        B(BuiltinOperator.LOGICAL_AND, 1, 1, () => new LogicalOperator(and: true)),
        B(BuiltinOperator.LOGICAL_OR, 1, 1, () => new LogicalOperator(and: false)),
        B(BuiltinOperator.LOGICAL_NOT, 1, 1, () => new LogicalNotOperator()),

        // Element-wise math.
        B(BuiltinOperator.ABS, 1, 5, () => new ElementwiseUnaryOperator(UnaryFunction.Abs)),
        B(BuiltinOperator.CEIL, 1, 1, () => new ElementwiseUnaryOperator(UnaryFunction.Ceil)),
        B(BuiltinOperator.COS, 1, 2, () => new ElementwiseUnaryOperator(UnaryFunction.Cos)),
        B(BuiltinOperator.EXP, 1, 2, () => new ElementwiseUnaryOperator(UnaryFunction.Exp)),
        B(BuiltinOperator.FLOOR, 1, 1, () => new ElementwiseUnaryOperator(UnaryFunction.Floor)),
        B(BuiltinOperator.LOG, 1, 2, () => new ElementwiseUnaryOperator(UnaryFunction.Log)),
        B(BuiltinOperator.NEG, 1, 1, () => new ElementwiseUnaryOperator(UnaryFunction.Neg)),
        B(BuiltinOperator.ROUND, 1, 1, () => new ElementwiseUnaryOperator(UnaryFunction.Round)),
        B(BuiltinOperator.RSQRT, 1, 3, () => new ElementwiseUnaryOperator(UnaryFunction.Rsqrt)),
        B(BuiltinOperator.SIN, 1, 2, () => new ElementwiseUnaryOperator(UnaryFunction.Sin)),
        B(BuiltinOperator.SQRT, 1, 2, () => new ElementwiseUnaryOperator(UnaryFunction.Sqrt)),
        B(BuiltinOperator.SQUARE, 1, 1, () => new ElementwiseUnaryOperator(UnaryFunction.Square)),
        B(BuiltinOperator.SIGN, 1, 2, () => new ElementwiseUnaryOperator(UnaryFunction.Sign)),
        B(BuiltinOperator.ZEROS_LIKE, 1, 1, () => new ElementwiseUnaryOperator(UnaryFunction.ZerosLike)),
        B(BuiltinOperator.FILL, 1, 4, () => new FillOperator()),
        B(BuiltinOperator.RANGE, 1, 2, () => new RangeOperator()),
        B(BuiltinOperator.CUMSUM, 1, 1, () => new CumsumOperator()),

        // Reductions.
        B(BuiltinOperator.MEAN, 1, 3, () => new ReduceOperator(ReduceKind.Mean)),
        B(BuiltinOperator.SUM, 1, 2, () => new ReduceOperator(ReduceKind.Sum)),
        B(BuiltinOperator.REDUCE_PROD, 1, 2, () => new ReduceOperator(ReduceKind.Product)),
        B(BuiltinOperator.REDUCE_MAX, 1, 3, () => new ReduceOperator(ReduceKind.Max)),
        B(BuiltinOperator.REDUCE_MIN, 1, 3, () => new ReduceOperator(ReduceKind.Min)),
        B(BuiltinOperator.REDUCE_ANY, 1, 1, () => new ReduceOperator(ReduceKind.Any)),
        B(BuiltinOperator.REDUCE_ALL, 1, 1, () => new ReduceOperator(ReduceKind.All)),

        // Activations.
        B(BuiltinOperator.SOFTMAX, 1, 3, () => new SoftmaxOperator()),
        B(BuiltinOperator.LOGISTIC, 1, 3, () => new LogisticOperator()),
        B(BuiltinOperator.TANH, 1, 3, () => new TanhOperator()),
        B(BuiltinOperator.RELU, 1, 3, () => new ReluOperator(0f, float.PositiveInfinity)),
        B(BuiltinOperator.RELU6, 1, 3, () => new ReluOperator(0f, 6f)),
        B(BuiltinOperator.RELU_N1_TO_1, 1, 1, () => new ReluOperator(-1f, 1f)),
        B(BuiltinOperator.RELU_0_TO_1, 1, 1, () => new ReluOperator(0f, 1f)),
        B(BuiltinOperator.LEAKY_RELU, 1, 2, () => new LeakyReluOperator()),
        B(BuiltinOperator.HARD_SWISH, 1, 1, () => new HardSwishOperator()),
        B(BuiltinOperator.PRELU, 1, 1, () => new PreluOperator()),
        B(BuiltinOperator.L2_NORMALIZATION, 1, 2, () => new L2NormalizationOperator()),
        B(BuiltinOperator.ELU, 1, 1, () => new EluOperator()),
        B(BuiltinOperator.GELU, 1, 3, () => new GeluOperator()),
        B(BuiltinOperator.LOG_SOFTMAX, 1, 1, () => new LogSoftmaxOperator()),

        // Shapes and data movement.
        B(BuiltinOperator.RESHAPE, 1, 1, () => new ReshapeOperator()),
        B(BuiltinOperator.SQUEEZE, 1, 2, () => new SqueezeOperator()),
        B(BuiltinOperator.EXPAND_DIMS, 1, 1, () => new ExpandDimsOperator()),
        B(BuiltinOperator.SHAPE, 1, 1, () => new ShapeOperator()),
        B(BuiltinOperator.CONCATENATION, 1, 7, () => new ConcatenationOperator()),
        B(BuiltinOperator.PACK, 1, 5, () => new PackOperator()),
        B(BuiltinOperator.UNPACK, 1, 6, () => new UnpackOperator()),
        B(BuiltinOperator.SPLIT, 1, 5, () => new SplitOperator(variableSizes: false)),
        B(BuiltinOperator.SPLIT_V, 1, 3, () => new SplitOperator(variableSizes: true)),
        B(BuiltinOperator.SLICE, 1, 8, () => new SliceOperator()),
        B(BuiltinOperator.STRIDED_SLICE, 1, 8, () => new StridedSliceOperator()),
        B(BuiltinOperator.TRANSPOSE, 1, 9, () => new TransposeOperator()),
        B(BuiltinOperator.PAD, 1, 6, () => new PadOperator()),
        B(BuiltinOperator.PADV2, 1, 6, () => new PadOperator()),
        B(BuiltinOperator.MIRROR_PAD, 1, 3, () => new MirrorPadOperator()),
        B(BuiltinOperator.TILE, 1, 2, () => new TileOperator()),
        B(BuiltinOperator.GATHER, 1, 8, () => new GatherOperator()),
        B(BuiltinOperator.GATHER_ND, 1, 6, () => new GatherNdOperator()),
        B(BuiltinOperator.SPACE_TO_BATCH_ND, 1, 4, () => new SpaceToBatchNdOperator()),
        B(BuiltinOperator.BATCH_TO_SPACE_ND, 1, 4, () => new BatchToSpaceNdOperator()),
        B(BuiltinOperator.RESIZE_BILINEAR, 1, 4, () => new ResizeBilinearOperator()),
        B(BuiltinOperator.RESIZE_NEAREST_NEIGHBOR, 1, 4, () => new ResizeNearestNeighborOperator()),
        B(BuiltinOperator.DEPTH_TO_SPACE, 1, 2, () => new DepthToSpaceOperator()),
        B(BuiltinOperator.SPACE_TO_DEPTH, 1, 2, () => new SpaceToDepthOperator()),
        B(BuiltinOperator.BROADCAST_TO, 2, 4, () => new BroadcastToOperator()),
        B(BuiltinOperator.REVERSE_V2, 1, 3, () => new ReverseV2Operator()),
        B(BuiltinOperator.ONE_HOT, 1, 1, () => new OneHotOperator()),

        // Recurrent.
        B(BuiltinOperator.LSTM, 1, 4, () => new LstmOperator(sequence: false)),
        B(BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM, 1, 4, () => new LstmOperator(sequence: true)),

        // Types and quantization.
        B(BuiltinOperator.QUANTIZE, 1, 6, () => new QuantizeOperator()),
        B(BuiltinOperator.DEQUANTIZE, 1, 9, () => new DequantizeOperator()),
        B(BuiltinOperator.CAST, 1, 9, () => new CastOperator()),
        B(BuiltinOperator.DENSIFY, 1, 1, () => new DensifyOperator()),

        // Control flow.
        B(BuiltinOperator.IF, 1, 1, () => new IfOperator()),
        B(BuiltinOperator.WHILE, 1, 1, () => new WhileOperator()),
        B(BuiltinOperator.CALL_ONCE, 1, 1, () => new CallOnceOperator()),
        B(BuiltinOperator.VAR_HANDLE, 1, 1, () => new VarHandleOperator()),
        B(BuiltinOperator.READ_VARIABLE, 1, 1, () => new ReadVariableOperator()),
        B(BuiltinOperator.ASSIGN_VARIABLE, 1, 1, () => new AssignVariableOperator()),

        // Custom operators.
        C("TFLite_Detection_PostProcess", () => new DetectionPostProcessOperator()),
    ];

    private static readonly Dictionary<BuiltinOperator, Registration> Builtins =
        Table.Where(r => r.CustomCode is null).ToDictionary(r => r.Op);

    private static readonly Dictionary<string, Registration> Customs =
        Table.Where(r => r.CustomCode is not null).ToDictionary(r => r.CustomCode!, StringComparer.Ordinal);

    /// <summary>The builtin ops the interpreter has kernels for, with their version ranges.</summary>
    public static IReadOnlyList<(string Name, int MinVersion, int MaxVersion)> SupportedOperators
        => Table.Select(r => (r.CustomCode ?? r.Op.ToString(), r.MinVersion, r.MaxVersion)).ToList();

    /// <summary>True when a kernel exists for this builtin op at this version (types are checked at prepare).</summary>
    public static bool IsSupported(BuiltinOperator op, int version = 1)
        => Builtins.TryGetValue(op, out var r) && version >= r.MinVersion && version <= r.MaxVersion;

    /// <summary>True when a kernel exists for this custom op name.</summary>
    public static bool IsCustomSupported(string customCode) => Customs.ContainsKey(customCode);

    internal static Registration? Find(OperatorCode code)
    {
        Registration? r = code.Op == BuiltinOperator.CUSTOM
            ? code.CustomCode is { } c ? Customs.GetValueOrDefault(c) : null
            : Builtins.GetValueOrDefault(code.Op);
        return r is not null && code.Version >= r.MinVersion && code.Version <= r.MaxVersion ? r : null;
    }

    internal static bool IsKnown(OperatorCode code) => code.Op == BuiltinOperator.CUSTOM
        ? code.CustomCode is { } c && Customs.ContainsKey(c)
        : Builtins.ContainsKey(code.Op);

    internal static string VersionRange(OperatorCode code)
    {
        var r = code.Op == BuiltinOperator.CUSTOM ? Customs.GetValueOrDefault(code.CustomCode ?? "") : Builtins.GetValueOrDefault(code.Op);
        return r is null ? "none" : r.MinVersion == r.MaxVersion ? $"{r.MinVersion}" : $"{r.MinVersion}-{r.MaxVersion}";
    }

    private static Registration B(BuiltinOperator op, int min, int max, Func<OperatorKernel> create) => new(op, null, min, max, create);

    private static Registration C(string customCode, Func<OperatorKernel> create) => new(BuiltinOperator.CUSTOM, customCode, 1, int.MaxValue, create);
}
