using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.TensorFlow;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Core.Validation;
using ModelOptimization.Formats.SavedModel;
using ModelOptimization.Formats.SavedModel.Conversion;
using ModelOptimization.Formats.Tests.Tflite;
using ModelOptimization.Formats.Tflite;
using ModelOptimization.Tests.Shared;

namespace ModelOptimization.Formats.Tests.SavedModelConversion;

public sealed class SavedModelConverterTests
{
    private static Model Read(string name)
    {
        var path = TestModels.Find("savedmodel/" + name);
        Skip.If(path is null, $"The shared SavedModel 'savedmodel/{name}' is not available.");
        return SavedModelReader.Read(path!);
    }

    private static string[] Ops(Model m) => m.Subgraphs[0].Operators.Select(o => m.CodeOf(o).Name).ToArray();

    public static IEnumerable<object[]> Models() =>
        new[] { "half_plus_two_tf1", "half_plus_two_tf2", "keras_mlp_dense", "mnist_conv_tf1", "keras_conv_fake_effdet" }.Select(n => new object[] { n });

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void ToTflite_SharedSavedModel_ValidAndRoundTrips(string name)
    {
        var sm = Read(name);
        var t = SavedModelConverter.ToTflite(sm);
        Assert.Empty(ModelValidator.Validate(t));
        Assert.Equal(ModelFormat.Tflite, t.Format);
        Assert.Same(sm, t.Source);
        Assert.Null(t.TensorFlowGraph);
        var sig = Assert.Single(t.SignatureDefs!);
        Assert.Equal("serving_default", sig.SignatureKey);
        var tfSig = sm.TensorFlowGraph!.FindSignature("serving_default")!;
        Assert.Equal(tfSig.Inputs.Select(i => i.Key), sig.Inputs!.Select(i => i.Name));
        Assert.Equal(tfSig.Outputs.Select(o => o.Key), sig.Outputs!.Select(o => o.Name));

        using var temp = new TempFolder();
        var file = temp.File(name + ".tflite");
        TfliteWriter.WriteFile(t, file);
        var back = TfliteReader.Read(file);
        Assert.Empty(ModelValidator.Validate(back));
        Assert.Equal(Ops(t), Ops(back));
    }

    [SkippableFact]
    public void ToTflite_HalfPlusTwoTf1_LiteRtComputesHalfXPlusTwoExactly()
    {
        Skip.If(InteropRunner.UnavailableReason is not null, InteropRunner.UnavailableReason);
        var t = SavedModelConverter.ToTflite(Read("half_plus_two_tf1"), new SavedModelConversionOptions { BatchSize = 3 });
        var input = t.Subgraphs[0].Tensors[t.Subgraphs[0].Inputs[0]];
        Assert.Equal([3, 1], input.Shape);
        Assert.Equal([-1, 1], input.ShapeSignature!);
        using var temp = new TempFolder();
        var file = temp.File("half_plus_two_tf1.tflite");
        TfliteWriter.WriteFile(t, file);
        var r = InteropRunner.Run("litert", file, [InteropTensor.FromFloats([3, 1], [1f, 2f, 5f])], stripShapeSignature: true);
        Assert.True(r.Ok, r.ToString());
        Assert.Equal([2.5f, 3f, 4.5f], r.Outputs[0].ToFloats());
    }

    [SkippableFact]
    public void ToTflite_HalfPlusTwoTf2_LiteRtComputesHalfXPlusTwoExactly()
    {
        Skip.If(InteropRunner.UnavailableReason is not null, InteropRunner.UnavailableReason);
        var t = SavedModelConverter.ToTflite(Read("half_plus_two_tf2"));
        Assert.Equal(["MUL", "ADD"], Ops(t));
        using var temp = new TempFolder();
        var file = temp.File("half_plus_two_tf2.tflite");
        TfliteWriter.WriteFile(t, file);
        foreach (float x in new[] { 3f, -7.25f })
        {
            var r = InteropRunner.Run("litert", file, [InteropTensor.FromFloats([1], [x])], stripShapeSignature: true);
            Assert.True(r.Ok, r.ToString());
            Assert.Equal((0.5f * x) + 2f, Assert.Single(r.Outputs[0].ToFloats()));
        }
    }

