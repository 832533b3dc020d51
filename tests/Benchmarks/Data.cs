namespace ModelOptimization.Benchmarks;

internal static class Data
{
    internal static float[] Floats(Random rng, int n) => Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();

    internal static sbyte[] SBytes(Random rng, int n) => Enumerable.Range(0, n).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray();

    /// <summary>The shared models folder: MODELOPT_SHARED_MODELS, or ../shared/models beside the clone; null when neither is known.</summary>
    internal static string? SharedModels()
    {
        string? env = Environment.GetEnvironmentVariable("MODELOPT_SHARED_MODELS");
        if (!string.IsNullOrWhiteSpace(env)) return Path.GetFullPath(env);
        string? root = RepoRoot();
        return root is null ? null : Path.GetFullPath(Path.Combine(root, "..", "shared", "models"));
    }

    /// <summary>The shared model tflite/<paramref name="name"/>.tflite, or null (with a note on the console) when it is not there.</summary>
    internal static string? SharedTflite(string name)
    {
        string path = Path.Combine(SharedModels() ?? "", "tflite", name + ".tflite");
        if (File.Exists(path)) return path;
        Console.WriteLine($"// {name}.tflite: not found under the shared models folder; the benchmark does nothing");
        return null;
    }

    /// <summary>The folder holding ModelOpt.sln above the benchmark's binaries (or the current folder), or null.</summary>
    internal static string? RepoRoot()
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "ModelOpt.sln"))) return d.FullName;
            }
        }

        return null;
    }
}
