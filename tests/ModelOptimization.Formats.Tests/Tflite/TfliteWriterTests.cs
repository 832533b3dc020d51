using System.Runtime.InteropServices;
using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Core.Validation;
using ModelOptimization.Formats.Tflite;

namespace ModelOptimization.Formats.Tests.Tflite;

public class TfliteWriterTests
{
    [Theory]
    [InlineData(BufferLayout.Inline)]
    [InlineData(BufferLayout.External)]
    public void Write_KitchenSink_EveryFieldRoundTrips(BufferLayout layout)
    {
        var model = SyntheticModels.KitchenSink();
        Assert.Empty(ModelValidator.Validate(model));
        byte[] bytes = TfliteRoundTripTests.Write(model, layout);
        var read = TfliteReader.Read(bytes, "kitchen_sink.tflite");
        Assert.Null(ModelComparer.FindFirstDifference(model, read));
        Assert.Equal(bytes, TfliteRoundTripTests.Write(read, layout));
    }

    [Fact]
    public void Write_KitchenSink_KeepsPresentEmptyVectorsAndOddValues()
    {
        var read = TfliteReader.Read(TfliteRoundTripTests.Write(SyntheticModels.KitchenSink(), BufferLayout.Inline), "k.tflite");
        var sg = read.Subgraphs[0];
        Assert.NotNull(sg.Operators[0].Intermediates);
        Assert.Empty(sg.Operators[0].Intermediates!);
        Assert.NotNull(sg.Tensors.Single(t => t.Name == "external").ShapeSignature);
        var reshape = sg.Operators.Single(o => read.CodeOf(o).Op == BuiltinOperator.RESHAPE);
        Assert.True(reshape.CustomOptions.HasValue);
        Assert.True(reshape.CustomOptions!.Value.IsEmpty);
        Assert.Empty((int[])reshape.BuiltinOptions!["new_shape"]!);
        var leaky = sg.Operators.Single(o => read.CodeOf(o).Op == BuiltinOperator.LEAKY_RELU);
        Assert.Equal(BitConverter.SingleToInt32Bits(-0f), BitConverter.SingleToInt32Bits((float)leaky.BuiltinOptions!["alpha"]!));
        Assert.Equal((sbyte)5, read.OperatorCodes.Single(c => c.BuiltinCode == BuiltinOperator.FULLY_CONNECTED && c.DeprecatedBuiltinCode != 9).DeprecatedBuiltinCode);
        Assert.Equal((sbyte)127, read.OperatorCodes.Single(c => c.BuiltinCode == BuiltinOperator.GELU).DeprecatedBuiltinCode);
        Assert.Null(read.SignatureDefs![1].Outputs);
        Assert.Empty(read.SignatureDefs[1].Inputs!);
        Assert.Equal("every field — ünïcode", read.Description);
    }

    [Theory]
    [InlineData(BufferLayout.Inline)]
    [InlineData(BufferLayout.External)]
    public void Write_BufferData_Are16ByteAligned(BufferLayout layout)
    {
        byte[] bytes = TfliteRoundTripTests.Write(SyntheticModels.KitchenSink(), layout);
        var read = TfliteReader.Read(bytes, "k.tflite");
        foreach (var b in read.Buffers.Where(b => !b.Data.IsEmpty))
        {
            Assert.True(MemoryMarshal.TryGetArray(b.Data, out var segment));
            Assert.Equal(0, segment.Offset % 16);
        }
    }

    [Fact]
    public void Write_ExternalLayout_AddsBufferLocationMetadataThatTheReaderTakesOut()
    {
        var model = SyntheticModels.FullyConnected();
        byte[] bytes = TfliteRoundTripTests.Write(model, BufferLayout.External);
        var probe = new FlatBufferProbe(bytes);
        int metadata = probe.Vector(probe.Root, 6);
        Assert.Equal(2, probe.Count(metadata));
        int marker = probe.TableAt(metadata, 1);
        int name = probe.Deref(probe.Field(marker, 0));
        Assert.Equal("buffer_location", System.Text.Encoding.ASCII.GetString(bytes, name + 4, probe.Count(name)));
        int bufferIndex = BitConverter.ToInt32(bytes, probe.Field(marker, 1));
        int buffer = probe.TableAt(probe.Vector(probe.Root, 4), bufferIndex);
        int data = probe.Deref(probe.Field(buffer, 0));
        Assert.Equal("outside flatbuffers", System.Text.Encoding.ASCII.GetString(bytes, data + 4, probe.Count(data)));

        var read = TfliteReader.Read(bytes, "fc.tflite");
        Assert.Equal(model.Metadata!.Count, read.Metadata!.Count);
        Assert.Equal(model.Buffers.Count, read.Buffers.Count);
        // The weights sit after the FlatBuffer: the FlatBuffer ends before the first payload.
        Assert.True(read.Buffers[1].Offset >= (ulong)data);
        Assert.Equal(BufferLayout.Inline, TfliteWriter.ChooseLayout(model));
    }

