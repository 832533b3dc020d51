using ModelOptimization.Core.Errors;

namespace ModelOptimization.Formats.Tflite;

/// <summary>
/// State shared by one parse: the source name for messages, where in the model the parser is (formatted only when
/// an error is raised), and the allocation budget that keeps a hostile file from making the reader allocate far
/// more than its size justifies (tables and vectors may be shared, so one small table can be referenced a million
/// times).
/// </summary>
internal sealed class ParseContext
{
    private long _charged;

    public ParseContext(string source, long fileLength, int flatBufferLength)
    {
        Source = source;
        FileLength = fileLength;
        // Decoded objects are a few times larger than their encoding; buffer data are views and cost nothing.
        // Capped at 4 GiB: even a 2 GiB FlatBuffer of pure graph structure decodes to far less.
        Budget = Math.Min(64L * flatBufferLength + (64L << 20), 4L << 30);
    }

    public string Source { get; }

    public long FileLength { get; }

    /// <summary>Bytes of managed objects the parse may allocate.</summary>
    public long Budget { get; }

    /// <summary>The list being read (<c>tensors</c>, <c>operators</c>...) within <see cref="Subgraph"/>, if any.</summary>
    public string? Area { get; set; }

    public int Subgraph { get; set; } = -1;

    public int Item { get; set; } = -1;

    /// <summary>Accounts for <paramref name="bytes"/> of managed allocation; fails when the budget is exhausted.</summary>
    public void Charge(long bytes)
    {
        _charged += bytes;
        if (_charged > Budget)
        {
            throw Fail("model", $"decoding needs more than {Budget:N0} bytes of memory for a file of {FileLength:N0} bytes "
                + "(tables or vectors are referenced abnormally often)");
        }
    }

    /// <summary>A ModelParseFailed error naming the file, the place in the model and what is wrong.</summary>
    public ModelOptimizationException Fail(string field, string what)
    {
        string where = Subgraph >= 0 ? $"subgraphs[{Subgraph}]" : "";
        if (Area is not null)
        {
            where += (where.Length > 0 ? "." : "") + Area + (Item >= 0 ? $"[{Item}]" : "");
        }

        if (field.Length > 0) where += (where.Length > 0 ? "." : "") + field;
        return ModelOptimizationException.ParseFailed(Source, where.Length > 0 ? $"{where}: {what}" : what);
    }

    public void Enter(string area, int item)
    {
        Area = area;
        Item = item;
    }

    public void Leave()
    {
        Area = null;
        Item = -1;
    }
}
