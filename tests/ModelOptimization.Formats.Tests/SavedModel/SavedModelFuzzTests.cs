using ModelOptimization.Core.Errors;
using ModelOptimization.Formats.SavedModel;
using Xunit.Abstractions;

namespace ModelOptimization.Formats.Tests.SavedModel;

/// <summary>
/// Seeded mutation fuzzing of saved_model.pb, variables.index and the data shards of every shared SavedModel:
/// each mutated folder must either read or fail with ModelParseFailed / ModelValidationFailed. 2,000 cases by
/// default; 100,000 with MODELOPT_LONG_FUZZ=1; MODELOPT_FUZZ_CASES=N sets any count.
/// </summary>
public sealed class SavedModelFuzzTests(ITestOutputHelper output)
{
    private const int Seed = 20261126;

    [SkippableFact]
    public void Read_MutatedSavedModels_FailOnlyWithParseOrValidationErrors()
    {
        var names = SavedModelTestData.All().Select(r => (string)r[0]).ToList();
        var sources = names.Select(SavedModelTestData.Require).ToList();
        int cases = Environment.GetEnvironmentVariable("MODELOPT_LONG_FUZZ") == "1" ? 100_000 : 2_000;
        if (int.TryParse(Environment.GetEnvironmentVariable("MODELOPT_FUZZ_CASES"), out int n) && n > 0) cases = n;

        using var temp = SavedModelTestData.Temp();
        var targets = new List<(string Dir, string File, byte[] Original)>();
        for (int m = 0; m < sources.Count; m++)
        {
            var dir = temp.Sub(names[m]);
            SavedModelTestData.CopyFolder(sources[m], dir);
            foreach (var rel in new[] { "saved_model.pb", "variables/variables.index", "variables/variables.data-00000-of-00001" })
            {
                var path = Path.Combine(dir, rel);
                if (!File.Exists(path) || new FileInfo(path).Length > 512 * 1024) continue; // large shards: checksum-covered bytes
                targets.Add((dir, path, File.ReadAllBytes(path)));
            }
        }

        var rng = new Random(Seed);
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        for (int i = 0; i < cases; i++)
        {
            var (dir, path, original) = targets[rng.Next(targets.Count)];
            var mutated = Mutate(original, rng, out string how);
            File.WriteAllBytes(path, mutated);
            string outcome;
            try
            {
                SavedModelReader.Read(dir);
                outcome = "read";
            }
            catch (ModelOptimizationException ex) when (ex.ErrorId is ErrorIds.ModelParseFailed or ErrorIds.ModelValidationFailed)
            {
                outcome = ex.ErrorId;
            }
            catch (Exception ex)
            {
                outcome = "unexpected " + ex.GetType().Name;
                if (failures.Count < 10) failures.Add($"case {i} ({Path.GetFileName(dir)}/{Path.GetFileName(path)}, {how}): {ex}");
            }

            counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
            File.WriteAllBytes(path, original);
        }

        output.WriteLine($"{cases} cases (seed {Seed}) over {targets.Count} files: " + string.Join(", ", counts.Select(kv => $"{kv.Key} {kv.Value}")));
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private static byte[] Mutate(byte[] b, Random rng, out string how)
    {
        var list = b.ToList();
        switch (rng.Next(8))
        {
            case 0:
            {
                int n = 1 + rng.Next(8);
                for (int k = 0; k < n && list.Count > 0; k++) list[rng.Next(list.Count)] ^= (byte)(1 << rng.Next(8));
                how = $"flip {n} bits";
                break;
            }

            case 1:
            {
                int n = 1 + rng.Next(4);
                byte[] interesting = [0x00, 0xff, 0x7f, 0x80, 0x01];
                for (int k = 0; k < n && list.Count > 0; k++) list[rng.Next(list.Count)] = rng.Next(2) == 0 ? (byte)rng.Next(256) : interesting[rng.Next(interesting.Length)];
                how = $"set {n} bytes";
                break;
            }

            case 2:
            {
                int at = rng.Next(list.Count + 1);
                list.RemoveRange(at, list.Count - at);
                how = $"truncate at {at}";
                break;
            }

            case 3:
            {
                int at = rng.Next(list.Count + 1);
                var ins = new byte[1 + rng.Next(16)];
                rng.NextBytes(ins);
                list.InsertRange(at, ins);
                how = $"insert {ins.Length} at {at}";
                break;
            }

            case 4:
            {
                int at = rng.Next(list.Count + 1);
                int n = Math.Min(list.Count - at, 1 + rng.Next(32));
                list.RemoveRange(at, n);
                how = $"delete {n} at {at}";
                break;
            }

            case 5:
            {
                int at = rng.Next(list.Count + 1);
                int n = Math.Min(list.Count - at, 1 + rng.Next(64));
                list.InsertRange(at, list.GetRange(at, n));
                how = $"duplicate {n} at {at}";
                break;
            }

            case 6:
            {
                if (list.Count >= 4)
                {
                    int at = rng.Next(list.Count - 3);
                    uint[] values = [0, uint.MaxValue, int.MaxValue, (uint)b.Length, 0x80000000];
                    uint v = values[rng.Next(values.Length)];
                    for (int k = 0; k < 4; k++) list[at + k] = (byte)(v >> (8 * k));
                    how = $"int32 {v} at {at}";
                }
                else
                {
                    how = "none";
                }

                break;
            }

            default:
            {
                // A run of continuation bytes: an over-long varint.
                int at = rng.Next(list.Count + 1);
                int n = 5 + rng.Next(8);
                for (int k = 0; k < n; k++)
                {
                    if (at + k < list.Count) list[at + k] = 0xff;
                    else list.Add(0xff);
                }

                how = $"varint run {n} at {at}";
                break;
            }
        }

        return list.ToArray();
    }
}
