// Locates the repository and the shared test models. BCL only: this file is compiled into every test project.
namespace ModelOptimization.Tests.Shared;

public static class TestModels
{
    private static readonly Lazy<string?> repoRoot = new(FindRepoRoot);

    /// <summary>
    /// The repository root: the environment variable MODELOPT_REPO_ROOT when set; else the nearest folder above
    /// <see cref="AppContext.BaseDirectory"/> that holds ModelOpt.sln (or ModelOpt.slnx); failing that, the nearest
    /// one holding tests/Interop/package.json.
    /// </summary>
    public static string RepoRoot => repoRoot.Value ?? throw new InvalidOperationException(
        $"The repository root (the folder holding ModelOpt.sln) was not found above {AppContext.BaseDirectory}.");

    /// <summary>The repository root, or null when it cannot be found.</summary>
    public static string? TryGetRepoRoot() => repoRoot.Value;

    /// <summary>
    /// The shared models folder: the environment variable MODELOPT_SHARED_MODELS when set, else
    /// &lt;repo root&gt;/../shared/models, as a full path (it need not exist).
    /// </summary>
    public static string SharedModelsDir
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("MODELOPT_SHARED_MODELS");
            if (!string.IsNullOrWhiteSpace(fromEnv)) return Path.GetFullPath(fromEnv);
            return Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "models"));
        }
    }

    /// <summary>
    /// Full path of <paramref name="relativePath"/> (e.g. "tflite/hello_world_float.tflite") under
    /// <see cref="SharedModelsDir"/>, or null when that file or folder is missing (or the repo root is unknown).
    /// </summary>
    public static string? Find(string relativePath)
    {
        ArgumentNullException.ThrowIfNull(relativePath);
        string dir;
        try
        {
            dir = SharedModelsDir;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        var full = Path.GetFullPath(Path.Combine(dir, relativePath.Replace('\\', '/').TrimStart('/')));
        return File.Exists(full) || Directory.Exists(full) ? full : null;
    }

    private static string? FindRepoRoot()
    {
        var fromEnv = Environment.GetEnvironmentVariable("MODELOPT_REPO_ROOT");
        if (!string.IsNullOrWhiteSpace(fromEnv)) return Path.GetFullPath(fromEnv);
        string? fallback = null;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ModelOpt.sln")) ||
                File.Exists(Path.Combine(dir.FullName, "ModelOpt.slnx")))
                return dir.FullName;
            if (fallback is null && File.Exists(Path.Combine(dir.FullName, "tests", "Interop", "package.json")))
                fallback = dir.FullName;
        }
        return fallback;
    }
}
