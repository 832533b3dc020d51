using ModelOptimization.Tests.Shared;

namespace ModelOptimization.Formats.Tests.Tflite;

/// <summary>The real .tflite models of the shared models folder, enumerated (never a hard-coded list).</summary>
public static class TfliteModelFiles
{
    /// <summary>The placeholder row a theory gets when the folder is missing: the test skips with a reason.</summary>
    public const string None = "(no models)";

    /// <summary>The tflite folder of the shared models, or a description of why it is unknown.</summary>
    public static string Folder
    {
        get
        {
            try
            {
                return Path.Combine(TestModels.SharedModelsDir, "tflite");
            }
            catch (InvalidOperationException e)
            {
                return $"(unknown: {e.Message})";
            }
        }
    }

    /// <summary>Full paths of every .tflite file, sorted by name; empty when the folder is missing.</summary>
    public static IReadOnlyList<string> All()
    {
        try
        {
            string folder = Folder;
            return Directory.Exists(folder)
                ? Directory.GetFiles(folder, "*.tflite").OrderBy(p => p, StringComparer.Ordinal).ToArray()
                : [];
        }
        catch (IOException)
        {
            return [];
        }
    }

    /// <summary>MemberData: one row per model file name (or one <see cref="None"/> row).</summary>
    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        var all = All();
        if (all.Count == 0) data.Add(None);
        foreach (var p in all) data.Add(Path.GetFileName(p));
        return data;
    }

    /// <summary>The full path of a model named by <see cref="Names"/>; skips the test when it is missing.</summary>
    public static string PathOf(string name)
    {
        Skip.If(name == None, $"No .tflite models found in {Folder} (set MODELOPT_SHARED_MODELS).");
        string? path = TestModels.Find("tflite/" + name);
        Skip.If(path is null, $"Model tflite/{name} is missing under {Folder}.");
        return path!;
    }
}
