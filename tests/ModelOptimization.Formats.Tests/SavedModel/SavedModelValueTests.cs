using System.Buffers.Binary;
using ModelOptimization.Core.TensorFlow;
using ModelOptimization.Formats.SavedModel;
using ModelOptimization.Tests.Shared;

namespace ModelOptimization.Formats.Tests.SavedModel;

public sealed class SavedModelValueTests
{
    [SkippableFact]
    public void Read_KerasMlpDense_VariablesEqualNpyGoldens()
    {
        var folder = SavedModelTestData.Require("keras_mlp_dense");
        var bias0 = TestModels.Find("data/keras_mlp_dense/bias0.npy");
        var kernel1 = TestModels.Find("data/keras_mlp_dense/kernel1.npy");
        Skip.If(bias0 is null || kernel1 is null, "The keras_mlp_dense .npy goldens are not available.");
        var g = SavedModelReader.DocumentOf(SavedModelReader.Read(folder))!.Graph;

        var (bShape, bValues) = SavedModelTestData.ReadNpyFloat32(bias0!);
        var bias = g.FindVariable("layer_with_weights-0/bias/.ATTRIBUTES/VARIABLE_VALUE")!;
        Assert.Equal(bShape.Select(d => (long)d), bias.Shape.Dimensions!);
        Assert.Equal(bValues, SavedModelTestData.Floats(bias.Data));
        Assert.Equal("dense/bias", bias.VariableName);

        var (kShape, kValues) = SavedModelTestData.ReadNpyFloat32(kernel1!);
        var kernel = g.FindVariable("layer_with_weights-1/kernel/.ATTRIBUTES/VARIABLE_VALUE")!;
        Assert.Equal(kShape.Select(d => (long)d), kernel.Shape.Dimensions!);
        Assert.Equal(kValues, SavedModelTestData.Floats(kernel.Data));
        Assert.Equal("dense_1/kernel", kernel.NodeName);
    }

    [SkippableTheory]
    [InlineData("half_plus_two_tf1", "a", "b")]
    [InlineData("half_plus_two_tf2", "a/.ATTRIBUTES/VARIABLE_VALUE", "b/.ATTRIBUTES/VARIABLE_VALUE")]
    public void Read_HalfPlusTwo_VariablesAreHalfAndTwo(string name, string a, string b)
    {
        var g = SavedModelReader.DocumentOf(SavedModelReader.Read(SavedModelTestData.Require(name)))!.Graph;
        var va = g.FindVariable(a)!;
        Assert.Equal(TfDataType.Float, va.DataType);
        Assert.Equal(TfShape.Scalar, va.Shape);
        Assert.Equal(0.5f, BinaryPrimitives.ReadSingleLittleEndian(va.Data.Span));
        Assert.Equal(2f, BinaryPrimitives.ReadSingleLittleEndian(g.FindVariable(b)!.Data.Span));
        Assert.Equal("a", va.NodeName);
        var serving = g.FindSignature("serving_default")!;
        Assert.Equal("x", Assert.Single(serving.Inputs).Key);
        Assert.Equal(TfDataType.Float, serving.Inputs[0].DataType);
        Assert.Equal("y", Assert.Single(serving.Outputs).Key);
    }

    [SkippableFact]
    public void Read_Tf1Graph_NodesCarryOpsInputsAndOutputShapes()
    {
        var g = SavedModelReader.DocumentOf(SavedModelReader.Read(SavedModelTestData.Require("mnist_conv_tf1")))!.Graph;
        Assert.False(g.IsObjectGraph);
        var conv = g.Nodes.First(n => n.Op == "Conv2D");
        Assert.Equal(2, conv.DataInputs.Count());
        Assert.Equal(TfDataType.Float, conv.DataType);
        var sig = g.FindSignature("serving_default")!;
        Assert.Equal(new long[] { -1, 28, 28, 1 }, sig.Inputs[0].Shape.Dimensions!);
        Assert.Contains(g.Nodes, n => n.Op == "VariableV2");
        Assert.Contains(g.Nodes, n => n.Op == "RestoreV2");
        Assert.True(g.Nodes.Where(n => n.Op == "Const").All(n => n.Attributes["value"].Tensor is not null));
    }

