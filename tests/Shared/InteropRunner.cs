// Runs a .tflite model in an independent TFLite runtime (LiteRT.js or tfjs-tflite, under Node) through
// tests/Interop/run.mjs, so tests can check that what we export is loaded and computed the same by code we did not
// write. BCL only: this file is compiled into every test project. Typical use (Xunit.SkippableFact):
//
//   Skip.If(InteropRunner.UnavailableReason is not null, InteropRunner.UnavailableReason);
//   var r = InteropRunner.Run("litert", path, [InteropTensor.FromFloats([1, 1], [0.5f])], stripShapeSignature: true);
//   Assert.True(r.Ok, r.ToString());
//   float[] y = r.Outputs[0].ToFloats();
//
// Inputs are given, and outputs come back, in the order of the model's subgraph `inputs`/`outputs` lists.
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ModelOptimization.Tests.Shared;

/// <summary>A tensor as raw little-endian bytes. DType is one of float32, int32, uint8, int8, int16 (outputs may
/// also be int64, float64, uint16, uint32 or bool).</summary>
public sealed record InteropTensor(string DType, int[] Shape, byte[] Data)
{
    public static int ElementSize(string dtype) => dtype switch
    {
        "float32" or "int32" or "uint32" => 4,
        "int16" or "uint16" => 2,
        "int8" or "uint8" or "bool" => 1,
        "int64" or "float64" => 8,
        _ => throw new ArgumentException($"Unknown dtype '{dtype}'.", nameof(dtype)),
    };

    public int ElementCount => Data.Length / ElementSize(DType);

    public static InteropTensor FromFloats(int[] shape, float[] data) => Make("float32", shape, data);
    public static InteropTensor FromInt32s(int[] shape, int[] data) => Make("int32", shape, data);
    public static InteropTensor FromSBytes(int[] shape, sbyte[] data) => Make("int8", shape, data);
    public static InteropTensor FromInt16s(int[] shape, short[] data) => Make("int16", shape, data);

    /// <summary>A tensor from raw little-endian bytes (e.g. "uint8" image data, or int8 bytes as stored).</summary>
    public static InteropTensor FromBytes(string dtype, int[] shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        var expected = checked(Elements(shape) * ElementSize(dtype));
        if (data.Length != expected)
            throw new ArgumentException(
                $"{dtype}[{string.Join(",", shape)}] needs {expected} bytes, got {data.Length}.", nameof(data));
        return new InteropTensor(dtype, (int[])shape.Clone(), (byte[])data.Clone());
    }

    public float[] ToFloats() => As<float>("float32");
    public int[] ToInt32s() => As<int>("int32");
    public sbyte[] ToSBytes() => As<sbyte>("int8");
    public short[] ToInt16s() => As<short>("int16");
    public byte[] ToBytes() => As<byte>("uint8");

    public override string ToString() => $"{DType}[{string.Join(",", Shape)}]";

    private static long Elements(int[] shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            if (d < 0) throw new ArgumentException("Shape entries must be non-negative.", nameof(shape));
            n *= d;
        }
        return n;
    }

    private static InteropTensor Make<T>(string dtype, int[] shape, T[] data) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(data);
        EnsureLittleEndian();
        if (data.Length != Elements(shape))
            throw new ArgumentException(
                $"{dtype}[{string.Join(",", shape)}] needs {Elements(shape)} elements, got {data.Length}.", nameof(data));
        return new InteropTensor(dtype, (int[])shape.Clone(), MemoryMarshal.AsBytes(data.AsSpan()).ToArray());
    }

    private T[] As<T>(string dtype) where T : unmanaged
    {
        if (DType != dtype)
            throw new InvalidOperationException($"Tensor is {DType}, not {dtype}.");
        EnsureLittleEndian();
        return MemoryMarshal.Cast<byte, T>(Data).ToArray();
    }

    private static void EnsureLittleEndian()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("InteropTensor assumes a little-endian host.");
    }
}

