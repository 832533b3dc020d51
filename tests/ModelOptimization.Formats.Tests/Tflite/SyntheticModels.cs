using System.Runtime.InteropServices;
using System.Text;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Formats.Tests.Tflite;

/// <summary>Small models built in code, so format tests do not depend on the shared model files.</summary>
public static class SyntheticModels
{
    /// <summary>
    /// y = relu(x · Wᵀ + b): input float32[1,4] (signature [-1,4]), weights [3,4], bias [3], output [1,3]; one
    /// FULLY_CONNECTED with options, a signature and a metadata entry. Valid.
    /// </summary>
    public static Model FullyConnected()
    {
        var model = new Model { Name = "fc", Description = "synthetic FC" };
        model.Buffers.Add(new ModelBuffer());
        uint weights = model.AddBuffer(Floats(Enumerable.Range(0, 12).Select(i => i * 0.25f - 1).ToArray()));
        uint bias = model.AddBuffer(Floats([0.5f, -0.5f, 0.25f]));
        uint version = model.AddBuffer(Encoding.ASCII.GetBytes("1.5.0"));
        model.OperatorCodes.Add(OperatorCode.ForBuiltin(BuiltinOperator.FULLY_CONNECTED, 1));
        var sg = new Subgraph { Name = "main" };
        sg.Tensors.Add(new Tensor { Name = "x", Shape = [1, 4], ShapeSignature = [-1, 4], HasRank = true });
        sg.Tensors.Add(new Tensor { Name = "w", Shape = [3, 4], Buffer = weights, HasRank = true });
        sg.Tensors.Add(new Tensor { Name = "b", Shape = [3], Buffer = bias, HasRank = true });
        sg.Tensors.Add(new Tensor { Name = "y", Shape = [1, 3], ShapeSignature = [-1, 3], HasRank = true });
        var options = OperatorOptions.Create("FullyConnectedOptions");
        options["fused_activation_function"] = (sbyte)ActivationFunctionType.RELU;
        sg.Operators.Add(new Operator { OpcodeIndex = 0, Inputs = [0, 1, 2], Outputs = [3], BuiltinOptions = options });
        sg.Inputs = [0];
        sg.Outputs = [3];
        model.Subgraphs.Add(sg);
        model.Metadata = [new ModelMetadata { Name = "min_runtime_version", Buffer = version }];
        model.SignatureDefs =
        [
            new SignatureDef
            {
                SignatureKey = "serving_default",
                Inputs = [new TensorMap { Name = "x", TensorIndex = 0 }],
                Outputs = [new TensorMap { Name = "y", TensorIndex = 3 }],
            },
        ];
        return model;
    }