    [SkippableFact]
    public void Read_Tf2Graph_HasFunctionLibraryAndResourceVariables()
    {
        var g = SavedModelReader.DocumentOf(SavedModelReader.Read(SavedModelTestData.Require("keras_conv_fake_effdet")))!.Graph;
        Assert.True(g.IsObjectGraph);
        Assert.Equal(20, g.Nodes.Count(n => n.Op == "VarHandleOp"));
        Assert.Contains(g.Nodes, n => n.Op == "StatefulPartitionedCall");
        var call = g.Nodes.First(n => n.Op == "StatefulPartitionedCall");
        Assert.NotNull(g.FindFunction(call.Attributes["f"].Func!.Name));
        Assert.Equal(50, g.Functions.Sum(f => f.Nodes.Count(n => n.Op == "Conv2D")));
        var sig = g.FindSignature("serving_default")!;
        Assert.Equal(10, sig.Outputs.Count);
        Assert.Equal(new long[] { -1, 320, 320, 3 }, sig.Inputs[0].Shape.Dimensions!);
        Assert.Equal(20, g.Variables.Count(v => v.NodeName is not null));
    }

    [SkippableFact]
    public void Write_ChangedVariable_IsWrittenAndReadBack()
    {
        var folder = SavedModelTestData.Require("half_plus_two_tf2");
        using var temp = SavedModelTestData.Temp();
        var model = SavedModelReader.Read(folder);
        var g = SavedModelReader.DocumentOf(model)!.Graph;
        var a = g.FindVariable("a/.ATTRIBUTES/VARIABLE_VALUE")!;
        var bytes = new byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, 0.25f);
        a.Data = bytes;
        g.Variables.Add(new TfVariable { Name = "extra/.ATTRIBUTES/VARIABLE_VALUE", DataType = TfDataType.Int32, Shape = new TfShape([2]), Data = new byte[8] });

        SavedModelWriter.Write(model, temp.Sub("out"), new SavedModelWriteOptions { IndexCompression = SavedModelIndexCompression.None });
        var again = SavedModelReader.DocumentOf(SavedModelReader.Read(temp.Sub("out")))!.Graph;
        Assert.Equal(0.25f, BinaryPrimitives.ReadSingleLittleEndian(again.FindVariable(a.Name)!.Data.Span));
        Assert.Equal(2f, BinaryPrimitives.ReadSingleLittleEndian(again.FindVariable("b/.ATTRIBUTES/VARIABLE_VALUE")!.Data.Span));
        Assert.Equal(TfDataType.Int32, again.FindVariable("extra/.ATTRIBUTES/VARIABLE_VALUE")!.DataType);
        // The source is untouched.
        Assert.Equal(0.5f, BinaryPrimitives.ReadSingleLittleEndian(SavedModelReader.DocumentOf(SavedModelReader.Read(folder))!.Graph.FindVariable(a.Name)!.Data.Span));
    }

    [SkippableFact]
    public void Write_ExistingOutput_RefusesWithoutOverwriteAndReplacesWithIt()
    {
        var folder = SavedModelTestData.Require("half_plus_two_tf1");
        using var temp = SavedModelTestData.Temp();
        var model = SavedModelReader.Read(folder);
        string outDir = temp.Sub("out");
        Directory.CreateDirectory(outDir);
        File.WriteAllText(Path.Combine(outDir, "marker.txt"), "old");
        var ex = Assert.Throws<Core.Errors.ModelOptimizationException>(() => SavedModelWriter.Write(model, outDir));
        Assert.Equal(Core.Errors.ErrorIds.OutputFileExists, ex.ErrorId);
        Assert.True(File.Exists(Path.Combine(outDir, "marker.txt")));

        SavedModelWriter.Write(model, outDir, new SavedModelWriteOptions { Overwrite = true });
        Assert.False(File.Exists(Path.Combine(outDir, "marker.txt")));
        Assert.True(File.Exists(Path.Combine(outDir, "saved_model.pb")));
        Assert.Single(Directory.GetDirectories(temp.Path)); // no temporary or backup folder left
    }

    [SkippableFact]
    public void Write_Cancelled_LeavesNothingBehind()
    {
        var folder = SavedModelTestData.Require("mnist_conv_tf1");
        using var temp = SavedModelTestData.Temp();
        var model = SavedModelReader.Read(folder);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var ex = Assert.Throws<Core.Errors.ModelOptimizationException>(() => SavedModelWriter.Write(model, temp.Sub("out"), null, cts.Token));
        Assert.Equal(Core.Errors.ErrorIds.OperationCancelled, ex.ErrorId);
        Assert.Empty(Directory.EnumerateFileSystemEntries(temp.Path));
    }
}
