using System.Globalization;
using System.Text;
using System.Text.Json;
using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;

namespace ModelOptimization.Optimization.Calibration;

/// <summary>
/// Per-tensor statistics of a calibration run over a model's float activations. Immutable and independent of the
/// quantization mode and range method, so one run serves FullInteger and Int16x8 and every
/// <see cref="CalibrationMethod"/>. Saves to and loads from JSON.
/// </summary>
public sealed class CalibrationStatistics
{
    /// <summary>The "format" value of the JSON file.</summary>
    public const string FormatName = "ModelOptimization.CalibrationStatistics";

    private readonly Dictionary<(int, int), TensorStatistics> _byTensor;

    public CalibrationStatistics(string modelName, int sampleCount, IEnumerable<TensorStatistics> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ModelName = modelName ?? "";
        SampleCount = sampleCount;
        Tensors = tensors.OrderBy(t => t.Subgraph).ThenBy(t => t.TensorIndex).ToArray();
        _byTensor = new Dictionary<(int, int), TensorStatistics>();
        foreach (var t in Tensors)
        {
            if (!_byTensor.TryAdd((t.Subgraph, t.TensorIndex), t))
                throw new ArgumentException($"Tensor {t.Subgraph}:{t.TensorIndex} appears twice.", nameof(tensors));
        }
    }

    /// <summary>The model the statistics were collected on.</summary>
    public string ModelName { get; }

    /// <summary>Samples run.</summary>
    public int SampleCount { get; }

    /// <summary>Statistics per tensor, by subgraph and tensor index.</summary>
    public IReadOnlyList<TensorStatistics> Tensors { get; }

    /// <summary>
    /// Input Hessians of the weighted layers by (subgraph, operator), when the run collected them (adaptive weight
    /// rounding); not saved to JSON.
    /// </summary>
    internal IReadOnlyDictionary<(int Subgraph, int Operator), LayerHessian>? Hessians { get; init; }

    /// <summary>The statistics of a tensor, or null.</summary>
    public TensorStatistics? Find(int subgraph, int tensorIndex) => _byTensor.GetValueOrDefault((subgraph, tensorIndex));

    /// <summary>The statistics of the tensor named <paramref name="name"/> (first match), or null.</summary>
    public TensorStatistics? Find(string name) => Tensors.FirstOrDefault(t => t.Name == name);