    [Fact]
    public void WriteFile_Cancelled_LeavesNothingAndKeepsTheExistingFile()
    {
        using var temp = new TempFolder();
        string path = temp.File("model.tflite");
        File.WriteAllText(path, "previous content");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var e = Assert.Throws<ModelOptimizationException>(() =>
            TfliteWriter.WriteFile(SyntheticModels.KitchenSink(), path, new TfliteWriteOptions { CancellationToken = cts.Token }));
        Assert.Equal(ErrorIds.OperationCancelled, e.ErrorId);
        Assert.Equal("previous content", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(temp.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void WriteFile_UnencodableModel_ModelWriteFailedAndNothingLeftBehind()
    {
        using var temp = new TempFolder();
        string path = temp.File("model.tflite");
        File.WriteAllText(path, "previous content");
        var model = SyntheticModels.KitchenSink();
        var sparse = model.Subgraphs[0].Tensors.Single(t => t.Name == "sparse");
        sparse.Sparsity!.DimMetadata![1].ArrayIndices = new SparseIndexVector(SparseIndexType.UInt16, [0, 70000, 1]);
        var e = Assert.Throws<ModelOptimizationException>(() => TfliteWriter.WriteFile(model, path));
        Assert.Equal(ErrorIds.ModelWriteFailed, e.ErrorId);
        Assert.Equal("previous content", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(temp.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void WriteFile_MissingFolder_ModelWriteFailed()
    {
        using var temp = new TempFolder();
        var e = Assert.Throws<ModelOptimizationException>(() =>
            TfliteWriter.WriteFile(SyntheticModels.FullyConnected(), Path.Combine(temp.Path, "no", "such", "m.tflite")));
        Assert.Equal(ErrorIds.ModelWriteFailed, e.ErrorId);
    }

    [Theory]
    [InlineData(BufferLayout.Inline)]
    [InlineData(BufferLayout.External)]
    public void WriteFile_OverTheMemoryMappedSource_ReplacesItAndOldViewsKeepTheirBytes(BufferLayout layout)
    {
        using var temp = new TempFolder();
        string path = temp.File("model.tflite");
        TfliteWriter.WriteFile(SyntheticModels.KitchenSink(), path, new TfliteWriteOptions { Layout = layout });
        byte[] before = File.ReadAllBytes(path);

        var mapped = TfliteReader.Read(path, memoryMapThreshold: 0);
        Assert.NotNull(mapped.Storage);
        var weights = mapped.Buffers[1].Data;
        byte[] weightsBefore = weights.ToArray();
        var changed = mapped.Clone();
        changed.Description = "rewritten in place";
        changed.Buffers[1] = new ModelBuffer(new byte[48]); // the weights become zeros in the new file

        TfliteWriter.WriteFile(changed, path, new TfliteWriteOptions { Layout = layout });

        var reread = TfliteReader.Read(path);
        Assert.Equal("rewritten in place", reread.Description);
        Assert.True(reread.Buffers[1].Data.Span.IndexOfAnyExcept((byte)0) < 0);
        // The old model still reads the old file's bytes through its mapping.
        Assert.Equal(weightsBefore, weights.ToArray());
        Assert.Null(ModelComparer.FindFirstDifference(mapped, TfliteReader.Read(before, "before.tflite")));
        Assert.Equal([path], Directory.GetFiles(temp.Path));
        GC.KeepAlive(mapped);
    }

    [Fact]
    public void WriteFile_ThenImport_GivesTheSameModel()
    {
        using var temp = new TempFolder();
        string path = temp.File("fc.tflite");
        var model = SyntheticModels.FullyConnected();
        TfliteWriter.WriteFile(model, path);
        var read = TfliteReader.Read(path);
        Assert.Null(ModelComparer.FindFirstDifference(model, read));
        Assert.Equal("fc", read.Name);
        Assert.Equal(new FileInfo(path).Length, read.FileSize);
        Assert.Null(read.Storage); // small files are read into an array
    }

    [Fact]
    public void Write_ToStream_DoesNotChangeTheModel()
    {
        var model = SyntheticModels.KitchenSink();
        var copy = model.Clone();
        TfliteRoundTripTests.Write(model, BufferLayout.External);
        Assert.Null(ModelComparer.FindFirstDifference(copy, model));
        Assert.Equal(copy.Metadata!.Count, model.Metadata!.Count);
        Assert.Equal(copy.Buffers.Count, model.Buffers.Count);
    }
}
