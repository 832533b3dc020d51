using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Validation;
using ModelOptimization.Formats.Tflite;

namespace ModelOptimization.Formats.Tests.Tflite;

/// <summary>read → write → read equality, writer determinism and both buffer layouts for every real model.</summary>
public class TfliteRoundTripTests
{
    public static TheoryData<string> Models => TfliteModelFiles.Names();

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void ReadWriteRead_EveryModel_GivesEqualModel(string name)
    {
        string path = TfliteModelFiles.PathOf(name);
        var original = ReadAny(path);
        byte[] written = Write(original, BufferLayout.Inline);
        var reread = TfliteReader.Read(written, name, validate: false);
        Assert.Null(ModelComparer.FindFirstDifference(original, reread));
    }

    /// <summary>
    /// Import validates: a model the validator finds inconsistent (person_detect_int8's 1-D biases carry
    /// quantized_dimension 3, which TFLite rejects too) raises ModelValidationFailed; every other model imports.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void Read_EveryModel_ValidatesOrRaisesModelValidationFailed(string name)
    {
        string path = TfliteModelFiles.PathOf(name);
        var issues = ModelValidator.Validate(TfliteReader.Read(path, TfliteReader.MemoryMapThreshold, validate: false));
        if (issues.Count == 0)
        {
            Assert.NotNull(TfliteReader.Read(path));
            return;
        }

        var e = Assert.Throws<ModelOptimizationException>(() => TfliteReader.Read(path));
        Assert.Equal(ErrorIds.ModelValidationFailed, e.ErrorId);
        Assert.Contains(path, e.Message);
    }

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void WriteReadWrite_EveryModel_GivesIdenticalBytes(string name)
    {
        string path = TfliteModelFiles.PathOf(name);
        var original = ReadAny(path);
        byte[] first = Write(original, BufferLayout.Auto);
        byte[] second = Write(TfliteReader.Read(first, name, validate: false), BufferLayout.Auto);
        Assert.Equal(first, second);
        Assert.Equal(first, Write(original, BufferLayout.Auto)); // the same model twice gives the same bytes
    }

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void ExternalLayout_EveryModel_RoundTripsEqual(string name)
    {
        string path = TfliteModelFiles.PathOf(name);
        var original = ReadAny(path);
        byte[] external = Write(original, BufferLayout.External);
        var reread = TfliteReader.Read(external, name, validate: false);
        Assert.Null(ModelComparer.FindFirstDifference(original, reread));

        // Every non-empty, non-metadata buffer now lives after the FlatBuffer, 16-byte aligned, at offset > 1.
        var metadataBuffers = (original.Metadata ?? []).Select(m => m.Buffer).ToHashSet();
        for (int i = 0; i < reread.Buffers.Count; i++)
        {
            var b = reread.Buffers[i];
            if (b.Data.IsEmpty || metadataBuffers.Contains((uint)i)) continue;
            Assert.True(b.Offset > 1, $"buffer {i} has offset {b.Offset}");
            Assert.Equal(0UL, b.Offset % 16);
            Assert.Equal((ulong)b.Data.Length, b.Size);
        }

        // And back to inline: the same bytes as writing the original inline.
        Assert.Equal(Write(original, BufferLayout.Inline), Write(reread, BufferLayout.Inline));
    }

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void Read_MemoryMapped_GivesSameModelAsArray(string name)
    {
        string path = TfliteModelFiles.PathOf(name);
        var viaArray = ReadAny(path);
        var viaMap = TfliteReader.Read(path, memoryMapThreshold: 0, validate: false);
        Assert.NotNull(viaMap.Storage);
        Assert.Null(ModelComparer.FindFirstDifference(viaArray, viaMap));
        Assert.Equal(new FileInfo(path).Length, viaMap.FileSize);
        Assert.Equal(Path.GetFileNameWithoutExtension(path), viaMap.Name);
        Assert.Equal(Path.GetFullPath(path), viaMap.SourcePath);
        Assert.Equal(ModelFormat.Tflite, viaMap.Format);
    }

    [SkippableTheory]
    [MemberData(nameof(Models))]
    public void Read_BufferData_AreViewsOverTheFileBytes(string name)
    {
        string path = TfliteModelFiles.PathOf(name);
        byte[] file = File.ReadAllBytes(path);
        var model = TfliteReader.Read(file, name, validate: false);
        foreach (var b in model.Buffers.Where(b => !b.Data.IsEmpty))
        {
            Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(b.Data, out var segment));
            Assert.Same(file, segment.Array);
        }
    }

    /// <summary>Reads a model for format tests, whether or not the validator accepts it.</summary>
    internal static Model ReadAny(string path) => TfliteReader.Read(path, TfliteReader.MemoryMapThreshold, validate: false);

    internal static byte[] Write(Model model, BufferLayout layout)
    {
        using var stream = new MemoryStream();
        TfliteWriter.Write(model, stream, new TfliteWriteOptions { Layout = layout });
        return stream.ToArray();
    }
}
