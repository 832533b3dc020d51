using Google.FlatBuffers;
using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Formats.Tflite;

namespace ModelOptimization.Formats.Tests.Tflite;

/// <summary>Every kind of malformed input gives ModelParseFailed (bad bytes) or ModelValidationFailed (bad graph).</summary>
public class TfliteReaderMalformedTests
{
    private const string Source = "malformed.tflite";

    [Fact]
    public void Read_EmptyFile_ModelParseFailed()
    {
        using var temp = new TempFolder();
        string path = temp.File("empty.tflite");
        File.WriteAllBytes(path, []);
        var e = AssertFails(ErrorIds.ModelParseFailed, () => TfliteReader.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("empty", e.Message);
        AssertFails(ErrorIds.ModelParseFailed, () => TfliteReader.Read(path, memoryMapThreshold: 0));
    }

    [Fact]
    public void Read_ThreeBytes_ModelParseFailed()
    {
        var e = AssertFails(ErrorIds.ModelParseFailed, () => TfliteReader.Read(new byte[] { 1, 2, 3 }, Source));
        Assert.Contains("3 bytes", e.Message);
    }

    [Fact]
    public void Read_Garbage_ModelParseFailed()
    {
        var random = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(8, 4096)];
            random.NextBytes(bytes);
            AssertFails(ErrorIds.ModelParseFailed, () => TfliteReader.Read(bytes, Source));
        }
    }

    [Fact]
    public void Read_GarbageWithIdentifier_NeverAnythingButAModelError()
    {
        var random = new Random(11);
        for (int i = 0; i < 2000; i++)
        {
            var bytes = new byte[random.Next(8, 2048)];
            random.NextBytes(bytes);
            "TFL3"u8.CopyTo(bytes.AsSpan(4));
            if (i % 2 == 0) BitConverter.TryWriteBytes(bytes.AsSpan(0, 4), random.Next(8, bytes.Length));
            var e = Assert.ThrowsAny<ModelOptimizationException>(() => TfliteReader.Read(bytes, Source));
            Assert.Contains(e.ErrorId, new[] { ErrorIds.ModelParseFailed, ErrorIds.ModelValidationFailed });
        }
    }

    [Theory]
    [InlineData("TFL2")]
    [InlineData("ABCD")]
    [InlineData("\0\0\0\0")]
    public void Read_WrongOrMissingIdentifier_ModelParseFailed(string identifier)
    {
        byte[] bytes = TfliteRoundTripTests.Write(SyntheticModels.FullyConnected(), BufferLayout.Inline);
        System.Text.Encoding.ASCII.GetBytes(identifier).CopyTo(bytes, 4);
        var e = AssertFails(ErrorIds.ModelParseFailed, () => TfliteReader.Read(bytes, Source));
        Assert.Contains("not 'TFL3'", e.Message);
    }

    [SkippableFact]
    public void Read_RealModelTruncatedAnywhere_ModelParseFailed()
    {
        string path = TfliteModelFiles.PathOf("hello_world_int8.tflite");
        byte[] whole = File.ReadAllBytes(path);
        AssertEveryTruncationFails(whole);
    }

    [Fact]
    public void Read_SyntheticModelTruncatedAnywhere_ModelParseFailed()
    {
        AssertEveryTruncationFails(TfliteRoundTripTests.Write(SyntheticModels.KitchenSink(), BufferLayout.Inline));
        AssertEveryTruncationFails(TfliteRoundTripTests.Write(SyntheticModels.KitchenSink(), BufferLayout.External));
    }

    [Fact]
    public void Read_RootOffsetPastEnd_ModelParseFailed()
    {
        byte[] bytes = TfliteRoundTripTests.Write(SyntheticModels.FullyConnected(), BufferLayout.Inline);
        new FlatBufferProbe(bytes).PutUInt32(0, 0x7FFFFFF0);
        var e = AssertFails(ErrorIds.ModelParseFailed, () => TfliteReader.Read(bytes, Source));
        Assert.Contains("root table offset", e.Message);
        Assert.Contains("points past the end of the file", e.Message);
    }

    [Fact]
    public void Read_HugeVectorLength_ModelParseFailed()
    {
        byte[] bytes = TfliteRoundTripTests.Write(SyntheticModels.FullyConnected(), BufferLayout.Inline);
        var probe = new FlatBufferProbe(bytes);
        int tensors = probe.Vector(probe.TableAt(probe.Vector(probe.Root, 2), 0), 0);
        probe.PutUInt32(tensors, 4_000_000_000);
        var e = AssertFails(ErrorIds.ModelParseFailed, () => TfliteReader.Read(bytes, Source));
        Assert.Contains("subgraphs[0].tensors", e.Message);
        Assert.Contains($"offset 0x{tensors:X}: vector of 4,000,000,000 elements runs past the end of the file ({bytes.Length:N0} bytes)", e.Message);
    }

    [Fact]
    public void Read_VTableOutsideFile_ModelParseFailed()
    {
        byte[] bytes = TfliteRoundTripTests.Write(SyntheticModels.FullyConnected(), BufferLayout.Inline);
        var probe = new FlatBufferProbe(bytes);
        probe.PutInt32(probe.Root, -0x100000);
        var e = AssertFails(ErrorIds.ModelParseFailed, () => TfliteReader.Read(bytes, Source));
        Assert.Contains("vtable", e.Message);
    }

    [Fact]
    public void Read_UnknownOptionsUnionType_ModelParseFailed()
    {
        byte[] bytes = TfliteRoundTripTests.Write(SyntheticModels.FullyConnected(), BufferLayout.Inline);
        var probe = new FlatBufferProbe(bytes);
        int op = probe.TableAt(probe.Vector(probe.TableAt(probe.Vector(probe.Root, 2), 0), 3), 0);
        bytes[probe.Field(op, 3)] = 200; // builtin_options_type
        var e = AssertFails(ErrorIds.ModelParseFailed, () => TfliteReader.Read(bytes, Source));
        Assert.Contains("subgraphs[0].operators[0].builtin_options_type: union type 200", e.Message);
    }

    [Fact]
    public void Read_PayloadOffsetPastEnd_ModelParseFailed()
    {
        byte[] bytes = TfliteRoundTripTests.Write(SyntheticModels.FullyConnected(), BufferLayout.External);
        var probe = new FlatBufferProbe(bytes);
        int buffer = probe.TableAt(probe.Vector(probe.Root, 4), 1);
        probe.PutUInt64(probe.Field(buffer, 1), (ulong)bytes.Length - 8); // 48 bytes of weights from 8 before the end
        var e = AssertFails(ErrorIds.ModelParseFailed, () => TfliteReader.Read(bytes, Source));
        Assert.Contains("buffers[1].offset", e.Message);
        Assert.Contains("runs past the end of the file", e.Message);

        probe.PutUInt64(probe.Field(buffer, 1), ulong.MaxValue - 4); // overflowing offset + size
        AssertFails(ErrorIds.ModelParseFailed, () => TfliteReader.Read(bytes, Source));
    }

    [Fact]
    public void Read_TableSharedMillionsOfTimes_FailsWithinMemoryBudget()
    {
        // 200,000 tensor references to one tensor with a 4,096-entry shape: a 0.8 MB file that would decode to 3 GB.
        var b = new FlatBufferBuilder(1 << 21);
        b.StartVector(4, 4096, 4);
        for (int i = 0; i < 4096; i++) b.AddInt(1);
        var shape = b.EndVector();
        b.StartTable(11);
        b.AddOffset(0, shape.Value, 0);
        int tensor = b.EndTable();
        b.StartVector(4, 200_000, 4);
        for (int i = 0; i < 200_000; i++) b.AddOffset(tensor);
        var tensors = b.EndVector();
        b.StartTable(6);
        b.AddOffset(0, tensors.Value, 0);
        int subgraph = b.EndTable();
        b.StartVector(4, 1, 4);
        b.AddOffset(subgraph);
        var subgraphs = b.EndVector();
        b.StartTable(10);
        b.AddUint(0, 3, 0);
        b.AddOffset(2, subgraphs.Value, 0);
        b.Finish(b.EndTable(), "TFL3");
        byte[] bytes = b.SizedByteArray();

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = AssertFails(ErrorIds.ModelParseFailed, () => TfliteReader.Read(bytes, Source));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains("memory", e.Message);
        Assert.True(allocated < 300L << 20, $"allocated {allocated:N0} bytes for a {bytes.Length:N0}-byte file");
    }

    [Fact]
    public void Read_TensorIndexOutOfRange_ModelValidationFailed()
    {
        var model = SyntheticModels.FullyConnected();
        model.Subgraphs[0].Operators[0].Inputs = [0, 99, 2];
        var e = AssertRoundTripFails(model);
        Assert.Contains("input tensor 99 is out of range", e.Message);
    }

    [Fact]
    public void Read_BufferIndexOutOfRange_ModelValidationFailed()
    {
        var model = SyntheticModels.FullyConnected();
        model.Subgraphs[0].Tensors[1].Buffer = 99;
        Assert.Contains("buffer 99 is out of range", AssertRoundTripFails(model).Message);
    }

    [Fact]
    public void Read_OpcodeIndexOutOfRange_ModelValidationFailed()
    {
        var model = SyntheticModels.FullyConnected();
        model.Subgraphs[0].Operators[0].OpcodeIndex = 5;
        Assert.Contains("opcode index 5 is out of range", AssertRoundTripFails(model).Message);
    }

    [Fact]
    public void Read_ShortBuffer_ModelValidationFailed()
    {
        var model = SyntheticModels.FullyConnected();
        model.Buffers[1].Data = model.Buffers[1].Data[..40];
        Assert.Contains("has 40 bytes but float32[3, 4] needs 48", AssertRoundTripFails(model).Message);
    }

    [Fact]
    public void Read_QuantizationArraysOfWrongLength_ModelValidationFailed()
    {
        var model = SyntheticModels.FullyConnected();
        model.Subgraphs[0].Tensors[1].Quantization = new QuantizationParameters { Scale = [1, 2, 3], ZeroPoint = [0, 0], QuantizedDimension = 0 };
        Assert.Contains("3 scales but 2 zero points", AssertRoundTripFails(model).Message);

        model.Subgraphs[0].Tensors[1].Quantization = new QuantizationParameters { Scale = [1, 2, 3, 4], QuantizedDimension = 0 };
        Assert.Contains("4 scales but dimension 0 has size 3", AssertRoundTripFails(model).Message);
    }

    [Fact]
    public void Read_AbsurdShape_ModelValidationFailed()
    {
        var model = SyntheticModels.FullyConnected();
        model.Subgraphs[0].Tensors[0].Shape = [1 << 20, 1 << 20]; // 2^40 elements
        model.Subgraphs[0].Tensors[0].ShapeSignature = null;
        Assert.Contains("more than 2^32 elements", AssertRoundTripFails(model).Message);
    }

    [Fact]
    public void Read_Cycle_ModelValidationFailed()
    {
        var model = SyntheticModels.FullyConnected();
        var sg = model.Subgraphs[0];
        int a = sg.AddTensor(new Tensor { Name = "a", Shape = [1, 3] });
        model.OperatorCodes.Add(OperatorCode.ForBuiltin(BuiltinOperator.RELU));
        sg.Operators.Add(new Operator { OpcodeIndex = 1, Inputs = [a], Outputs = [3] });
        sg.Operators[0].Outputs = [a];
        sg.Operators[0].Inputs = [3, 1, 2];
        Assert.Contains("cycle or bad order", AssertRoundTripFails(model).Message);
    }

    [Fact]
    public void Read_MalformedFileMemoryMapped_ModelParseFailedAndValidationFailed()
    {
        using var temp = new TempFolder();
        byte[] whole = TfliteRoundTripTests.Write(SyntheticModels.KitchenSink(), BufferLayout.External);
        string path = temp.File("truncated.tflite");
        File.WriteAllBytes(path, whole[..(whole.Length - 1)]);
        var e = AssertFails(ErrorIds.ModelParseFailed, () => TfliteReader.Read(path, memoryMapThreshold: 0));
        Assert.Contains(path, e.Message);

        var model = SyntheticModels.FullyConnected();
        model.Subgraphs[0].Tensors[1].Buffer = 42;
        TfliteWriter.WriteFile(model, path);
        AssertFails(ErrorIds.ModelValidationFailed, () => TfliteReader.Read(path, memoryMapThreshold: 0));
        File.Delete(path); // the failed reads left no mapping holding the file
    }

    [Fact]
    public void Read_MissingPath_ModelFileNotFound()
    {
        using var temp = new TempFolder();
        AssertFails(ErrorIds.ModelFileNotFound, () => TfliteReader.Read(temp.File("none.tflite")));
        AssertFails(ErrorIds.ModelFileNotFound, () => TfliteReader.Read(temp.Path));
    }

    private static void AssertEveryTruncationFails(byte[] whole)
    {
        var lengths = new SortedSet<int>();
        for (int n = 0; n <= Math.Min(64, whole.Length - 1); n++) lengths.Add(n);
        for (int n = whole.Length - 1; n >= Math.Max(0, whole.Length - 64); n--) lengths.Add(n);
        for (int n = 0; n < whole.Length; n += Math.Max(1, whole.Length / 200)) lengths.Add(n);
        foreach (int n in lengths)
        {
            Model? read = null;
            var e = Record.Exception(() => read = TfliteReader.Read(whole.AsMemory(0, n), Source)) as ModelOptimizationException;
            Assert.True(e is not null, $"truncated to {n} of {whole.Length} bytes: read without error");
            Assert.True(e.ErrorId == ErrorIds.ModelParseFailed, $"truncated to {n} of {whole.Length} bytes: {e.ErrorId}: {e.Message}");
        }
    }

    private static ModelOptimizationException AssertRoundTripFails(Model model)
    {
        byte[] bytes = TfliteRoundTripTests.Write(model, BufferLayout.Inline);
        var e = AssertFails(ErrorIds.ModelValidationFailed, () => TfliteReader.Read(bytes, Source));
        Assert.Contains(Source, e.Message);
        return e;
    }

    private static ModelOptimizationException AssertFails(string errorId, Func<object> read)
    {
        var e = Assert.ThrowsAny<ModelOptimizationException>(read);
        Assert.True(errorId == e.ErrorId, $"expected {errorId}, got {e.ErrorId}: {e.Message}");
        return e;
    }
}
