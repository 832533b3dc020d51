using ModelOptimization.Core.Data;
using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Optimization.Calibration;
using ModelOptimization.Optimization.Quantization;
using ModelOptimization.Optimization.Tests.Helpers;

namespace ModelOptimization.Optimization.Tests.Calibration;

public class CalibrationTests
{
    private static TensorStatistics Stats(IEnumerable<float[]> samples)
    {
        var acc = new TensorStatisticsAccumulator(0, 0, "t", 0.01);
        int i = 0;
        foreach (var s in samples) acc.Add(s, i++);
        return acc.ToStatistics();
    }

    [Fact]
    public void Accumulator_RecordsExtremesAndGrowsHistogramExactly()
    {
        var s = Stats([[0.1f, -0.2f], [3f, 0.5f], [-7.5f]]);
        Assert.Equal(-7.5f, s.Min);
        Assert.Equal(3f, s.Max);
        Assert.Equal(8f, s.HistogramRadius);
        Assert.Equal(5, s.Histogram.Sum());
        Assert.Equal(3, s.SampleCount);
    }

    [Fact]
    public void MovingAverage_WeighsNewSamplesByConstant()
    {
        var s = Stats([[0f, 1f], [0f, 3f]]);
        Assert.Equal(1f + 0.01f * 2f, s.MovingAverageMax, 5);
        Assert.Equal((0f, 3f), RangeSelector.Select(s, CalibrationMethod.MinMax));
    }

    [Fact]
    public void Percentile_CutsRareOutliers()
    {
        var r = new Random(1);
        var data = Enumerable.Range(0, 200).Select(_ => Enumerable.Range(0, 100).Select(_ => (float)r.NextDouble()).ToArray()).ToList();
        data.Add([100f]);
        var s = Stats(data);
        var (lo, hi) = RangeSelector.Select(s, CalibrationMethod.Percentile, 99.9);
        Assert.InRange(hi, 0.9f, 1.2f);
        Assert.InRange(lo, 0f, 0.05f);
        Assert.Equal(100f, RangeSelector.Select(s, CalibrationMethod.MinMax).Max);
    }

    [Theory]
    [InlineData(CalibrationMethod.Mse)]
    [InlineData(CalibrationMethod.Entropy)]
    public void SearchMethods_UniformDataKeepsNearlyTheWholeRange(CalibrationMethod method)
    {
        var r = new Random(2);
        var s = Stats(Enumerable.Range(0, 50).Select(_ => Enumerable.Range(0, 1000).Select(_ => (float)(r.NextDouble() * 4 - 2)).ToArray()));
        var (lo, hi) = RangeSelector.Select(s, method);
        Assert.InRange(hi, 1.7f, 2f);
        Assert.InRange(lo, -2f, -1.7f);
    }

    [Fact]
    public void Entropy_LongTailIsClipped()
    {
        var r = new Random(3);
        // Laplace-like magnitudes with a long tail
        var s = Stats(Enumerable.Range(0, 50).Select(_ => Enumerable.Range(0, 2000).Select(_ => (float)(-Math.Log(1 - r.NextDouble()) * (r.Next(2) * 2 - 1))).ToArray()));
        var (_, hi) = RangeSelector.Select(s, CalibrationMethod.Entropy);
        Assert.True(hi < s.Max, $"entropy kept {hi} of {s.Max}");
    }

