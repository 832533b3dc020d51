namespace ModelOptimization.Kernels.Tests;

/// <summary>Seeded random data, placed at an offset inside a larger array so kernels see unaligned spans.</summary>
internal static class TestData
{
    internal static readonly int[] Offsets = [0, 1, 3];

    internal static float[] Floats(Random rng, int length, int offset = 0, float scale = 1f)
    {
        var a = new float[length + offset];
        for (int i = 0; i < a.Length; i++) a[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return a;
    }

    internal static sbyte[] SBytes(Random rng, int length, int offset = 0, int min = -128, int max = 127)
    {
        var a = new sbyte[length + offset];
        for (int i = 0; i < a.Length; i++) a[i] = (sbyte)rng.Next(min, max + 1);
        return a;
    }

    internal static byte[] Bytes(Random rng, int length, int offset = 0)
    {
        var a = new byte[length + offset];
        rng.NextBytes(a);
        return a;
    }

    internal static short[] Shorts(Random rng, int length, int offset = 0, int min = short.MinValue, int max = short.MaxValue)
    {
        var a = new short[length + offset];
        for (int i = 0; i < a.Length; i++) a[i] = (short)rng.Next(min, max + 1);
        return a;
    }

    internal static int[] Ints(Random rng, int length, int min, int max)
    {
        var a = new int[length];
        for (int i = 0; i < a.Length; i++) a[i] = rng.Next(min, max);
        return a;
    }

    /// <summary>Multipliers in [2^30, 2^31) with shifts in [lo, hi], as QuantizeMultiplier produces for typical scales.</summary>
    internal static (int[] Multipliers, int[] Shifts) Requantization(Random rng, int channels, int shiftMin, int shiftMax)
    {
        var m = new int[channels];
        var s = new int[channels];
        for (int i = 0; i < channels; i++)
        {
            m[i] = rng.Next(1 << 30, int.MaxValue);
            s[i] = rng.Next(shiftMin, shiftMax + 1);
        }

        return (m, s);
    }

    internal static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float relative, float absolute, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            if (float.IsNaN(e) && float.IsNaN(a)) continue;
            if (e == a) continue;
            float tolerance = absolute + relative * Math.Abs(e);
            Assert.True(Math.Abs(e - a) <= tolerance, $"{context}: index {i}: expected {e:R}, got {a:R}");
        }
    }

    internal static void AssertEqual<T>(ReadOnlySpan<T> expected, ReadOnlySpan<T> actual, string context) where T : IEquatable<T>
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            if (!expected[i].Equals(actual[i])) Assert.Fail($"{context}: index {i}: expected {expected[i]}, got {actual[i]}");
    }
}

/// <summary>Tests that lower <see cref="Isa.MaxVectorBits"/> run alone, one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SimdPathCollection
{
    public const string Name = "SIMD paths";
}

/// <summary>Runs a body once per vector path (512, 256, 128, scalar) the hardware can take, restoring the limit after.</summary>
internal static class SimdPaths
{
    internal static readonly int[] All = [512, 256, 128, 0];

    internal static void ForEach(Action<int> body)
    {
        int saved = Isa.MaxVectorBits;
        try
        {
            foreach (int bits in All)
            {
                Isa.MaxVectorBits = bits;
                body(bits);
            }
        }
        finally
        {
            Isa.MaxVectorBits = saved;
        }
    }
}
