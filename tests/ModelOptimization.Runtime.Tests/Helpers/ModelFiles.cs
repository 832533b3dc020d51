using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Tflite;
using ModelOptimization.Tests.Shared;

namespace ModelOptimization.Runtime.Tests.Helpers;

/// <summary>The shared TFLite models, read once per test run.</summary>
public static class ModelFiles
{
    private static readonly Dictionary<string, Model> Cache = [];

    /// <summary>Names (file names) of every .tflite under shared/models/tflite; empty when the folder is missing.</summary>
    public static IEnumerable<object[]> All()
    {
        var dir = TestModels.Find("tflite");
        if (dir is null) return [["(no shared models folder)"]];
        return Directory.GetFiles(dir, "*.tflite").Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).Select(n => new object[] { n! });
    }

    /// <summary>The model, or a skip when the file is not there.</summary>
    public static Model Load(string fileName)
    {
        var path = TestModels.Find("tflite/" + fileName);
        Skip.If(path is null, $"Model tflite/{fileName} is not in the shared models folder ({SafeDir()}).");
        lock (Cache)
        {
            if (!Cache.TryGetValue(fileName, out var model))
            {
                model = fileName == "person_detect_int8.tflite" ? LoadUnvalidated(fileName) : TfliteReader.Read(path!);
                Cache[fileName] = model;
            }

            return model;
        }
    }

    /// <summary>
    /// Reads a model without the reader's validation, for files real runtimes run although they break a schema
    /// rule (person_detect_int8: its 1-D int32 biases declare quantized_dimension 3, which TFLite Micro ignores).
    /// TfliteReader only exposes this overload internally, hence the reflection.
    /// </summary>
    public static Model LoadUnvalidated(string fileName)
    {
        var path = TestModels.Find("tflite/" + fileName);
        Skip.If(path is null, $"Model tflite/{fileName} is not in the shared models folder ({SafeDir()}).");
        var read = typeof(TfliteReader).GetMethod("Read", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static,
            [typeof(string), typeof(long), typeof(bool)]);
        Skip.If(read is null, "TfliteReader has no internal Read(path, threshold, validate) overload to read an unvalidated model.");
        return (Model)read!.Invoke(null, [path!, TfliteReader.MemoryMapThreshold, false])!;
    }

    public static string PathOf(string fileName) => TestModels.Find("tflite/" + fileName)!;

    /// <summary>A data file under shared/models, or a skip.</summary>
    public static string Data(string relativePath)
    {
        var path = TestModels.Find(relativePath);
        Skip.If(path is null, $"{relativePath} is not in the shared models folder ({SafeDir()}).");
        return path!;
    }

    private static string SafeDir()
    {
        try
        {
            return TestModels.SharedModelsDir;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
    }
}
