using System.Buffers.Binary;
using ModelOptimization.Core.Errors;
using ModelOptimization.Formats.SavedModel;

namespace ModelOptimization.Formats.Tests.SavedModel;

/// <summary>Damaged files give ModelParseFailed naming the file and the byte offset, never another exception.</summary>
public sealed class SavedModelMalformedTests
{
    private const string Index = "variables/variables.index";
    private const string Data = "variables/variables.data-00000-of-00001";

    [SkippableFact]
    public void Read_TruncatedSavedModelPb_ModelParseFailed()
        => AssertParseFailed("half_plus_two_tf1", "saved_model.pb", b => b[..(b.Length / 2)]);

    [SkippableFact]
    public void Read_BadVarintInSavedModelPb_ModelParseFailed()
        => AssertParseFailed("half_plus_two_tf2", "saved_model.pb", b =>
        {
            // field 2 (meta_graphs), then a length varint that never ends
            var bad = new byte[] { 0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
            return [.. bad, .. b];
        });

    [SkippableFact]
    public void Read_TruncatedIndex_ModelParseFailed()
        => AssertParseFailed("keras_mlp_dense", Index, b => b[..30]);

    [SkippableFact]
    public void Read_BadIndexMagic_ModelParseFailed()
        => AssertParseFailed("mnist_conv_tf1", Index, b =>
        {
            b[^1] ^= 0x5a;
            return b;
        }, "magic");

    [SkippableTheory]
    [InlineData("mnist_conv_tf1")]
    [InlineData("half_plus_two_tf1")] // Snappy-compressed blocks
    public void Read_IndexBlockChecksumMismatch_ModelParseFailed(string model)
        => AssertParseFailed(model, Index, b =>
        {
            b[5] ^= 0x01;
            return b;
        }, "checksum");

    [SkippableFact]
    public void Read_IndexBlockHandlePastEnd_ModelParseFailed()
        => AssertParseFailed("mnist_conv_tf1", Index, b =>
        {
            int footer = b.Length - 48;
            var handles = new List<byte>();
            int pos = footer;
            var (metaOffset, metaSize) = (ReadVarint(b, ref pos), ReadVarint(b, ref pos));
            WriteVarint(handles, metaOffset);
            WriteVarint(handles, metaSize);
            WriteVarint(handles, 1_000_000);
            WriteVarint(handles, 64);
            Array.Clear(b, footer, 40);
            handles.CopyTo(b, footer);
            return b;
        }, "past the end");

    [SkippableFact]
    public void Read_BadVarintInsideChecksummedBlock_ModelParseFailed()
        => AssertParseFailed("mnist_conv_tf1", Index, b =>
        {
            // mnist_conv_tf1's index is uncompressed and its first data block starts at 0: break the first entry
            // header, then re-checksum the block so that only the varint is wrong.
            int size = FirstDataBlockSize(b);
            for (int i = 0; i < 6; i++) b[i] = 0xff;
            uint crc = Crc32C.Compute(b.AsSpan(0, size + 1));
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(size + 1), Crc32C.Mask(crc));
            return b;
        }, "varint");

    [SkippableFact]
    public void Read_TruncatedDataShard_ModelParseFailed()
        => AssertParseFailed("keras_mlp_dense", Data, b => b[..(b.Length - 100)], "needs bytes");

    [SkippableFact]
    public void Read_DataShardChecksumMismatch_ModelParseFailed()
        => AssertParseFailed("keras_conv_fake_effdet", Data, b =>
        {
            b[100] ^= 0x80;
            return b;
        }, "checksum");

    [SkippableFact]
    public void Read_MissingFolder_ModelFileNotFound()
    {
        var ex = Assert.Throws<ModelOptimizationException>(() => SavedModelReader.Read(Path.Combine(Path.GetTempPath(), "no-such-savedmodel-" + Guid.NewGuid())));
        Assert.Equal(ErrorIds.ModelFileNotFound, ex.ErrorId);
    }

    private static void AssertParseFailed(string model, string file, Func<byte[], byte[]> mutate, string? mentions = null)
    {
        var source = SavedModelTestData.Require(model);
        using var temp = SavedModelTestData.Temp();
        var dir = temp.Sub(model);
        SavedModelTestData.CopyFolder(source, dir);
        var path = Path.Combine(dir, file);
        File.WriteAllBytes(path, mutate(File.ReadAllBytes(path)));

        var ex = Assert.Throws<ModelOptimizationException>(() => SavedModelReader.Read(dir));
        Assert.Equal(ErrorIds.ModelParseFailed, ex.ErrorId);
        Assert.Contains(Path.GetFileName(file), ex.Message);
        Assert.Contains("byte offset", ex.Message);
        if (mentions is not null) Assert.Contains(mentions, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    private static int FirstDataBlockSize(byte[] b)
    {
        int pos = b.Length - 48;
        ReadVarint(b, ref pos);
        ReadVarint(b, ref pos);
        int indexOffset = (int)ReadVarint(b, ref pos);
        pos = indexOffset;
        ReadVarint(b, ref pos); // shared
        int keyLength = (int)ReadVarint(b, ref pos);
        ReadVarint(b, ref pos); // value length
        pos += keyLength;
        long offset = ReadVarint(b, ref pos);
        Assert.Equal(0, offset);
        return (int)ReadVarint(b, ref pos);
    }

    private static long ReadVarint(byte[] b, ref int pos)
    {
        long v = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte c = b[pos++];
            v |= (long)(c & 0x7f) << shift;
            if (c < 0x80) return v;
        }
    }

    private static void WriteVarint(List<byte> dst, long v)
    {
        while (v >= 0x80)
        {
            dst.Add((byte)(v | 0x80));
            v >>= 7;
        }

        dst.Add((byte)v);
    }
}
