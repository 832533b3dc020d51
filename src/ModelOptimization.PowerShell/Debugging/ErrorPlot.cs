namespace ModelOptimization.PowerShell.Debugging;

using ModelOptimization.Formats.Datasets;
using ModelOptimization.Optimization.Debugging;
using ScottPlot;

/// <summary>
/// Draws a debugger report with ScottPlot: per-layer RMSE/scale as bars (with the 0.7 suggestion line and the
/// ≈0.289 ideal of rounding noise) above per-layer SQNR in dB, layers in graph order on a shared axis labelled by
/// index (the legend below names the worst ones). Written to a temporary sibling and moved into place.
/// </summary>
internal static class ErrorPlot
{
    private static readonly Lazy<string?> FontName = new(RegisterFont);

    /// <summary>
    /// Draws <paramref name="report"/> into the PNG <paramref name="path"/>. Returns false when no TrueType font was
    /// found on the machine (the plot then has no text; SkiaSharp's dependency-free Linux build ignores fontconfig).
    /// </summary>
    public static bool Write(QuantizationErrorReport report, string title, string path, double threshold = QuantizationDebugger.DefaultRmseOverScaleThreshold)
    {
        SkiaNative.EnsureResolver();
        SkiaNative.EnsureResolver(typeof(HarfBuzzSharp.Buffer).Assembly);
        bool hasFont = FontName.Value is not null;
        var layers = report.Layers;
        double[] x = Enumerable.Range(0, layers.Count).Select(i => (double)i).ToArray();
        double[] ratio = layers.Select(l => double.IsFinite(l.RmseOverScale) ? l.RmseOverScale : 0).ToArray();
        double[] sqnr = layers.Select(l => double.IsFinite(l.SqnrDb) ? l.SqnrDb : 0).ToArray();

        var multi = new Multiplot();
        multi.AddPlots(2);
        var top = multi.GetPlot(0);
        var bottom = multi.GetPlot(1);

        var bars = top.Add.Bars(x, ratio);
        bars.Color = Colors.SteelBlue;
        var limit = top.Add.HorizontalLine(threshold);
        limit.Color = Colors.Red;
        limit.LinePattern = LinePattern.Dashed;
        limit.LegendText = $"suggest exclusion above {threshold:0.###}";
        var ideal = top.Add.HorizontalLine(1 / Math.Sqrt(12));
        ideal.Color = Colors.Green;
        ideal.LinePattern = LinePattern.Dotted;
        ideal.LegendText = "rounding noise only (0.289)";
        top.Title(title);
        top.YLabel("RMSE / scale");
        top.ShowLegend(Alignment.UpperRight);

        var line = bottom.Add.Scatter(x, sqnr);
        line.Color = Colors.DarkOrange;
        bottom.YLabel("SQNR (dB)");
        bottom.XLabel("layer (graph order)");

        // Label the x axis with layer indices (every k-th to stay readable).
        int step = Math.Max(1, layers.Count / 25);
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int i = 0; i < layers.Count; i += step) ticks.AddMajor(i, layers[i].LayerIndex.ToString(System.Globalization.CultureInfo.InvariantCulture));
        top.Axes.Bottom.TickGenerator = ticks;
        bottom.Axes.Bottom.TickGenerator = ticks;
        top.Axes.SetLimitsX(-1, Math.Max(1, layers.Count));
        bottom.Axes.SetLimitsX(-1, Math.Max(1, layers.Count));

        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp.png");
        try
        {
            multi.SavePng(temp, Math.Clamp(200 + 18 * layers.Count, 800, 4000), 700);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }

        return hasFont;
    }

    /// <summary>Registers a regular and a bold face of a common sans-serif font found on the machine as ScottPlot's default.</summary>
    private static string? RegisterFont()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        string[] folders =
        [
            "/usr/share/fonts", "/usr/local/share/fonts", Path.Combine(home, ".local/share/fonts"), Path.Combine(home, ".fonts"),
            Environment.GetFolderPath(Environment.SpecialFolder.Fonts), "/System/Library/Fonts", "/Library/Fonts",
        ];
        (string Regular, string Bold)[] preferred =
        [
            ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"), ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf"),
            ("arial.ttf", "arialbd.ttf"), ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf"), ("Arial.ttf", "Arial Bold.ttf"),
        ];
        var files = folders.Where(f => !string.IsNullOrEmpty(f) && Directory.Exists(f))
            .SelectMany(f =>
            {
                try
                {
                    return Directory.EnumerateFiles(f, "*.ttf", SearchOption.AllDirectories).ToList();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return [];
                }
            })
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key!, g => g.First(), StringComparer.OrdinalIgnoreCase);
        foreach (var (regular, bold) in preferred)
        {
            if (!files.TryGetValue(regular, out var r)) continue;
            return Register(r, files.GetValueOrDefault(bold) ?? r);
        }

        var any = files.Values.OrderBy(f => f, StringComparer.Ordinal).FirstOrDefault();
        return any is null ? null : Register(any, any);

        static string Register(string regular, string bold)
        {
            const string name = "ModelOptimization Sans";
            Fonts.AddFontFile(name, regular, bold: false, italic: false);
            Fonts.AddFontFile(name, bold, bold: true, italic: false);
            Fonts.Default = name;
            return name;
        }
    }
}
