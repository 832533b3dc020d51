using System.Text;
using ModelOptimization.Formats.SavedModel;

namespace ModelOptimization.Formats.Tests.SavedModel;

public sealed class SavedModelFormatTests
{
    [Fact]
    public void Crc32C_KnownVectors_MatchTheStandard()
    {
        // RFC 3720 B.4 test vectors and the classic check value.
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
        Assert.Equal(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.Equal(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xff, 32).ToArray()));
        Assert.Equal(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
    }

    [Fact]
    public void Crc32C_AllLengthsAndOffsets_EqualTheReference()
    {
        var rng = new Random(7);
        var data = new byte[300];
        rng.NextBytes(data);
        for (int offset = 0; offset < 9; offset++)
        {
            for (int len = 0; len + offset <= data.Length; len += 7)
            {
                var s = data.AsSpan(offset, len);
                Assert.Equal(Crc32C.ComputeReference(s), Crc32C.Compute(s));
                Assert.Equal(Crc32C.Compute(s), Crc32C.Extend(Crc32C.Compute(s[..(len / 2)]), s[(len / 2)..]));
            }
        }
    }

    [Fact]
    public void Mask_Unmask_RoundTrips()
    {
        foreach (uint v in new[] { 0u, 1u, 0xdeadbeefu, uint.MaxValue }) Assert.Equal(v, Crc32C.Unmask(Crc32C.Mask(v)));
    }

    [Fact]
    public void Snappy_CompressThenDecompress_RoundTrips()
    {
        var rng = new Random(3);
        foreach (int n in new[] { 0, 1, 14, 15, 16, 100, 4096, 70000, 200000 })
        {
            var data = new byte[n];
            for (int i = 0; i < n; i++) data[i] = (byte)(rng.Next(4) == 0 ? rng.Next(256) : i % 13);
            var c = Snappy.Compress(data);
            Assert.Equal(data, Snappy.Decompress(c, int.MaxValue, out var error, out _));
            Assert.Null(error);
        }
    }

    [Fact]
    public void TableBuilder_ManyKeys_ReadsBackWithSeparatorsAndRestarts()
    {
        foreach (bool snappy in new[] { false, true })
        {
            var b = new TableBuilder(snappy, blockSize: 512);
            var keys = Enumerable.Range(0, 500).Select(i => $"layer_{i:D4}/kernel/.ATTRIBUTES/VARIABLE_VALUE").ToList();
            b.Add([], "header"u8);
            foreach (var k in keys) b.Add(Encoding.UTF8.GetBytes(k), Encoding.UTF8.GetBytes("value of " + k));
            var file = b.Finish();
            var entries = TableReader.Read(file, "t.index", out bool used);
            Assert.Equal(snappy, used);
            Assert.Equal(501, entries.Count);
            Assert.Equal(keys, entries.Skip(1).Select(e => Encoding.UTF8.GetString(e.Key)));
            Assert.All(entries.Skip(1), e => Assert.Equal("value of " + Encoding.UTF8.GetString(e.Key), Encoding.UTF8.GetString(e.Value.Span)));
        }
    }

    [Fact]
    public void ShortestSeparator_FollowsTensorFlow()
    {
        Assert.Equal("the r"u8.ToArray(), TableBuilder.ShortestSeparator("the quick brown fox"u8.ToArray(), "the who"u8));
        Assert.Equal("abc"u8.ToArray(), TableBuilder.ShortestSeparator("abc"u8.ToArray(), "abcd"u8));
        Assert.Equal("ab"u8.ToArray(), TableBuilder.ShortestSeparator("ab"u8.ToArray(), "ac"u8));
        Assert.Equal("b"u8.ToArray(), TableBuilder.ShortSuccessor("abc"u8.ToArray()));
        Assert.Equal(new byte[] { 0xff, 0xff }, TableBuilder.ShortSuccessor([0xff, 0xff]));
    }
}