/// <summary>What a runtime made of the model. When Ok is false, Error says why (and Hint may say what to do).</summary>
public sealed record InteropResult
{
    public bool Ok { get; init; }
    public string? Error { get; init; }
    public IReadOnlyList<InteropTensor> Outputs { get; init; } = Array.Empty<InteropTensor>();
    /// <summary>Median time of one invocation over the extra runs (only when runs &gt; 0).</summary>
    public double? MedianMs { get; init; }
    /// <summary>Time of the first invocation (includes warm-up).</summary>
    public double? RunMs { get; init; }
    public string? Hint { get; init; }
    public string Runtime { get; init; } = "";
    public int ExitCode { get; init; }
    /// <summary>The last part of what node wrote to stderr (for diagnostics).</summary>
    public string Stderr { get; init; } = "";

    public override string ToString() => Ok
        ? $"{Runtime}: ok, outputs {string.Join(", ", Outputs)}"
        : $"{Runtime}: failed: {Error}{(Hint is null ? "" : $" (hint: {Hint})")}";
}

/// <summary>Options beyond the common ones of <see cref="InteropRunner.Run(string,string,IReadOnlyList{InteropTensor},bool,int)"/>.</summary>
public sealed record InteropOptions
{
    /// <summary>Run on an in-memory copy whose shape_signature equals shape (LiteRT.js rejects -1 entries).</summary>
    public bool StripShapeSignature { get; init; }
    /// <summary>Extra invocations after the first, timed for <see cref="InteropResult.MedianMs"/>.</summary>
    public int Runs { get; init; }
    /// <summary>LiteRT.js: the SignatureDef to run (default: the one on subgraph 0).</summary>
    public string? Signature { get; init; }
    /// <summary>LiteRT.js JS layer: "auto" (default), "plain" or "int8".</summary>
    public string? LiteRtBuild { get; init; }
    public TimeSpan Timeout { get; init; } = InteropRunner.DefaultTimeout;
}