    [SkippableFact]
    public void ToTflite_KerasMlpDense_FullyConnectedWithFusedBiasAndRelu()
    {
        var sm = Read("keras_mlp_dense");
        var t = SavedModelConverter.ToTflite(sm);
        Assert.Equal(["RESHAPE", "FULLY_CONNECTED", "FULLY_CONNECTED", "SOFTMAX"], Ops(t));
        var sg = t.Subgraphs[0];
        var fc = sg.Operators[1];
        Assert.Equal(ActivationFunctionType.RELU, fc.BuiltinOptions!.FusedActivation);
        Assert.Equal(ActivationFunctionType.NONE, sg.Operators[2].BuiltinOptions!.FusedActivation);
        var input = sg.Tensors[sg.Inputs[0]];
        Assert.Equal([1, 28, 28, 1], input.Shape);
        Assert.Equal([-1, 28, 28, 1], input.ShapeSignature!);
        Assert.Equal([-1, 10], sg.Tensors[sg.Outputs[0]].ShapeSignature!);

        // Weights [out, in] = the kernel [in, out] transposed; the bias is the dense layer's bias.
        var kernel = Floats(sm.TensorFlowGraph!.Variables.Single(v => v.VariableName == "dense/kernel"));
        var bias = Floats(sm.TensorFlowGraph.Variables.Single(v => v.VariableName == "dense/bias"));
        var w = Floats(t, sg.Tensors[fc.Inputs[1]]);
        Assert.Equal([100, 784], sg.Tensors[fc.Inputs[1]].Shape);
        for (int o = 0; o < 100; o += 7)
        {
            for (int i = 0; i < 784; i += 13) Assert.Equal(kernel[(i * 100) + o], w[(o * 784) + i]);
        }

        Assert.Equal(bias, Floats(t, sg.Tensors[fc.Inputs[2]]));
    }

    [SkippableFact]
    public void ToTflite_MnistConvTf1_DropoutFoldedAndReluFused()
    {
        var t = SavedModelConverter.ToTflite(Read("mnist_conv_tf1"));
        Assert.Equal(["CONV_2D", "CONV_2D", "CONV_2D", "RESHAPE", "FULLY_CONNECTED", "FULLY_CONNECTED", "SOFTMAX"], Ops(t));
        var ops = t.Subgraphs[0].Operators;
        Assert.All(ops.Take(3).Append(ops[4]), o => Assert.Equal(ActivationFunctionType.RELU, o.BuiltinOptions!.FusedActivation));
        Assert.Equal([-1, 10], t.Subgraphs[0].Tensors[t.Subgraphs[0].Outputs[0]].ShapeSignature!);
    }

    [SkippableFact]
    public void ToTflite_KerasConvFakeEffdet_ConvBiasAddStackBecomesConvWithBias()
    {
        var sm = Read("keras_conv_fake_effdet");
        var t = SavedModelConverter.ToTflite(sm);
        Assert.Equal(Enumerable.Repeat("CONV_2D", 10), Ops(t));
        var sg = t.Subgraphs[0];
        Assert.Equal(10, sg.Outputs.Length);
        Assert.Equal([-1, 40, 40, 64], sg.Tensors[sg.Outputs[0]].ShapeSignature!);
        Assert.Equal([-1, 3, 3, 64], sg.Tensors[sg.Outputs[9]].ShapeSignature!);

        // HWIO [1,1,3,64] -> OHWI [64,1,1,3]; BiasAdd folded into the bias.
        var vars = sm.TensorFlowGraph!.Variables;
        var kernel = Floats(vars.Single(v => v.VariableName == "conv2d/kernel"));
        var bias = Floats(vars.Single(v => v.VariableName == "conv2d/bias"));
        var conv = sg.Operators[0];
        Assert.Equal([64, 1, 1, 3], sg.Tensors[conv.Inputs[1]].Shape);
        var w = Floats(t, sg.Tensors[conv.Inputs[1]]);
        for (int o = 0; o < 64; o++)
        {
            for (int i = 0; i < 3; i++) Assert.Equal(kernel[(i * 64) + o], w[(o * 3) + i]);
        }

        Assert.Equal(bias, Floats(t, sg.Tensors[conv.Inputs[2]]));
        Assert.Equal(8, conv.BuiltinOptions!.GetInt32("stride_w"));
    }