    [Fact]
    public void Statistics_JsonRoundTrip()
    {
        var model = GraphBuilder.FullyConnected(BuiltinOperator.SOFTMAX);
        var stats = Calibrator.Calibrate(model, GraphBuilder.Samples(model, 5));
        var back = CalibrationStatistics.FromJson(stats.ToJson());
        Assert.Equal(stats.SampleCount, back.SampleCount);
        Assert.Equal(stats.Tensors.Count, back.Tensors.Count);
        for (int i = 0; i < stats.Tensors.Count; i++)
        {
            Assert.Equal(stats.Tensors[i].Name, back.Tensors[i].Name);
            Assert.Equal(stats.Tensors[i].Min, back.Tensors[i].Min);
            Assert.Equal(stats.Tensors[i].Max, back.Tensors[i].Max);
            Assert.Equal(stats.Tensors[i].Histogram, back.Tensors[i].Histogram);
        }

        using var tmp = new TempDir();
        stats.Save(tmp.File("s.json"));
        Assert.Equal(stats.ToJson(), CalibrationStatistics.Load(tmp.File("s.json")).ToJson());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"format\":\"other\"}")]
    [InlineData("{\"format\":\"ModelOptimization.CalibrationStatistics\",\"version\":1,\"samples\":1,\"tensors\":[{\"subgraph\":0}]}")]
    public void Statistics_Malformed_CalibrationDataInvalid(string json)
        => Assert.Equal(ErrorIds.CalibrationDataInvalid, Assert.Throws<ModelOptimizationException>(() => CalibrationStatistics.FromJson(json)).ErrorId);

    [Fact]
    public void Statistics_ReusedAcrossModes_SameRangesAsCalibrating()
    {
        var model = GraphBuilder.FullyConnected(BuiltinOperator.SOFTMAX);
        var data = GraphBuilder.Samples(model, 8);
        var stats = Calibrator.Calibrate(model, data);
        var a = ModelQuantizer.Quantize(model, new QuantizationOptions { Mode = QuantizationMode.FullInteger, CalibrationData = data });
        var b = ModelQuantizer.Quantize(model, new QuantizationOptions { Mode = QuantizationMode.FullInteger, Statistics = stats });
        var c = ModelQuantizer.Quantize(model, new QuantizationOptions { Mode = QuantizationMode.Int16x8, Statistics = stats });
        Assert.Equal(a.Model.Subgraphs[0].Tensors.Select(t => t.Quantization), b.Model.Subgraphs[0].Tensors.Select(t => t.Quantization));
        Assert.Contains(c.Model.Subgraphs[0].Tensors, t => t.Type == Core.Graph.TensorType.Int16);
    }

    [Fact]
    public void Statistics_OfAnotherModel_ParameterCombinationInvalid()
    {
        var a = GraphBuilder.FullyConnected();
        var stats = Calibrator.Calibrate(a, GraphBuilder.Samples(a, 2));
        var other = GraphBuilder.FullyConnected(BuiltinOperator.SOFTMAX);
        other.Subgraphs[0].Tensors[0].Name = "renamed";
        var e = Assert.Throws<ModelOptimizationException>(() => ModelQuantizer.Quantize(other, new QuantizationOptions { Mode = QuantizationMode.FullInteger, Statistics = stats }));
        Assert.Equal(ErrorIds.ParameterCombinationInvalid, e.ErrorId);
    }

    [Fact]
    public void NaNInSample_CalibrationDataInvalidNamingInput()
    {
        var model = GraphBuilder.FullyConnected();
        var x = GraphBuilder.Values(16, 1);
        x[3] = float.NaN;
        var e = Assert.Throws<ModelOptimizationException>(() => Calibrator.Calibrate(model, new InMemoryDataset([[x]])));
        Assert.Equal(ErrorIds.CalibrationDataInvalid, e.ErrorId);
        Assert.Contains("'x'", e.Message);
    }

    [Fact]
    public void InfinityInActivation_CalibrationDataInvalidNamingTensor()
    {
        var model = GraphBuilder.FullyConnected(BuiltinOperator.EXP);
        var x = Enumerable.Repeat(1000f, 16).ToArray();
        var e = Assert.Throws<ModelOptimizationException>(() => Calibrator.Calibrate(model, new InMemoryDataset([[x]])));
        Assert.Equal(ErrorIds.CalibrationDataInvalid, e.ErrorId);
        Assert.Contains("extra/out", e.Message);
    }

    [Fact]
    public void EmptyDataset_CalibrationDataInvalid()
    {
        var e = Assert.Throws<ModelOptimizationException>(() => Calibrator.Calibrate(GraphBuilder.FullyConnected(), new InMemoryDataset([])));
        Assert.Equal(ErrorIds.CalibrationDataInvalid, e.ErrorId);
    }

    [Fact]
    public void ZeroRangeActivation_StillGetsValidScale()
    {
        var model = GraphBuilder.FullyConnected();
        var zeros = new InMemoryDataset([[new float[16]]]);
        var r = ModelQuantizer.Quantize(model, new QuantizationOptions { Mode = QuantizationMode.FullInteger, CalibrationData = zeros });
        Assert.All(r.Model.Subgraphs[0].Tensors.Where(t => t.Quantization?.Scale is not null).SelectMany(t => t.Quantization!.Scale!),
            s => Assert.True(s > 0 && float.IsFinite(s)));
    }

    [Fact]
    public void MaxSamples_LimitsTheRun()
    {
        var model = GraphBuilder.FullyConnected();
        var stats = Calibrator.Calibrate(model, GraphBuilder.Samples(model, 20), new CalibrationOptions { MaxSamples = 3 });
        Assert.Equal(3, stats.SampleCount);
    }

    [Fact]
    public void Progress_ReachesHundred()
    {
        var model = GraphBuilder.FullyConnected();
        var reports = new List<QuantizationProgress>();
        Calibrator.Calibrate(model, GraphBuilder.Samples(model, 4), null, new SyncProgress(reports.Add));
        Assert.Equal(100, reports[^1].PercentComplete);
        Assert.True(reports.Count >= 4);
    }

    private sealed class SyncProgress(Action<QuantizationProgress> report) : IProgress<QuantizationProgress>
    {
        public void Report(QuantizationProgress value) => report(value);
    }
}

