using System.Buffers.Binary;
using System.Diagnostics;
using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Formats.Tflite;
using Xunit.Abstractions;

namespace ModelOptimization.Formats.Tests.Tflite;

/// <summary>
/// A seeded mutation fuzzer over the real models (and two synthetic ones): bit flips, byte sets, truncations,
/// splices, insertions/deletions and int32 overwrites at offset-like words of the file. Every case must either
/// read and validate (and then write and read back equal) or raise ModelParseFailed / ModelValidationFailed,
/// within a per-case time bound. 2,000 cases; 100,000 with MODELOPT_LONG_FUZZ=1. Case i uses Random(Seed + i), so
/// any case can be replayed alone with <see cref="Mutate"/>.
/// </summary>
public class TfliteFuzzTests(ITestOutputHelper output)
{
    public const int Seed = 0x7F11E;
    private static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(10);

    private enum Outcome
    {
        Valid,
        ParseFailed,
        ValidationFailed,
    }

    [Fact]
    public async Task Fuzz_MutatedModels_ReadOrFailWithAModelErrorOnly()
    {
        int cases = Environment.GetEnvironmentVariable("MODELOPT_LONG_FUZZ") == "1" ? 100_000 : 2_000;
        var corpus = Corpus();
        var counts = new Dictionary<Outcome, int>();
        var byKind = new Dictionary<string, int[]>();
        var failures = new List<string>();
        var slowest = TimeSpan.Zero;
        string slowestCase = "";
        var total = Stopwatch.StartNew();

        for (int i = 0; i < cases && failures.Count < 20; i++)
        {
            var (bytes, what) = Mutate(corpus, i);
            var watch = Stopwatch.StartNew();
            (Outcome Outcome, string? Failure) result;
            try
            {
                result = await Task.Run(() => Classify(bytes, what)).WaitAsync(CaseLimit);
            }
            catch (TimeoutException)
            {
                failures.Add($"case {i} ({what}): no result within {CaseLimit.TotalSeconds} s (hang)");
                break;
            }

            if (watch.Elapsed > slowest)
            {
                slowest = watch.Elapsed;
                slowestCase = $"case {i} ({what})";
            }

            var (outcome, failure) = result;
            if (failure is not null)
            {
                failures.Add($"case {i} ({what}): {failure}");
                continue;
            }

            counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
            string kind = what.Split(' ', 3)[1];
            if (!byKind.TryGetValue(kind, out var row)) byKind[kind] = row = new int[3];
            row[(int)outcome]++;
        }

        output.WriteLine($"TFLite fuzz: {cases:N0} cases over {corpus.Count} seed files in {total.Elapsed.TotalSeconds:F1} s "
            + $"(seed 0x{Seed:X}): valid {counts.GetValueOrDefault(Outcome.Valid):N0}, "
            + $"ModelParseFailed {counts.GetValueOrDefault(Outcome.ParseFailed):N0}, "
            + $"ModelValidationFailed {counts.GetValueOrDefault(Outcome.ValidationFailed):N0}, other {failures.Count}; "
            + $"slowest case {slowest.TotalMilliseconds:F0} ms ({slowestCase})");
        foreach (var (kind, row) in byKind.OrderBy(k => k.Key))
        {
            output.WriteLine($"  {kind,-10} valid {row[0],6:N0}  parse-failed {row[1],6:N0}  validation-failed {row[2],6:N0}");
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>The seed files: every shared .tflite model plus two synthetic ones (inline and external layout).</summary>
    internal static List<(string Name, byte[] Bytes)> Corpus()
    {
        var corpus = TfliteModelFiles.All().Select(p => (Path.GetFileName(p), File.ReadAllBytes(p))).ToList();
        corpus.Add(("kitchen_sink.tflite", TfliteRoundTripTests.Write(SyntheticModels.KitchenSink(), BufferLayout.Inline)));
        corpus.Add(("kitchen_sink_external.tflite", TfliteRoundTripTests.Write(SyntheticModels.KitchenSink(), BufferLayout.External)));
        return corpus;
    }

    /// <summary>Case <paramref name="index"/>: a seed file with one to three mutations, and a description.</summary>
    internal static (byte[] Bytes, string What) Mutate(List<(string Name, byte[] Bytes)> corpus, int index)
    {
        var random = new Random(Seed + index);
        var (name, original) = corpus[random.Next(corpus.Count)];
        var bytes = original.ToArray();
        var what = new List<string>();
        int mutations = 1 + (random.Next(4) == 0 ? random.Next(1, 3) : 0);
        for (int m = 0; m < mutations && bytes.Length > 0; m++)
        {
            switch (random.Next(6))
            {
                case 0:
                    int flips = random.Next(1, 9);
                    for (int f = 0; f < flips; f++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    what.Add($"bitflip x{flips}");
                    break;
                case 1:
                    int sets = random.Next(1, 5);
                    byte[] special = [0x00, 0xFF, 0x7F, 0x80, 0x01, (byte)random.Next(256)];
                    for (int s = 0; s < sets; s++) bytes[random.Next(bytes.Length)] = special[random.Next(special.Length)];
                    what.Add($"byteset x{sets}");
                    break;
                case 2:
                    int keep = random.Next(bytes.Length);
                    bytes = bytes[..keep];
                    what.Add($"truncate {keep}");
                    break;
                case 3:
                    var (_, donor) = corpus[random.Next(corpus.Count)];
                    int length = Math.Min(random.Next(1, 65), Math.Min(donor.Length, bytes.Length));
                    int from = random.Next(donor.Length - length + 1);
                    int to = random.Next(bytes.Length - length + 1);
                    Array.Copy(donor, from, bytes, to, length);
                    what.Add($"splice {length}@0x{to:X}");
                    break;
                case 4:
                    var words = OffsetLikeWords(bytes);
                    if (words.Count == 0) goto case 0;
                    int at = words[random.Next(words.Count)];
                    int old = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
                    int[] values = [0, 1, -1, int.MaxValue, int.MinValue, bytes.Length, bytes.Length - at, old + 4, old - 4,
                        old * 2, 0xFFFF, 0x10000, random.Next(), -random.Next()];
                    int value = values[random.Next(values.Length)];
                    BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), value);
                    what.Add($"int32 0x{at:X}={value}");
                    break;
                default:
                    int pos = random.Next(bytes.Length);
                    int count = random.Next(1, 17);
                    if (random.Next(2) == 0)
                    {
                        var extra = new byte[count];
                        random.NextBytes(extra);
                        bytes = [.. bytes.AsSpan(0, pos), .. extra, .. bytes.AsSpan(pos)];
                        what.Add($"insert {count}@0x{pos:X}");
                    }
                    else
                    {
                        count = Math.Min(count, bytes.Length - pos);
                        bytes = [.. bytes.AsSpan(0, pos), .. bytes.AsSpan(pos + count)];
                        what.Add($"delete {count}@0x{pos:X}");
                    }

                    break;
            }
        }

        return (bytes, $"{name} {what[0].Split(' ')[0]} {string.Join(", ", what)}");
    }

    /// <summary>Aligned words whose value, read as a forward offset, lands inside the file.</summary>
    private static List<int> OffsetLikeWords(byte[] bytes)
    {
        var words = new List<int>();
        for (int at = 0; at + 4 <= Math.Min(bytes.Length, 1 << 16); at += 4)
        {
            uint v = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));
            if (v != 0 && at + (long)v < bytes.Length) words.Add(at);
        }

