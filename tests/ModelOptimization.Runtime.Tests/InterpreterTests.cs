using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Tests.Helpers;
using Xunit.Abstractions;

namespace ModelOptimization.Runtime.Tests;

/// <summary>The interpreter's API: errors, threads, memory planning, intermediates, signatures, shape inference, benchmarking.</summary>
public sealed class InterpreterTests(ITestOutputHelper output)
{
    private static Model AddModel()
    {
        var mb = new ModelBuilder();
        int a = mb.Input(TensorType.Float32, [2, 2], name: "a");
        int b = mb.Input(TensorType.Float32, [2, 2], name: "b");
        int t = mb.Tensor(TensorType.Float32, [2, 2], name: "sum");
        int o = mb.Tensor(TensorType.Float32, [2, 2], name: "out");
        mb.Op(BuiltinOperator.ADD, [a, b], [t]);
        mb.Op(BuiltinOperator.MUL, [t, b], [o]);
        return mb.Build(o);
    }

    [Fact]
    public void Create_CustomOperator_ThrowsOperatorNotSupportedNamingIt()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [1]);
        int o = mb.Tensor(TensorType.Float32, [1]);
        mb.Custom("MyFancyOp", [i], [o]);
        var e = Assert.Throws<ModelOptimizationException>(() => Interpreter.Create(mb.Build(o)));
        Assert.Equal(ErrorIds.OperatorNotSupported, e.ErrorId);
        Assert.Contains("MyFancyOp", e.Message);
        Assert.Contains("operator 0", e.Message);
    }

    [Fact]
    public void Create_VersionTooNew_ThrowsOperatorNotSupportedWithVersion()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [1]);
        int o = mb.Tensor(TensorType.Float32, [1]);
        mb.Op(BuiltinOperator.ADD, [i, i], [o], version: 99);
        var e = Assert.Throws<ModelOptimizationException>(() => Interpreter.Create(mb.Build(o)));
        Assert.Equal(ErrorIds.OperatorNotSupported, e.ErrorId);
        Assert.Contains("ADD version 99", e.Message);
    }

    [Fact]
    public void Create_UnsupportedType_ThrowsOperatorNotSupportedWithTypes()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float16, [1]);
        int o = mb.Tensor(TensorType.Float16, [1]);
        mb.Op(BuiltinOperator.ADD, [i, i], [o]);
        var e = Assert.Throws<ModelOptimizationException>(() => Interpreter.Create(mb.Build(o)));
        Assert.Equal(ErrorIds.OperatorNotSupported, e.ErrorId);
        Assert.Contains("float16", e.Message);
    }

    [Fact]
    public void Create_UnknownBuiltin_ThrowsOperatorNotSupported()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Float32, [1, 2, 2, 2, 1]);
        int o = mb.Tensor(TensorType.Float32, [1, 2, 2, 2, 1]);
        mb.Op(BuiltinOperator.CONV_3D, [i, i], [o]);
        var e = Assert.Throws<ModelOptimizationException>(() => Interpreter.Create(mb.Build(o)));
        Assert.Equal(ErrorIds.OperatorNotSupported, e.ErrorId);
        Assert.Contains("CONV_3D", e.Message);
    }

    [Fact]
    public void SetInput_WrongTypeLengthOrNull_ThrowsInputDataInvalid()
    {
        using var interpreter = Interpreter.Create(AddModel());
        var wrongType = Assert.Throws<ModelOptimizationException>(() => interpreter.SetInput(0, new int[4]));
        Assert.Equal(ErrorIds.InputDataInvalid, wrongType.ErrorId);
        Assert.Contains("Single[]", wrongType.Message);
        var wrongLength = Assert.Throws<ModelOptimizationException>(() => interpreter.SetInput(0, new float[3]));
        Assert.Equal(ErrorIds.InputDataInvalid, wrongLength.ErrorId);
        Assert.Contains("needs 4 values", wrongLength.Message);
        Assert.Equal(ErrorIds.InputDataInvalid, Assert.Throws<ModelOptimizationException>(() => interpreter.SetInput(0, null!)).ErrorId);
        Assert.Equal(ErrorIds.InputNotFound, Assert.Throws<ModelOptimizationException>(() => interpreter.SetInput("nope", new float[4])).ErrorId);
    }

    [Fact]
    public void SetInput_ByteArrayForInt8Input_IsRejected()
    {
        var mb = new ModelBuilder();
        int i = mb.Input(TensorType.Int8, [2], ModelBuilder.Q(1, 0));
        int o = mb.Tensor(TensorType.Int8, [2], ModelBuilder.Q(1, 0));
        mb.Op(BuiltinOperator.RELU, [i], [o]);
        using var interpreter = Interpreter.Create(mb.Build(o));
        var e = Assert.Throws<ModelOptimizationException>(() => interpreter.SetInput(0, new byte[2]));
        Assert.Equal(ErrorIds.InputDataInvalid, e.ErrorId);
        Assert.Contains("quantize", e.Message);
    }

    [Fact]
    public void InputsOutputsAndNames_DescribeTheGraph()
    {
        using var interpreter = Interpreter.Create(AddModel());
        Assert.Equal(new[] { "a", "b" }, interpreter.Inputs.Select(i => i.Name));
        Assert.Equal("out", interpreter.Outputs[0].Name);
        interpreter.SetInput("a", new[] { 1f, 2f, 3f, 4f });
        interpreter.SetInput("b", new[] { 2f, 2f, 2f, 2f });
        interpreter.Invoke();
        Assert.Equal(new[] { 6f, 8f, 10f, 12f }, (float[])interpreter.GetOutput("out").Data);
    }

    [Fact]
    public void PreserveIntermediates_KeepsEveryTensor_OtherwiseIntermediatesAreRefused()
    {
        var model = AddModel();
        using (var preserving = Interpreter.Create(model, new InterpreterOptions { PreserveIntermediates = true }))
        {
            preserving.SetInput(0, new[] { 1f, 2f, 3f, 4f });
            preserving.SetInput(1, new[] { 1f, 1f, 1f, 1f });
            preserving.Invoke();
            var all = preserving.GetAllTensors();
            Assert.Equal(new[] { 2f, 3f, 4f, 5f }, (float[])all.Single(t => t.Name == "sum").Data);
            Assert.Equal(new[] { 2f, 3f, 4f, 5f }, (float[])preserving.GetTensor(2).Data);
        }

        using var plain = Interpreter.Create(model);
        plain.SetInput(0, new[] { 1f, 2f, 3f, 4f });
        plain.SetInput(1, new[] { 1f, 1f, 1f, 1f });
        plain.Invoke();
        Assert.Equal(ErrorIds.ParameterCombinationInvalid, Assert.Throws<ModelOptimizationException>(() => plain.GetTensor(2)).ErrorId);
        Assert.Throws<ModelOptimizationException>(() => plain.GetAllTensors());
        Assert.Equal(new[] { 1f, 2f, 3f, 4f }, (float[])plain.GetTensor(0).Data);
    }

    [Fact]
    public void Cancellation_StopsBetweenOperators()
    {
        using var cts = new CancellationTokenSource();
        using var interpreter = Interpreter.Create(AddModel(), new InterpreterOptions { CancellationToken = cts.Token });
        interpreter.SetInput(0, new float[4]);
        interpreter.SetInput(1, new float[4]);
        cts.Cancel();
        Assert.Equal(ErrorIds.OperationCancelled, Assert.Throws<ModelOptimizationException>(() => interpreter.Invoke()).ErrorId);
    }

    [SkippableTheory]
    [InlineData("mobilenet_v1_0.25_224_quant_uint8.tflite")]
    [InlineData("mobilenet_v1_0.25_224_float.tflite")]
    [InlineData("conv_fc_mnist_int8_a8w8.tflite")]
    [InlineData("deeplabv3_mnv2_257_float.tflite")]
    [InlineData("mobilenet_v2_0.35_96_embedder_dynamic_int8.tflite")]
    public void Invoke_OneVersusTwoThreads_BitIdentical(string file)
    {
        var model = ModelFiles.Load(file);
        Array Run(int threads)
        {
            using var interpreter = Interpreter.Create(model, new InterpreterOptions { ThreadCount = threads });
            var inputs = RandomInputs.For(interpreter.Inputs, 17);
            for (int i = 0; i < inputs.Length; i++) interpreter.SetInput(i, inputs[i]);
            interpreter.Invoke();
            return interpreter.GetOutput(0).Data;
        }

        var one = RandomInputs.AsDoubles(Run(1));
        var two = RandomInputs.AsDoubles(Run(2));
        Assert.Equal(one, two);
    }

    [SkippableTheory]
    [InlineData("mobilenet_v1_0.25_224_quant_uint8.tflite")]
    [InlineData("conv_fc_mnist_int8_a8w8.tflite")]
    [InlineData("seanet_conv0_int16x8.tflite")]
    public void Invoke_FastKernels_EqualReferenceKernels(string file)
    {
        var model = ModelFiles.Load(file);
        foreach (var arithmetic in new[] { QuantizedArithmetic.LiteRt, QuantizedArithmetic.TfLiteBuiltin })
        {
            Array Run(bool reference)
            {
                using var interpreter = Interpreter.Create(model, new InterpreterOptions { UseReferenceKernels = reference, QuantizedArithmetic = arithmetic });
                var inputs = RandomInputs.For(interpreter.Inputs, 5);
                for (int i = 0; i < inputs.Length; i++) interpreter.SetInput(i, inputs[i]);
                interpreter.Invoke();
                return interpreter.GetOutput(0).Data;
            }

            Assert.Equal(RandomInputs.AsDoubles(Run(true)), RandomInputs.AsDoubles(Run(false)));
        }
    }

    [SkippableFact]
    public void MemoryPlan_ReusesArena_AcrossTensorLifetimes()
    {
        var model = ModelFiles.Load("mobilenet_v1_0.25_224_float.tflite");
        using var interpreter = Interpreter.Create(model);
        using var preserving = Interpreter.Create(model, new InterpreterOptions { PreserveIntermediates = true });
        output.WriteLine($"arena {interpreter.ArenaBytes:N0} bytes; without reuse {preserving.ArenaBytes:N0} bytes");
        Assert.True(interpreter.ArenaBytes * 3 < preserving.ArenaBytes);
    }

    [SkippableFact]
    public void Signatures_SelectSubgraphAndAliases()
    {
        var model = ModelFiles.Load("toy_kv_cache_multi_signature_float.tflite");
        foreach (var sig in model.SignatureDefs!)
        {
            using var interpreter = Interpreter.Create(model, new InterpreterOptions { SignatureKey = sig.SignatureKey });
            Assert.Equal((int)sig.SubgraphIndex, interpreter.SubgraphIndex);
            Assert.All(interpreter.Inputs, i => Assert.NotNull(i.SignatureName));
        }

        Assert.Equal(ErrorIds.ParameterCombinationInvalid,
            Assert.Throws<ModelOptimizationException>(() => Interpreter.Create(model, new InterpreterOptions { SignatureKey = "missing" })).ErrorId);
    }

    [SkippableFact]
    public void SetInputShape_Batch3_RederivesDownstreamShapes()
    {
        var model = ModelFiles.Load("conv_fc_mnist_float.tflite");
        string name = model.Subgraphs[0].Tensors[model.Subgraphs[0].Inputs[0]].Name!;
        var reshaped = ShapeInference.SetInputShape(model, name, [3, 28, 28, 1]);
        Assert.NotSame(model, reshaped);
        Assert.Equal(new[] { 1, 28, 28, 1 }, model.Subgraphs[0].Tensors[model.Subgraphs[0].Inputs[0]].Shape);
        var sg = reshaped.Subgraphs[0];
        Assert.Equal(new[] { 3, 28, 28, 1 }, sg.Tensors[sg.Inputs[0]].ShapeSignature);
        Assert.Equal(new[] { 3, 10 }, sg.Tensors[sg.Outputs[0]].Shape);
        using var interpreter = Interpreter.Create(reshaped);
        Assert.Equal(new[] { 3, 10 }, interpreter.Outputs[0].Shape);

        Assert.Equal(ErrorIds.InputNotFound, Assert.Throws<ModelOptimizationException>(() => ShapeInference.SetInputShape(model, "nope", [1, 28, 28, 1])).ErrorId);
        Assert.Equal(ErrorIds.ShapeMismatch, Assert.Throws<ModelOptimizationException>(() => ShapeInference.SetInputShape(model, name, [3, 27, 28, 1])).ErrorId);
        Assert.Equal(ErrorIds.ShapeMismatch, Assert.Throws<ModelOptimizationException>(() => ShapeInference.SetInputShape(model, null, [3, 28, 28])).ErrorId);
    }

    [SkippableFact]
    public void Benchmark_HelloWorld_ReportsLatencyAndMemory()
    {
        var model = ModelFiles.Load("hello_world_float.tflite");
        var result = Interpreter.Benchmark(model, runs: 20, warmup: 2, threadCount: 1);
        output.WriteLine(result.ToString());
        Assert.Equal(20, result.LatenciesMs.Length);
        Assert.True(result.MinMs <= result.MedianMs && result.MedianMs <= result.MaxMs);
        Assert.True(result.PeakMemoryBytes > 0);
    }

    [Fact]
    public void OpRegistry_ListsVersionRanges()
    {
        Assert.True(OpRegistry.IsSupported(BuiltinOperator.CONV_2D, 8));
        Assert.False(OpRegistry.IsSupported(BuiltinOperator.CONV_2D, 9));
        Assert.True(OpRegistry.IsCustomSupported("TFLite_Detection_PostProcess"));
        Assert.Contains(OpRegistry.SupportedOperators, o => o.Name == "FULLY_CONNECTED");
    }
}
