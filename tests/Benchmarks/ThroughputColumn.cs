using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace ModelOptimization.Benchmarks;

/// <summary>GOP/s (multiply and add counted separately) from the mean time and the benchmark class's Operations constant.</summary>
public sealed class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);
    public string ColumnName => "GOP/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "Giga operations per second (2 per multiply-add)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var report = summary[benchmarkCase];
        var field = benchmarkCase.Descriptor.Type.GetField("Operations");
        if (report?.ResultStatistics is null || field is null) return "-";
        double ops = Convert.ToDouble(field.GetValue(null));
        return (ops / report.ResultStatistics.Mean).ToString("F1"); // ns → ops/ns = GOP/s
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
}
