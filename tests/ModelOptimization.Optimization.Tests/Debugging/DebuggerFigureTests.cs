using System.Diagnostics;
using ModelOptimization.Core.Data;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Formats.Datasets;
using ModelOptimization.Formats.Tflite;
using ModelOptimization.Optimization.Debugging;
using ModelOptimization.Optimization.Quantization;
using ModelOptimization.Optimization.Tests.Helpers;
using ModelOptimization.Tests.Shared;
using Xunit.Abstractions;
using static ModelOptimization.Optimization.Tests.Helpers.ModelRuns;

namespace ModelOptimization.Optimization.Tests.Debugging;

/// <summary>
/// The figures of the debugger's report: FullInteger output SQNR of two shared image models before and after
/// accuracy-aware quantization to +6 dB, against excluding every DEPTHWISE_CONV_2D or every CONV_2D, with file sizes and the accuracy-aware run time. Long (minutes):
/// runs only with MODELOPT_DEBUGGER_FIGURES=1.
/// </summary>
public class DebuggerFigureTests(ITestOutputHelper output)
{
    [SkippableTheory]
    [InlineData("mobilenet_v1_0.25_224_float.tflite", 224)]
    [InlineData("deeplabv3_mnv2_257_float.tflite", 257)]
    public void AccuracyAware_SharedImageModel_ReachesPlusSixDb(string file, int size)
    {
        Skip.If(Environment.GetEnvironmentVariable("MODELOPT_DEBUGGER_FIGURES") != "1", "Set MODELOPT_DEBUGGER_FIGURES=1 to measure the report figures (minutes).");
        var model = SharedModels.Load(file);
        var calibration = new InMemoryDataset(Interop.ImageModelAgreementTests.Variants(size, 4, seed: 1).Select(x => new Array[] { x }).ToList());
        var validation = new InMemoryDataset(Interop.ImageModelAgreementTests.Variants(size, 4, seed: 2).Select(x => new Array[] { x }).ToList());
        var options = new QuantizationOptions { Mode = QuantizationMode.FullInteger, CalibrationData = calibration };
        var sw = Stopwatch.StartNew();

        var plain = ModelQuantizer.Quantize(model, options);
        var plainReport = QuantizationDebugger.Measure(plain.Model, model, validation);
        var worst = QuantizationDebugger.Measure(plain.Model, model, validation, new QuantizationDebugOptions { Mode = ErrorMeasurementMode.Isolated })
            .Layers.OrderBy(l => l.SqnrDb).Take(3);
        double target = plainReport.Outputs[0].SqnrDb + 6;
        var awareWatch = Stopwatch.StartNew();
        var aware = AccuracyAwareQuantizer.Quantize(model, options with { Statistics = plain.Statistics }, validation, new AccuracyTarget { MinSqnrDb = target });
        awareWatch.Stop();
        var noDepthwise = model.Clone();
        noDepthwise.Plan.Rules.Add(new LayerRule { OpType = ["DEPTHWISE_CONV_2D"] });
        var dw = ModelQuantizer.Quantize(noDepthwise, options with { Statistics = plain.Statistics });
        var dwReport = QuantizationDebugger.Measure(dw.Model, model, validation);
        var awareReport = QuantizationDebugger.Measure(aware.Result.Model, model, validation);
        var noConv = model.Clone();
        noConv.Plan.Rules.Add(new LayerRule { OpType = ["CONV_2D"] });
        var conv = ModelQuantizer.Quantize(noConv, options with { Statistics = plain.Statistics });
        var convReport = QuantizationDebugger.Measure(conv.Model, model, validation);

        output.WriteLine($"{file}: {validation.Count} validation crops, {sw.Elapsed.TotalSeconds:F0} s");
        output.WriteLine($"float {Size(model) / 1024.0:F0} KiB");
        output.WriteLine($"plain FullInteger: output SQNR {plainReport.Outputs[0].SqnrDb:F2} dB, top-1 agreement {plainReport.Outputs[0].Top1Agreement:P1}, {Size(plain.Model) / 1024.0:F0} KiB, {plainReport.Layers.Count} quantized layers, "
            + $"{QuantizationDebugger.SuggestExclusions(plainReport.Layers).Count()} suggested exclusions");
        foreach (var l in worst) output.WriteLine($"  worst isolated: {l}");
        output.WriteLine($"accuracy-aware (target {target:F2} dB): {aware.InitialSqnrDb:F2} -> {aware.FinalSqnrDb:F2} dB, top-1 agreement {awareReport.Outputs[0].Top1Agreement:P1}, "
            + $"{Size(aware.Result.Model) / 1024.0:F0} KiB, {awareWatch.Elapsed.TotalSeconds:F0} s, excluded {aware.ExcludedLayers.Count}: {string.Join(" | ", aware.Steps.Select(s => $"{s.OpType} {s.LayerName} ({s.MetricBefore:F1}->{s.MetricAfter:F1})"))}");
        output.WriteLine($"all DEPTHWISE_CONV_2D float ({dw.Layers.Count(l => l.Decision == LayerQuantizationDecision.Float)} float layers): output SQNR {dwReport.Outputs[0].SqnrDb:F2} dB, "
            + $"top-1 agreement {dwReport.Outputs[0].Top1Agreement:P1}, {Size(dw.Model) / 1024.0:F0} KiB");
        output.WriteLine($"all CONV_2D float ({conv.Layers.Count(l => l.Decision == LayerQuantizationDecision.Float)} float layers): output SQNR {convReport.Outputs[0].SqnrDb:F2} dB, "
            + $"top-1 agreement {convReport.Outputs[0].Top1Agreement:P1}, {Size(conv.Model) / 1024.0:F0} KiB");
        Assert.True(aware.FinalSqnrDb >= target);
    }
}
