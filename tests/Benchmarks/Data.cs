namespace ModelOptimization.Benchmarks;

internal static class Data
{
    internal static float[] Floats(Random rng, int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();

    internal static sbyte[] SBytes(Random rng, int n) => Enumerable.Range(0, n).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray();
}
