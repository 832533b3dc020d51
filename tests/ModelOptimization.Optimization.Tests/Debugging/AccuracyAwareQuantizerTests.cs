using ModelOptimization.Core.Data;
using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Optimization.Debugging;
using ModelOptimization.Optimization.Quantization;
using Xunit.Abstractions;

namespace ModelOptimization.Optimization.Tests.Debugging;

public class AccuracyAwareQuantizerTests(ITestOutputHelper output)
{
    private static QuantizationOptions FullInteger(int calibrationSamples = 20)
        => new() { Mode = QuantizationMode.FullInteger, CalibrationData = DebugData.Mnist(60, calibrationSamples) };

    [Fact]
    public void Quantize_SqnrTargetAboveThePlainResult_ExcludesLayersUntilMet()
    {
        var model = DebugData.ConvFcMnist();
        var validation = DebugData.Mnist(0, 30);
        var plain = AccuracyAwareQuantizer.Quantize(model, FullInteger(), validation, new AccuracyTarget { MinSqnrDb = 0 });
        double target = plain.InitialSqnrDb + 6;
        int rulesBefore = model.Plan.Rules.Count;

        var r = AccuracyAwareQuantizer.Quantize(model, FullInteger(), validation, new AccuracyTarget { MinSqnrDb = target });

        foreach (var s in r.Steps) output.WriteLine(s.ToString());
        output.WriteLine(r.ToString());
        Assert.Empty(plain.Steps);
        Assert.NotEmpty(r.Steps);
        Assert.True(r.FinalSqnrDb >= target, $"final {r.FinalSqnrDb} < target {target}");
        Assert.Equal(r.Steps.Select(s => s.LayerName), r.ExcludedLayers);
        Assert.All(r.Steps, s => Assert.StartsWith("accuracy-aware: SQNR", s.Reason));
        Assert.Equal(r.Steps[^1].MetricAfter, r.FinalSqnrDb, 9);
        Assert.Equal(rulesBefore, model.Plan.Rules.Count);
        Assert.Same(model, r.Result.Model.Source);
        Assert.Equal(r.ExcludedLayers.Count, r.Result.Model.Plan.Rules.Count(x => x.Reason?.StartsWith("accuracy-aware") == true));
        foreach (string name in r.ExcludedLayers)
        {
            Assert.Equal(LayerQuantizationDecision.Float, r.Result.Layers.Single(l => l.Name == name).Decision);
        }
    }

    [Fact]
    public void Quantize_SqnrTarget_KeepsOnlyExclusionsTheTargetNeeds()
    {
        var model = DebugData.ConvFcMnist();
        var validation = DebugData.Mnist(0, 30);
        var options = FullInteger();
        var plain = ModelQuantizer.Quantize(model, options);
        double target = QuantizationDebugger.Measure(plain.Model, model, validation).Outputs[0].SqnrDb + 6;

        var r = AccuracyAwareQuantizer.Quantize(model, options with { Statistics = plain.Statistics }, validation, new AccuracyTarget { MinSqnrDb = target });

        Assert.NotEmpty(r.Steps);
        foreach (var dropped in r.Steps)
        {
            var trial = model.Clone();
            trial.Plan = model.Plan.Clone();
            foreach (var s in r.Steps.Where(s => s != dropped)) trial.Plan.Rules.Add(new LayerRule { Index = [s.LayerIndex], Subgraph = 0 });
            var q = ModelQuantizer.Quantize(trial, options with { Statistics = plain.Statistics });
            double sqnr = QuantizationDebugger.Measure(q.Model, model, validation).Outputs[0].SqnrDb;
            output.WriteLine($"without excluding '{dropped.LayerName}': {sqnr:F2} dB (target {target:F2})");
            Assert.True(sqnr < target, $"'{dropped.LayerName}' is excluded but the target holds without it ({sqnr:F2} >= {target:F2} dB)");
        }
    }

    [Fact]
    public void Quantize_NoExclusionsAllowed_ThrowsAccuracyTargetUnreachable()
    {
        var model = DebugData.ConvFcMnist();
        var validation = DebugData.Mnist(0, 10);

        var e = Assert.Throws<ModelOptimizationException>(() => AccuracyAwareQuantizer.Quantize(model, FullInteger(), validation,
            new AccuracyTarget { MinSqnrDb = 150, MaxExcludedLayers = 0 }));

        Assert.Equal(ErrorIds.AccuracyTargetUnreachable, e.ErrorId);
        Assert.Contains("Best reached", e.Message);
        output.WriteLine(e.Message);
    }

    [Fact]
    public void Quantize_AccuracyTarget_MeasuresTop1AgainstLabels()
    {
        var model = DebugData.ConvFcMnist();
        var r = AccuracyAwareQuantizer.Quantize(model, FullInteger(), DebugData.Mnist(0, 50), new AccuracyTarget { MaxAccuracyDrop = 2 });

        output.WriteLine(r.ToString());
        Assert.NotNull(r.FloatAccuracy);
        Assert.InRange(r.FloatAccuracy!.Value, 80, 100);
        Assert.True(r.FloatAccuracy - r.FinalAccuracy <= 2);
    }

    [Fact]
    public void Quantize_AccuracyTargetWithoutLabels_ThrowsParameterCombinationInvalid()
    {
        var model = DebugData.ConvFcMnist();
        var unlabelled = new InMemoryDataset(DebugData.Mnist(0, 5).GetSamples().ToList());

        var e = Assert.Throws<ModelOptimizationException>(() => AccuracyAwareQuantizer.Quantize(model, FullInteger(), unlabelled, new AccuracyTarget { MaxAccuracyDrop = 1 }));

        Assert.Equal(ErrorIds.ParameterCombinationInvalid, e.ErrorId);
    }
}