public static class InteropRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);
    private const int MinNodeMajor = 20;
    private static readonly Lazy<string?> unavailableReason = new(ComputeUnavailableReason);
    private static string? nodePath;

    /// <summary>Null when node (>= 20) is on PATH and tests/Interop/node_modules is installed as pinned;
    /// otherwise a sentence saying what is missing (use it as the skip reason).</summary>
    public static string? UnavailableReason => unavailableReason.Value;

    /// <summary>tests/Interop in this repository.</summary>
    public static string InteropDir => Path.Combine(TestModels.RepoRoot, "tests", "Interop");

    /// <summary>Runs <paramref name="modelPath"/> in "litert" (LiteRT.js) or "tfjs" (tfjs-tflite) on
    /// <paramref name="inputs"/> (in the order of the model's inputs). Throws when the harness is unavailable.</summary>
    public static InteropResult Run(string runtime, string modelPath, IReadOnlyList<InteropTensor> inputs,
        bool stripShapeSignature = false, int runs = 0)
        => Run(runtime, modelPath, inputs, new InteropOptions { StripShapeSignature = stripShapeSignature, Runs = runs });

    public static InteropResult Run(string runtime, string modelPath, IReadOnlyList<InteropTensor> inputs,
        InteropOptions options)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(options);
        if (runtime is not ("litert" or "tfjs"))
            throw new ArgumentException($"runtime must be \"litert\" or \"tfjs\", not \"{runtime}\".", nameof(runtime));
        if (options.Runs < 0) throw new ArgumentOutOfRangeException(nameof(options), "Runs must be >= 0.");
        if (!File.Exists(modelPath)) throw new FileNotFoundException("Model file not found.", modelPath);
        if (UnavailableReason is { } why)
            throw new InvalidOperationException($"The interop harness is unavailable: {why}");

        var tempDir = Path.Combine(Path.GetTempPath(), "modelopt-interop-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(tempDir);
        try
        {
            var inputsPath = Path.Combine(tempDir, "inputs.json");
            WriteInputs(inputsPath, inputs);

            var psi = new ProcessStartInfo(nodePath!)
            {
                WorkingDirectory = InteropDir,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                CreateNoWindow = true,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
            };
            psi.ArgumentList.Add(Path.Combine(InteropDir, "run.mjs"));
            psi.ArgumentList.Add("--runtime");
            psi.ArgumentList.Add(runtime);
            psi.ArgumentList.Add(Path.GetFullPath(modelPath));
            psi.ArgumentList.Add(inputsPath);
            if (options.StripShapeSignature) psi.ArgumentList.Add("--strip-shape-signature");
            if (options.Runs > 0)
            {
                psi.ArgumentList.Add("--runs");
                psi.ArgumentList.Add(options.Runs.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            if (options.Signature is not null)
            {
                psi.ArgumentList.Add("--signature");
                psi.ArgumentList.Add(options.Signature);
            }
            if (options.LiteRtBuild is not null)
            {
                psi.ArgumentList.Add("--litert-build");
                psi.ArgumentList.Add(options.LiteRtBuild);
            }

            using var process = Process.Start(psi)
                ?? throw new InvalidOperationException("Could not start node.");
            process.StandardInput.Close();
            var stdoutTask = process.StandardOutput.ReadToEndAsync();
            var stderrTask = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(options.Timeout))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                process.WaitForExit(10_000);
                return new InteropResult
                {
                    Ok = false, Runtime = runtime, ExitCode = -1,
                    Error = $"node run.mjs did not finish within {options.Timeout.TotalSeconds:0.###} s and was killed.",
                    Stderr = Tail(TryResult(stderrTask)),
                };
            }
            process.WaitForExit();              // also waits for the redirected streams to reach their end
            var stdout = stdoutTask.GetAwaiter().GetResult();
            var stderr = Tail(stderrTask.GetAwaiter().GetResult());
            return Parse(runtime, process.ExitCode, stdout, stderr);
        }
        finally
        {
            try { Directory.Delete(tempDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static void WriteInputs(string path, IReadOnlyList<InteropTensor> inputs)
    {
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream);
        w.WriteStartArray();
        foreach (var t in inputs)
        {
            ArgumentNullException.ThrowIfNull(t);
            w.WriteStartObject();
            w.WriteString("dtype", t.DType);
            w.WriteStartArray("shape");
            foreach (var d in t.Shape) w.WriteNumberValue(d);
            w.WriteEndArray();
            w.WriteBase64String("b64", t.Data);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static InteropResult Parse(string runtime, int exitCode, string stdout, string stderr)
    {
        // The result is the last line of stdout that is a JSON object.
        string? line = null;
        foreach (var l in stdout.Split('\n'))
        {
            var s = l.Trim();
            if (s.StartsWith('{')) line = s;
        }
        if (line is null)
            return new InteropResult
            {
                Ok = false, Runtime = runtime, ExitCode = exitCode, Stderr = stderr,
                Error = $"run.mjs printed no result (exit code {exitCode}). stderr: {stderr}",
            };
        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            var ok = root.TryGetProperty("ok", out var okEl) && okEl.ValueKind == JsonValueKind.True;
            var outputs = new List<InteropTensor>();
            if (root.TryGetProperty("outputs", out var outs) && outs.ValueKind == JsonValueKind.Array)
            {
                foreach (var o in outs.EnumerateArray())
                {
                    var dtype = o.GetProperty("dtype").GetString()!;
                    var data = o.GetProperty("b64").GetBytesFromBase64();
                    int[] shape = o.TryGetProperty("shape", out var sh) && sh.ValueKind == JsonValueKind.Array
                        ? sh.EnumerateArray().Select(e => e.GetInt32()).ToArray()
                        : [data.Length / InteropTensor.ElementSize(dtype)];
                    outputs.Add(new InteropTensor(dtype, shape, data));
                }
            }
            string? Str(string name) => root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            double? Num(string name) => root.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number ? e.GetDouble() : null;
            var error = Str("error");
            if (ok && exitCode != 0) error = $"run.mjs reported ok but exited with code {exitCode}.";
            return new InteropResult
            {
                Ok = ok && exitCode == 0,
                Error = error,
                Hint = Str("hint"),
                Outputs = outputs,
                MedianMs = Num("median_ms"),
                RunMs = Num("run_ms"),
                Runtime = runtime,
                ExitCode = exitCode,
                Stderr = stderr,
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or FormatException or InvalidOperationException or ArgumentException)
        {
            return new InteropResult
            {
                Ok = false, Runtime = runtime, ExitCode = exitCode, Stderr = stderr,
                Error = $"Could not read run.mjs's result ({e.Message}): {Truncate(line, 500)}",
            };
        }
    }

    private static string? ComputeUnavailableReason()
    {
        var skip = Environment.GetEnvironmentVariable("MODELOPT_SKIP_INTEROP");
        if (!string.IsNullOrEmpty(skip) && skip != "0")
            return "MODELOPT_SKIP_INTEROP is set, so the independent TFLite runtimes are not used.";

        var root = TestModels.TryGetRepoRoot();
        if (root is null)
            return $"The repository root (the folder holding ModelOpt.sln) was not found above {AppContext.BaseDirectory}.";
        var interopDir = Path.Combine(root, "tests", "Interop");

        var node = FindOnPath("node");
        if (node is null)
            return $"node (Node.js {MinNodeMajor} or later) is not on PATH; install it and run `npm ci` in {interopDir}.";
        var version = NodeVersion(node, out var versionError);
        if (version is null)
            return $"`{node} --version` failed: {versionError}";
        if (version.Major < MinNodeMajor)
            return $"node {version} is too old: the interop harness needs Node.js {MinNodeMajor} or later.";

        if (!File.Exists(Path.Combine(interopDir, "run.mjs")))
            return $"{Path.Combine(interopDir, "run.mjs")} is missing.";
        var modules = Path.Combine(interopDir, "node_modules");
        if (!Directory.Exists(modules))
            return $"{modules} is not installed: run `npm ci` in {interopDir}.";
        var stale = CheckPinnedPackages(interopDir);
        if (stale is not null)
            return $"{modules} does not match package.json ({stale}): run `npm ci` in {interopDir}.";

        nodePath = node;
        return null;
    }

    // Every dependency pinned in package.json must be installed at exactly that version.
    private static string? CheckPinnedPackages(string interopDir)
    {
        try
        {
            using var pkg = JsonDocument.Parse(File.ReadAllText(Path.Combine(interopDir, "package.json")));
            if (!pkg.RootElement.TryGetProperty("dependencies", out var deps)) return null;
            foreach (var dep in deps.EnumerateObject())
            {
                var installedJson = Path.Combine(new[] { interopDir, "node_modules" }.Concat(dep.Name.Split('/')).Append("package.json").ToArray());
                if (!File.Exists(installedJson)) return $"{dep.Name} is missing";
                using var installed = JsonDocument.Parse(File.ReadAllText(installedJson));
                var have = installed.RootElement.TryGetProperty("version", out var v) ? v.GetString() : null;
                var want = dep.Value.GetString();
                if (have != want) return $"{dep.Name} is {have ?? "of unknown version"}, package.json pins {want}";
            }
            return null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException or InvalidOperationException)
        {
            return $"could not read the installed packages: {e.Message}";
        }
    }

    private static Version? NodeVersion(string node, out string? error)
    {
        error = null;
        try
        {
            var psi = new ProcessStartInfo(node, "--version")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
                UseShellExecute = false, CreateNoWindow = true,
            };
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            var outTask = p.StandardOutput.ReadToEndAsync();
            var errTask = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromSeconds(30)))
            {
                try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                error = "it did not answer within 30 s";
                return null;
            }
            p.WaitForExit();
            var text = outTask.GetAwaiter().GetResult().Trim();
            if (p.ExitCode == 0 && Version.TryParse(text.TrimStart('v'), out var v)) return v;
            error = $"exit code {p.ExitCode}, output '{text}' {errTask.GetAwaiter().GetResult().Trim()}";
            return null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            error = e.Message;
            return null;
        }
    }

    private static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path)) return null;
        var names = OperatingSystem.IsWindows()
            ? (Environment.GetEnvironmentVariable("PATHEXT") ?? ".EXE;.CMD;.BAT").Split(';', StringSplitOptions.RemoveEmptyEntries)
                .Select(ext => name + ext.ToLowerInvariant()).Prepend(name + ".exe").Distinct().ToArray()
            : [name];
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var n in names)
            {
                string candidate;
                try { candidate = Path.Combine(dir.Trim().Trim('"'), n); }
                catch (ArgumentException) { continue; }
                if (File.Exists(candidate)) return candidate;
            }
        }
        return null;
    }

    private static string TryResult(Task<string> task)
    {
        try { return task.Wait(TimeSpan.FromSeconds(5)) ? task.Result : ""; }
        catch (AggregateException) { return ""; }
    }

    private static string Tail(string s, int max = 4000) => s.Length <= max ? s : "…" + s[^max..];
    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";
}
