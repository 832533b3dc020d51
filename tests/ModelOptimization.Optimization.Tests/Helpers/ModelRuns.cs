using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Tflite;
using ModelOptimization.Runtime;

namespace ModelOptimization.Optimization.Tests.Helpers;

/// <summary>What the interop and figure tests ask of a model: its first output in our interpreter, its file size, a top-1 class.</summary>
internal static class ModelRuns
{
    /// <summary>The first output, as floats, of one run of <paramref name="model"/> on <paramref name="input"/> in our interpreter.</summary>
    public static float[] Ours(Model model, Array input)
    {
        using var it = Interpreter.Create(model);
        it.SetInput(0, input);
        it.Invoke();
        return it.GetOutput(0).ToFloats();
    }

    /// <summary>The size in bytes of <paramref name="model"/> written as a .tflite file.</summary>
    public static long Size(Model model)
    {
        using var s = new MemoryStream();
        TfliteWriter.Write(model, s);
        return s.Length;
    }

    /// <summary>The index of the largest value (the first of equal ones).</summary>
    public static int ArgMax(float[] v) => Array.IndexOf(v, v.Max());
}