        return words;
    }

    private static (Outcome Outcome, string? Failure) Classify(byte[] bytes, string what)
    {
        Model model;
        try
        {
            model = TfliteReader.Read(bytes, "fuzz.tflite");
        }
        catch (ModelOptimizationException e) when (e.ErrorId == ErrorIds.ModelParseFailed)
        {
            return (Outcome.ParseFailed, e.Message.Contains("fuzz.tflite") ? null : $"message does not name the file: {e.Message}");
        }
        catch (ModelOptimizationException e) when (e.ErrorId == ErrorIds.ModelValidationFailed)
        {
            return (Outcome.ValidationFailed, null);
        }
        catch (Exception e)
        {
            return (default, $"{e.GetType().Name} {(e as ModelOptimizationException)?.ErrorId}: {e.Message}\n{e.StackTrace}");
        }

        // Whatever the reader accepts, the writer must write and the reader read back the same.
        try
        {
            using var stream = new MemoryStream();
            TfliteWriter.Write(model, stream);
            var again = TfliteReader.Read(stream.ToArray(), "fuzz-rewritten.tflite");
            string? diff = ModelComparer.FindFirstDifference(model, again);
            return (Outcome.Valid, diff is null ? null : $"accepted, but the rewritten model differs: {diff}");
        }
        catch (Exception e)
        {
            return (Outcome.Valid, $"accepted, but rewriting failed: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
        }
    }
}
