using System.Reflection;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace ModelOptimization.Formats.Datasets;

/// <summary>
/// Finds SkiaSharp's native library where a published binary module keeps it. PowerShell loads the module's
/// assemblies without the deps.json that maps <c>runtimes/&lt;rid&gt;/native/</c>, so the default probing (the
/// assembly's folder and the system paths) misses it; this resolver tries the default first, then
/// <c>runtimes/&lt;os&gt;-&lt;arch&gt;/native/</c> beside SkiaSharp.dll.
/// </summary>
internal static class SkiaNative
{
    private static int _installed;

    public static void EnsureResolver()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1) return;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(SKCodec).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // SkiaSharp (or another host) installed a resolver already; it knows where the library is.
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!libraryName.Contains("SkiaSharp", StringComparison.OrdinalIgnoreCase)) return IntPtr.Zero;
        if (NativeLibrary.TryLoad(libraryName, assembly, searchPath, out var handle)) return handle;

        string? dir = Path.GetDirectoryName(assembly.Location);
        if (string.IsNullOrEmpty(dir)) return IntPtr.Zero;
        string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        string arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        string file = OperatingSystem.IsWindows() ? "libSkiaSharp.dll" : OperatingSystem.IsMacOS() ? "libSkiaSharp.dylib" : "libSkiaSharp.so";
        string[] rids = OperatingSystem.IsLinux() && IsMusl() ? [$"linux-musl-{arch}", $"{os}-{arch}"] : [$"{os}-{arch}"];
        foreach (string rid in rids.Append(os))
        {
            string candidate = Path.Combine(dir, "runtimes", rid, "native", file);
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out handle)) return handle;
        }

        return IntPtr.Zero;
    }

    private static bool IsMusl()
    {
        try
        {
            return File.Exists("/etc/alpine-release") || Directory.EnumerateFiles("/lib", "ld-musl-*").Any();
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
