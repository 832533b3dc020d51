using System.Reflection;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace ModelOptimization.Formats.Datasets;

/// <summary>
/// Finds SkiaSharp's native library where a published binary module keeps it. PowerShell loads the module's
/// assemblies without the deps.json that maps <c>runtimes/&lt;rid&gt;/native/</c>, so the default probing (the
/// assembly's folder and the system paths) misses it; this resolver tries the default first, then
/// <c>runtimes/&lt;os&gt;-&lt;arch&gt;/native/</c> beside the managed assembly. The same holds for HarfBuzzSharp
/// (text shaping for plots), whose assembly the plotting code registers with <see cref="EnsureResolver(Assembly)"/>.
/// </summary>
public static class SkiaNative
{
    private static readonly HashSet<Assembly> Installed = [];

    /// <summary>Installs the resolver for SkiaSharp's native library.</summary>
    public static void EnsureResolver() => EnsureResolver(typeof(SKCodec).Assembly);

    /// <summary>Installs the resolver for the native library of <paramref name="assembly"/> (SkiaSharp, HarfBuzzSharp).</summary>
    public static void EnsureResolver(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        lock (Installed)
        {
            if (!Installed.Add(assembly)) return;
        }

        try
        {
            NativeLibrary.SetDllImportResolver(assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // The library (or another host) installed a resolver already; it knows where the library is.
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (NativeLibrary.TryLoad(libraryName, assembly, searchPath, out var handle)) return handle;

        string? dir = Path.GetDirectoryName(assembly.Location);
        if (string.IsNullOrEmpty(dir)) return IntPtr.Zero;
        string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        string arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        string name = Path.GetFileNameWithoutExtension(libraryName);
        string file = name + (OperatingSystem.IsWindows() ? ".dll" : OperatingSystem.IsMacOS() ? ".dylib" : ".so");
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