    /// <summary>
    /// Throws <see cref="ErrorIds.ParameterCombinationInvalid"/> unless every tensor these statistics name exists
    /// in <paramref name="model"/> under the same name (statistics of another model would give wrong ranges).
    /// </summary>
    public void EnsureMatches(Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var t in Tensors)
        {
            string? actual = t.Subgraph < model.Subgraphs.Count && t.TensorIndex < model.Subgraphs[t.Subgraph].Tensors.Count
                ? model.Subgraphs[t.Subgraph].Tensors[t.TensorIndex].Name ?? ""
                : null;
            if (actual != t.Name)
            {
                throw new ModelOptimizationException(ErrorIds.ParameterCombinationInvalid, ErrorKind.InvalidArgument,
                    $"The calibration statistics (of model '{ModelName}') do not fit model '{model.Name}': tensor {t.Subgraph}:{t.TensorIndex} is "
                    + (actual is null ? "missing" : $"'{actual}', not '{t.Name}'") + ".", t.Name,
                    "Calibrate this model (Get-CalibrationStatistics) or pass its own statistics.");
            }
        }
    }

    /// <summary>Writes the statistics as JSON (histograms stored sparsely as [bin, count] pairs).</summary>
    public string ToJson()
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", FormatName);
            w.WriteNumber("version", 1);
            w.WriteString("model", ModelName);
            w.WriteNumber("samples", SampleCount);
            w.WriteNumber("histogramBins", TensorStatistics.HistogramBins);
            w.WriteStartArray("tensors");
            foreach (var t in Tensors)
            {
                w.WriteStartObject();
                w.WriteNumber("subgraph", t.Subgraph);
                w.WriteNumber("index", t.TensorIndex);
                w.WriteString("name", t.Name);
                w.WriteNumber("min", t.Min);
                w.WriteNumber("max", t.Max);
                w.WriteNumber("movingAverageMin", t.MovingAverageMin);
                w.WriteNumber("movingAverageMax", t.MovingAverageMax);
                w.WriteNumber("samples", t.SampleCount);
                w.WriteNumber("elements", t.ElementCount);
                w.WriteNumber("histogramRadius", t.HistogramRadius);
                if (t.ChannelMeans is { } means)
                {
                    w.WriteStartArray("channelMeans");
                    foreach (float m in means) w.WriteNumberValue(m);
                    w.WriteEndArray();
                }

                w.WriteStartArray("histogram");
                var h = t.HistogramArray;
                for (int i = 0; i < h.Length; i++)
                {
                    if (h[i] == 0) continue;
                    w.WriteStartArray();
                    w.WriteNumberValue(i);
                    w.WriteNumberValue(h[i]);
                    w.WriteEndArray();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>Reads statistics written by <see cref="ToJson"/>; malformed text gives <see cref="ErrorIds.CalibrationDataInvalid"/>.</summary>
    public static CalibrationStatistics FromJson(string json, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        string where = source ?? "calibration statistics";
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("format", out var f) || f.GetString() != FormatName)
                throw new FormatException($"it is not a {FormatName} document (no \"format\": \"{FormatName}\")");
            if (root.GetProperty("version").GetInt32() != 1) throw new FormatException("only version 1 is known");
            if (root.TryGetProperty("histogramBins", out var hb) && hb.GetInt32() != TensorStatistics.HistogramBins)
                throw new FormatException($"histograms must have {TensorStatistics.HistogramBins} bins");
            var tensors = new List<TensorStatistics>();
            foreach (var e in root.GetProperty("tensors").EnumerateArray())
            {
                var hist = new long[TensorStatistics.HistogramBins];
                foreach (var pair in e.GetProperty("histogram").EnumerateArray())
                {
                    int bin = pair[0].GetInt32();
                    if (bin < 0 || bin >= hist.Length) throw new FormatException($"histogram bin {bin} is out of range");
                    hist[bin] = pair[1].GetInt64();
                }

                float Num(string name)
                {
                    float v = e.GetProperty(name).GetSingle();
                    return float.IsFinite(v) ? v : throw new FormatException($"'{name}' is not finite");
                }

                float[]? means = e.TryGetProperty("channelMeans", out var cm) ? cm.EnumerateArray().Select(v => v.GetSingle()).ToArray() : null;
                tensors.Add(new TensorStatistics(e.GetProperty("subgraph").GetInt32(), e.GetProperty("index").GetInt32(),
                    e.GetProperty("name").GetString() ?? "", Num("min"), Num("max"), Num("movingAverageMin"), Num("movingAverageMax"),
                    e.GetProperty("samples").GetInt32(), e.GetProperty("elements").GetInt64(), Num("histogramRadius"), hist, means));
            }

            return new CalibrationStatistics(root.TryGetProperty("model", out var m) ? m.GetString() ?? "" : "",
                root.GetProperty("samples").GetInt32(), tensors);
        }
        catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            throw new ModelOptimizationException(ErrorIds.CalibrationDataInvalid, ErrorKind.InvalidData,
                $"Cannot read {where}: {e.Message}.", source, "Use a file written by Get-CalibrationStatistics -Path (or CalibrationStatistics.Save).", e);
        }
    }

    /// <summary>Saves the JSON to <paramref name="path"/> (through a temporary sibling, so a failure leaves no half file).</summary>
    public void Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string full = Path.GetFullPath(path);
        string tmp = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            File.WriteAllText(tmp, ToJson(), new UTF8Encoding(false));
            File.Move(tmp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    /// <summary>Loads statistics saved by <see cref="Save"/>.</summary>
    public static CalibrationStatistics Load(string path) => FromJson(File.ReadAllText(path), path);

    public override string ToString()
        => $"{Tensors.Count} tensors of '{ModelName}' over {SampleCount.ToString(CultureInfo.InvariantCulture)} samples";
}
