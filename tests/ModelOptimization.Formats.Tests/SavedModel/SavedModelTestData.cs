using System.Buffers.Binary;
using System.Text;
using ModelOptimization.Tests.Shared;

namespace ModelOptimization.Formats.Tests.SavedModel;

/// <summary>The shared SavedModels, temporary folders and a tiny .npy reader for the SavedModel tests.</summary>
internal static class SavedModelTestData
{
    public const string Missing = "(no shared SavedModels)";

    /// <summary>Every folder under shared/models/savedmodel, or one <see cref="Missing"/> row so the theory skips.</summary>
    public static IEnumerable<object[]> All()
    {
        var root = TestModels.Find("savedmodel");
        var names = root is null ? [] : Directory.GetDirectories(root).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        if (names.Count == 0)
        {
            yield return [Missing];
            yield break;
        }

        foreach (var n in names) yield return [n!];
    }

    /// <summary>The folder of a shared SavedModel; skips the test (with the reason) when it is missing.</summary>
    public static string Require(string name)
    {
        Skip.If(name == Missing, "The shared SavedModels (shared/models/savedmodel) are not available.");
        var path = TestModels.Find("savedmodel/" + name);
        Skip.If(path is null, $"The shared SavedModel 'savedmodel/{name}' is not available.");
        return path!;
    }

    /// <summary>A fresh temporary folder, deleted when disposed.</summary>
    public static TempFolder Temp() => new();

    /// <summary>Copies a folder recursively.</summary>
    public static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var dst = Path.Combine(to, Path.GetRelativePath(from, f));
            Directory.CreateDirectory(Path.GetDirectoryName(dst)!);
            File.Copy(f, dst);
        }
    }

    /// <summary>Reads a little-endian float32 .npy file (format 1.0/2.0, C order): shape and values.</summary>
    public static (int[] Shape, float[] Values) ReadNpyFloat32(string path)
    {
        var b = File.ReadAllBytes(path);
        Assert.True(b.Length > 10 && b[0] == 0x93 && Encoding.ASCII.GetString(b, 1, 5) == "NUMPY", $"{path} is not a .npy file");
        int major = b[6];
        int headerLen = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(8)) : (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(8));
        int start = major == 1 ? 10 : 12;
        var header = Encoding.ASCII.GetString(b, start, headerLen);
        Assert.Contains("'descr': '<f4'", header);
        Assert.Contains("'fortran_order': False", header);
        int s = header.IndexOf("'shape': (", StringComparison.Ordinal) + 10;
        int e = header.IndexOf(')', s);
        var shape = header[s..e].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
        int data = start + headerLen;
        var values = new float[(b.Length - data) / 4];
        for (int i = 0; i < values.Length; i++) values[i] = BinaryPrimitives.ReadSingleLittleEndian(b.AsSpan(data + (4 * i)));
        return (shape, values);
    }

    public static float[] Floats(ReadOnlyMemory<byte> data)
    {
        var span = data.Span;
        var f = new float[span.Length / 4];
        for (int i = 0; i < f.Length; i++) f[i] = BinaryPrimitives.ReadSingleLittleEndian(span[(4 * i)..]);
        return f;
    }

    public sealed class TempFolder : IDisposable
    {
        public TempFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "modelopt-sm-" + Guid.NewGuid().ToString("N")[..12]);
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string Sub(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
