using System.Globalization;
using System.Text;

namespace ModelOptimization.Formats.Datasets;

/// <summary>How a CSV file is laid out: delimiter, header, label column and row length.</summary>
internal sealed class CsvLayout
{
    private CsvLayout(char? delimiter, bool hasHeader, int labelColumn, int fields)
    {
        Delimiter = delimiter;
        HasHeader = hasHeader;
        LabelColumn = labelColumn;
        Fields = fields;
    }

    /// <summary>',', ';' or '\t'; null for runs of spaces.</summary>
    public char? Delimiter { get; }

    public bool HasHeader { get; }

    /// <summary>Index of the label column among the fields, or -1.</summary>
    public int LabelColumn { get; }

    /// <summary>Fields per row, the label column included.</summary>
    public int Fields { get; }

    /// <summary>Numeric sample values per row.</summary>
    public int Columns => LabelColumn >= 0 ? Fields - 1 : Fields;

    public static CsvLayout Detect(string path)
    {
        string? first = null;
        int firstNumber = 0;
        foreach (var (line, number) in Lines(path))
        {
            first = line;
            firstNumber = number;
            break;
        }

        if (first is null) throw DatasetErrors.ReadFailed(path, "the file holds no rows.");
        char? delimiter = first.Contains(',') ? ',' : first.Contains(';') ? ';' : first.Contains('\t') ? '\t' : null;
        var fields = Split(first, delimiter);
        bool header = fields.Any(f => !TryParse(f, out _));
        int labelColumn = -1;
        if (header)
        {
            labelColumn = Array.FindIndex(fields, f => string.Equals(Unquote(f), "label", StringComparison.OrdinalIgnoreCase));
        }

        int columns = labelColumn >= 0 ? fields.Length - 1 : fields.Length;
        if (columns == 0) throw DatasetErrors.ReadFailed(path, $"line {firstNumber} holds no value columns.");
        return new CsvLayout(delimiter, header, labelColumn, fields.Length);
    }

    /// <summary>The data rows (header, empty and '#' lines left out) with their 1-based line numbers.</summary>
    public IEnumerable<(string Line, int Number)> DataLines(string path)
    {
        bool skipHeader = HasHeader;
        foreach (var item in Lines(path))
        {
            if (skipHeader)
            {
                skipHeader = false;
                continue;
            }

            yield return item;
        }
    }

    /// <summary>Parses a row into <paramref name="values"/>; returns its label when there is a label column.</summary>
    public int? ParseRow(string path, string line, int lineNumber, Span<double> values)
    {
        var fields = Split(line, Delimiter);
        if (fields.Length != Fields)
        {
            throw DatasetErrors.ReadFailed(path, $"line {lineNumber} has {fields.Length} fields, the first row has {Fields}.");
        }

        int? label = null;
        int k = 0;
        for (int c = 0; c < fields.Length; c++)
        {
            if (!TryParse(fields[c], out double v))
            {
                throw DatasetErrors.ReadFailed(path, $"line {lineNumber}, column {c + 1}: '{fields[c].Trim()}' is not a number.");
            }

            if (c == LabelColumn)
            {
                if (v != Math.Floor(v) || v < int.MinValue || v > int.MaxValue)
                {
                    throw DatasetErrors.ReadFailed(path, $"line {lineNumber}, column {c + 1}: the label '{fields[c].Trim()}' is not a whole number.");
                }

                label = (int)v;
                continue;
            }

            values[k++] = v;
        }

        return label;
    }

    private static IEnumerable<(string Line, int Number)> Lines(string path)
    {
        using var stream = DataFile.OpenRead(path, out _);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        int number = 0;
        while (true)
        {
            string? line;
            try
            {
                line = reader.ReadLine();
            }
            catch (InvalidDataException ex)
            {
                throw DatasetErrors.ReadFailed(path, $"the gzip data is corrupt after line {number} ({ex.Message}).", ex);
            }

            if (line is null) yield break;
            number++;
            var trimmed = line.AsSpan().Trim();
            if (trimmed.IsEmpty || trimmed[0] == '#') continue;
            yield return (line, number);
        }
    }

    private static string[] Split(string line, char? delimiter)
        => delimiter is char d
            ? line.Split(d)
            : line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Unquote(string field)
    {
        string f = field.Trim();
        return f.Length >= 2 && (f[0] == '"' && f[^1] == '"' || f[0] == '\'' && f[^1] == '\'') ? f[1..^1].Trim() : f;
    }

    private static bool TryParse(string field, out double value)
        => double.TryParse(Unquote(field), NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