    [SkippableFact]
    public void ToTflite_OpOutsideTheSet_ThrowsOperatorNotSupportedNamingOpAndNode()
    {
        var sm = Read("keras_mlp_dense");
        var copy = sm.Clone();
        foreach (var f in copy.TensorFlowGraph!.Functions)
        {
            foreach (var n in f.Nodes.Where(n => n.Op == "Softmax")) n.Op = "Erf";
        }

        var ex = Assert.Throws<ModelOptimizationException>(() => SavedModelConverter.ToTflite(copy));
        Assert.Equal(ErrorIds.OperatorNotSupported, ex.ErrorId);
        Assert.Contains("'Erf'", ex.Message);
        Assert.Contains("softmax/Softmax", ex.Message);
        Assert.Contains("in function", ex.Message);
    }

    [SkippableFact]
    public void ToTflite_UnknownSignature_ThrowsParameterCombinationInvalid()
    {
        var ex = Assert.Throws<ModelOptimizationException>(() =>
            SavedModelConverter.ToTflite(Read("half_plus_two_tf1"), new SavedModelConversionOptions { SignatureKey = "nope" }));
        Assert.Equal(ErrorIds.ParameterCombinationInvalid, ex.ErrorId);
        Assert.Contains("serving_default", ex.Message);
    }

    [SkippableFact]
    public void ToTflite_SignatureThroughParseExample_ThrowsOperatorNotSupported()
    {
        // classify_x_to_y parses tf.Example strings (ParseExample): outside the op set.
        var ex = Assert.Throws<ModelOptimizationException>(() =>
            SavedModelConverter.ToTflite(Read("half_plus_two_tf1"), new SavedModelConversionOptions { SignatureKey = "classify_x_to_y" }));
        Assert.Equal(ErrorIds.OperatorNotSupported, ex.ErrorId);
        Assert.Contains("'ParseExample'", ex.Message);
    }

    [SkippableFact]
    public void ToTflite_OtherSignature_ConvertsThatSignature()
    {
        var t = SavedModelConverter.ToTflite(Read("half_plus_two_tf1"), new SavedModelConversionOptions { SignatureKey = "regress_x2_to_y3" });
        Assert.Equal("regress_x2_to_y3", t.SignatureDefs!.Single().SignatureKey);
        Assert.Equal(["MUL", "ADD"], Ops(t));
    }

    [SkippableFact]
    public void ToTflite_NotASavedModel_ThrowsUnsupportedModelFormat()
    {
        var ex = Assert.Throws<ModelOptimizationException>(() => SavedModelConverter.ToTflite(new Model { Name = "plain" }));
        Assert.Equal(ErrorIds.UnsupportedModelFormat, ex.ErrorId);
    }

    [SkippableFact]
    public void GraphWriter_UnchangedModel_WritesSavedModelPbByteForByte()
    {
        var sm = Read("keras_mlp_dense");
        using var temp = new TempFolder();
        var outDir = temp.File("copy");
        var clone = sm.Clone();
        Assert.False(SavedModelGraphWriter.HasGraphEdits(clone));
        SavedModelGraphWriter.Write(clone, outDir);
        Assert.Equal(File.ReadAllBytes(Path.Combine(sm.SourcePath!, "saved_model.pb")), File.ReadAllBytes(Path.Combine(outDir, "saved_model.pb")));
    }