public class BiasCorrectionTests
{
    [Fact]
    public void Calibration_RecordsChannelMeansOfTheLastAxis_AndSavesThem()
    {
        var model = GraphBuilder.FullyConnected();
        var x = new float[16];
        for (int i = 0; i < 16; i++) x[i] = i;
        var stats = Calibrator.Calibrate(model, new InMemoryDataset([[x], [x.Select(v => v + 2).ToArray()]]));
        var input = stats.Find("x")!;
        Assert.Equal(16, input.ChannelMeans!.Count);
        Assert.Equal(1f, input.ChannelMeans[0]);
        Assert.Equal(16f, input.ChannelMeans[15]);
        Assert.Equal(input.ChannelMeans, CalibrationStatistics.FromJson(stats.ToJson()).Find("x")!.ChannelMeans);
    }

    [Fact]
    public void BiasCorrection_RemovesTheMeanShiftOfWeightQuantization()
    {
        // Inputs with a large common mean amplify the weights' rounding error into a systematic output shift.
        var model = GraphBuilder.FullyConnected(inputs: 64, outputs: 16);
        var samples = Enumerable.Range(0, 64).Select(i => GraphBuilder.Values(64, 100 + i, 0.1f).Select(v => v + 3f).ToArray()).ToList();
        var data = new InMemoryDataset(samples.Select(s => new Array[] { s }).ToList());
        double Error(bool correct)
        {
            var q = ModelQuantizer.Quantize(model, new QuantizationOptions { Mode = QuantizationMode.FullInteger, CalibrationData = data, BiasCorrection = correct }).Model;
            using var f = Runtime.Interpreter.Create(model);
            using var i = Runtime.Interpreter.Create(q);
            double sum = 0;
            foreach (var s in samples)
            {
                f.SetInput(0, s);
                i.SetInput(0, s);
                f.Invoke();
                i.Invoke();
                sum += f.GetOutput(0).ToFloats().Zip(i.GetOutput(0).ToFloats()).Sum(p => p.First - p.Second); // signed: the mean shift
            }

            return Math.Abs(sum / samples.Count);
        }

        double without = Error(false), with = Error(true);
        Assert.True(with < without, $"mean shift with correction {with} is not below {without}");
    }
}