    /// <summary>
    /// Every table and field of schema 3d with non-default values: per-channel and every quantization-details
    /// kind, a block-sparse tensor with all three index-vector widths, a variant tensor, options of both unions
    /// (strings, every vector kind), custom options, intermediates, mutating inputs, debug indices, external
    /// buffers and groups, the deprecated metadata_buffer, two signatures. Not meant to run; it validates.
    /// </summary>
    public static Model KitchenSink()
    {
        var model = FullyConnected();
        model.Version = 3;
        model.Description = "every field — ünïcode";
        var sg = model.Subgraphs[0];
        sg.DebugMetadataIndex = 7;
        sg.Operators[0].DebugMetadataIndex = 3;
        sg.Operators[0].Intermediates = [];
        sg.Operators[0].MutatingVariableInputs = [false, false, false];

        // Quantized weights: int8 per-channel along dimension 0.
        uint q = model.AddBuffer(new byte[12]);
        int qw = sg.AddTensor(new Tensor
        {
            Name = "qw", Shape = [3, 4], Type = TensorType.Int8, Buffer = q, HasRank = true,
            Quantization = new QuantizationParameters
            {
                Scale = [0.5f, 0.25f, -0f], ZeroPoint = [0, 0, 0], Min = [-1, -2, -3], Max = [1, 2, 3], QuantizedDimension = 0,
            },
        });
        int scales = sg.AddTensor(new Tensor { Name = "scales", Shape = [3, 2], Buffer = model.AddBuffer(new byte[24]), HasRank = true });
        sg.AddTensor(new Tensor
        {
            Name = "blockwise", Shape = [3, 4], Type = TensorType.Int4, Buffer = model.AddBuffer(new byte[6]), HasRank = true,
            Quantization = new QuantizationParameters { Details = new BlockwiseQuantization(scales, -1, 2) },
        });
        sg.AddTensor(new Tensor
        {
            Name = "multiaxis", Shape = [3, 4], Type = TensorType.Int8, Buffer = model.AddBuffer(new byte[12]), HasRank = true,
            Quantization = new QuantizationParameters { Details = new MultiAxisQuantization(scales, -1, 0, [0, 1]) },
        });
        sg.AddTensor(new Tensor
        {
            Name = "custom_q", Shape = [2], Type = TensorType.UInt8, HasRank = true,
            Quantization = new QuantizationParameters { Details = new CustomQuantization([1, 2, 3, 4, 5]) },
        });

        // The block-sparse 4x4 int8 tensor of TFLite's sparse_tensor.json, with each index-vector width.
        sg.AddTensor(new Tensor
        {
            Name = "sparse", Shape = [4, 4], Type = TensorType.Int8, HasRank = true,
            Buffer = model.AddBuffer(new byte[] { 1, 0, 0, 4, 2, 3, 0, 0, 5, 0, 0, 6 }),
            Sparsity = new SparsityParameters
            {
                TraversalOrder = [0, 1, 2, 3],
                BlockMap = [0, 1],
                DimMetadata =
                [
                    new DimensionMetadata { Format = DimensionType.Dense, DenseSize = 2 },
                    new DimensionMetadata
                    {
                        Format = DimensionType.SparseCsr,
                        ArraySegments = new SparseIndexVector(SparseIndexType.UInt8, [0, 2, 3]),
                        ArrayIndices = new SparseIndexVector(SparseIndexType.UInt16, [0, 1, 1]),
                    },
                    new DimensionMetadata { Format = DimensionType.Dense, DenseSize = 2 },
                    new DimensionMetadata { Format = DimensionType.Dense, DenseSize = 2 },
                ],
            },
        });
        sg.AddTensor(new Tensor
        {
            Name = "sparse32", Shape = [2, 2], Type = TensorType.Float32, HasRank = true,
            Buffer = model.AddBuffer(Floats([1, 2])),
            Sparsity = new SparsityParameters
            {
                TraversalOrder = [0, 1],
                DimMetadata =
                [
                    new DimensionMetadata { Format = DimensionType.Dense, DenseSize = 2 },
                    new DimensionMetadata
                    {
                        Format = DimensionType.SparseCsr,
                        ArraySegments = new SparseIndexVector(SparseIndexType.Int32, [0, 1, 2]),
                        ArrayIndices = new SparseIndexVector(SparseIndexType.Int32, [1, 0]),
                    },
                ],
            },
        });
        sg.AddTensor(new Tensor
        {
            Name = "variant", Type = TensorType.Variant, HasRank = false,
            VariantTensors = [new VariantSubType { Shape = [2, -1], Type = TensorType.Float32, HasRank = true }, new VariantSubType()],
        });
        int state = sg.AddTensor(new Tensor { Name = "state", Shape = [1, 3], IsVariable = true, HasRank = true });
        sg.AddTensor(new Tensor
        {
            Name = "external", Shape = [4], ExternalBuffer = 0x80000000u, HasRank = true, ShapeSignature = [],
        });
        model.ExternalBufferGroups = [new ExternalBufferGroup { Name = "weights.bin" }, new ExternalBufferGroup()];
        model.ExternalBuffers = [new ExternalBuffer { Id = 0x80000000u, Group = 0, Offset = 64, Length = 16, Packing = "unpacked" }];

        // A custom op with raw custom options, reading and mutating the variable.
        model.OperatorCodes.Add(new OperatorCode { DeprecatedBuiltinCode = 32, BuiltinCode = BuiltinOperator.CUSTOM, CustomCode = "MyOp", Version = 2 });
        int customOut = sg.AddTensor(new Tensor { Name = "custom_out", Shape = [1, 3], HasRank = true });
        sg.Operators.Add(new Operator
        {
            OpcodeIndex = 1, Inputs = [3, state, -1], Outputs = [customOut], CustomOptions = new byte[] { 0x10, 0x20, 0x30 },
            MutatingVariableInputs = [false, true, false], Intermediates = [qw],
        });

        // Options of union 2 (a StableHLO op) and a table with strings and every vector kind.
        model.OperatorCodes.Add(OperatorCode.ForBuiltin(BuiltinOperator.STABLEHLO_CUSTOM_CALL, 1));
        var call = OperatorOptions.Create("StablehloCustomCallOptions");
        call["call_target_name"] = "target";
        call["has_side_effect"] = true;
        call["backend_config"] = "";
        call["api_version"] = 4;
        call["called_computations"] = new[] { 0 };
        call["custom_attributes"] = new byte[] { 9, 8, 7 };
        int callOut = sg.AddTensor(new Tensor { Name = "call_out", Shape = [1, 3], HasRank = true });
        sg.Operators.Add(new Operator { OpcodeIndex = 2, Inputs = [customOut], Outputs = [callOut], BuiltinOptions2 = call });

        model.OperatorCodes.Add(OperatorCode.ForBuiltin(BuiltinOperator.STABLEHLO_CONVOLUTION, 1));
        var conv = OperatorOptions.Create("StablehloConvolutionOptions");
        conv["window_strides"] = new long[] { 1, 2 };
        conv["window_reversal"] = new[] { true, false };
        conv["precision_config"] = new uint[] { 1, 2 };
        conv["feature_group_count"] = 1L;
        conv["batch_group_count"] = -5L;
        int convOut = sg.AddTensor(new Tensor { Name = "conv_out", Shape = [1, 3], HasRank = true });
        sg.Operators.Add(new Operator { OpcodeIndex = 3, Inputs = [callOut], Outputs = [convOut], BuiltinOptions2 = conv });

        // Options of union 1 with non-default floats (-0.0 included), vectors and a type with no table fields.
        model.OperatorCodes.Add(OperatorCode.ForBuiltin(BuiltinOperator.BUCKETIZE, 1));
        var bucketize = OperatorOptions.Create("BucketizeOptions");
        bucketize["boundaries"] = new[] { -0f, 1.5f, float.NaN };
        int bucketOut = sg.AddTensor(new Tensor { Name = "bucket_out", Shape = [1, 3], Type = TensorType.Int32, HasRank = true });
        sg.Operators.Add(new Operator { OpcodeIndex = 4, Inputs = [convOut], Outputs = [bucketOut], BuiltinOptions = bucketize });

        model.OperatorCodes.Add(OperatorCode.ForBuiltin(BuiltinOperator.LEAKY_RELU, 1));
        var leaky = OperatorOptions.Create("LeakyReluOptions");
        leaky["alpha"] = -0f;
        int leakyOut = sg.AddTensor(new Tensor { Name = "leaky_out", Shape = [1, 3], HasRank = true });
        sg.Operators.Add(new Operator { OpcodeIndex = 5, Inputs = [convOut], Outputs = [leakyOut], BuiltinOptions = leaky });

        model.OperatorCodes.Add(OperatorCode.ForBuiltin(BuiltinOperator.RESHAPE, 1));
        int reshapeOut = sg.AddTensor(new Tensor { Name = "reshape_out", Shape = [3], HasRank = true });
        var reshape = OperatorOptions.Create("ReshapeOptions");
        reshape["new_shape"] = Array.Empty<int>();
        sg.Operators.Add(new Operator { OpcodeIndex = 6, Inputs = [leakyOut], Outputs = [reshapeOut], BuiltinOptions = reshape, CustomOptions = ReadOnlyMemory<byte>.Empty });

        // An extended op code (> 127) with the legacy byte as stored, and a legacy byte inconsistent on purpose.
        model.OperatorCodes.Add(new OperatorCode { DeprecatedBuiltinCode = 127, BuiltinCode = BuiltinOperator.GELU, Version = 2 });
        model.OperatorCodes.Add(new OperatorCode { DeprecatedBuiltinCode = 5, BuiltinCode = BuiltinOperator.FULLY_CONNECTED });
        var gelu = OperatorOptions.Create("GeluOptions");
        gelu["approximate"] = true;
        int geluOut = sg.AddTensor(new Tensor { Name = "gelu_out", Shape = [3], HasRank = true });
        sg.Operators.Add(new Operator { OpcodeIndex = 7, Inputs = [reshapeOut], Outputs = [geluOut], BuiltinOptions = gelu });
        sg.Outputs = [3, geluOut, bucketOut];

        // A second subgraph (called by nothing) and a second signature on it.
        model.Subgraphs.Add(new Subgraph
        {
            Tensors = [new Tensor { Name = "s", HasRank = true }],
            Inputs = [0],
            Outputs = [0],
        });
        model.SignatureDefs!.Add(new SignatureDef { SignatureKey = "second", SubgraphIndex = 1, Inputs = [], Outputs = null });
        uint extra = model.AddBuffer(Encoding.UTF8.GetBytes("{}"));
        model.Metadata!.Add(new ModelMetadata { Name = "extra", Buffer = extra });
        model.Metadata.Add(new ModelMetadata { Name = null, Buffer = 0 });
        model.MetadataBuffer = [(int)extra];
        return model;
    }

    public static byte[] Floats(float[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
}