    [SkippableFact]
    public void GraphWriter_EditedGraph_ReimportsWithTheEdit()
    {
        var sm = Read("half_plus_two_tf1");
        var edited = sm.Clone();
        var graph = edited.TensorFlowGraph!;
        // y = 0.5 x + 2 becomes y = (0.5 x + 2) * 3 through a new Const and Mul node.
        graph.Nodes.Add(new TfNode
        {
            Name = "three",
            Op = "Const",
            Attributes = new Dictionary<string, TfAttrValue>
            {
                ["dtype"] = new() { Kind = TfAttrKind.Type, Type = TfDataType.Float },
                ["value"] = new()
                {
                    Kind = TfAttrKind.Tensor,
                    Tensor = new TfTensor { DataType = TfDataType.Float, Shape = TfShape.Scalar, Content = BitConverter.GetBytes(3f), IsDense = true },
                },
            },
        });
        graph.Nodes.Add(new TfNode
        {
            Name = "tripled",
            Op = "Mul",
            Inputs = ["Add", "three"],
            Attributes = new Dictionary<string, TfAttrValue> { ["T"] = new() { Kind = TfAttrKind.Type, Type = TfDataType.Float } },
        });
        graph.FindNode("y")!.Inputs[0] = "tripled";
        Assert.True(SavedModelGraphWriter.HasGraphEdits(edited));

        using var temp = new TempFolder();
        var outDir = temp.File("edited");
        // An edited graph is written serving-only by default; keep everything here to count the two new nodes.
        SavedModelGraphWriter.Write(edited, outDir, new SavedModelWriteOptions { Pruning = SavedModelPruning.KeepTrainingState });
        var back = SavedModelReader.Read(outDir);
        Assert.Equal("tripled", back.TensorFlowGraph!.FindNode("y")!.Inputs[0]);
        Assert.Equal(sm.TensorFlowGraph!.Nodes.Count + 2, back.TensorFlowGraph.Nodes.Count);
        var t = SavedModelConverter.ToTflite(back);
        Assert.Equal(["MUL", "ADD", "MUL"], Ops(t));
        Assert.Equal(3f, Floats(t, t.Subgraphs[0].Tensors[t.Subgraphs[0].Operators[2].Inputs[1]]).Single());
    }

    [Fact]
    public void ToTflite_DeepChainOfNodes_ConvertsWithoutOverflowingTheStack()
    {
        // 6,000 nodes in a chain: the graph walk is recursive and must not depend on the caller's stack size.
        var graph = new TfGraph { Tags = ["serve"] };
        var type = new TfAttrValue { Kind = TfAttrKind.Type, Type = TfDataType.Float };
        graph.Nodes.Add(new TfNode
        {
            Name = "x",
            Op = "Placeholder",
            Attributes = new Dictionary<string, TfAttrValue> { ["dtype"] = type, ["shape"] = new() { Kind = TfAttrKind.Shape, Shape = new TfShape([-1, 4]) } },
        });
        string previous = "x";
        for (int i = 0; i < 6000; i++)
        {
            graph.Nodes.Add(new TfNode { Name = $"relu_{i}", Op = i % 2 == 0 ? "Relu" : "Identity", Inputs = [previous], Attributes = new Dictionary<string, TfAttrValue> { ["T"] = type } });
            previous = $"relu_{i}";
        }

        graph.Signatures.Add(new TfSignature
        {
            Key = "serving_default",
            Inputs = [new TfTensorSpec { Key = "x", TensorName = "x:0", DataType = TfDataType.Float, Shape = new TfShape([-1, 4]) }],
            Outputs = [new TfTensorSpec { Key = "y", TensorName = previous + ":0", DataType = TfDataType.Float, Shape = new TfShape([-1, 4]) }],
        });
        var t = SavedModelConverter.ToTflite(new Model { Name = "deep", Format = ModelFormat.SavedModel, TensorFlowGraph = graph });
        Assert.Equal(3000, t.Subgraphs[0].Operators.Count);
        Assert.Empty(ModelValidator.Validate(t));
    }

    private static float[] Floats(TfVariable v) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(v.Data.Span).ToArray();

    private static float[] Floats(Model m, Tensor t) => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(m.DataOf(t).Span).ToArray();
}
