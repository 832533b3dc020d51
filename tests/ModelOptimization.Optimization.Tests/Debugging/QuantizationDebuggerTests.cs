using ModelOptimization.Core.Data;
using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Formats.Tflite;
using ModelOptimization.Optimization.Debugging;
using ModelOptimization.Optimization.Quantization;
using ModelOptimization.Optimization.Tests.Helpers;
using ModelOptimization.Runtime;
using Xunit.Abstractions;

namespace ModelOptimization.Optimization.Tests.Debugging;

public class QuantizationDebuggerTests(ITestOutputHelper output)
{
    [Fact]
    public void Measure_SmallGraphAccumulated_EqualsDirectComputation()
    {
        var model = DebugData.TwoLayers();
        var data = GraphBuilder.Samples(model, 6, seed: 11);
        var q = ModelQuantizer.Quantize(model, new QuantizationOptions { Mode = QuantizationMode.FullInteger, CalibrationData = GraphBuilder.Samples(model, 20) }).Model;

        var report = QuantizationDebugger.Measure(q, model, data);

        Assert.Equal(["fc1/out", "fc2/out"], report.Layers.Select(l => l.LayerName));
        AssertEqualsDirect(q, model, data, report);
    }

    [Fact]
    public void Measure_ConvFcMnistFullInteger_EqualsDirectComputation()
    {
        var model = DebugData.ConvFcMnist();
        var q = DebugData.QuantizeMnist(model, QuantizationMode.FullInteger).Model;
        var data = DebugData.Mnist(0, 8);

        var report = QuantizationDebugger.Measure(q, model, data);

        Assert.Equal(8, report.Samples);
        Assert.NotEmpty(report.Layers);
        AssertEqualsDirect(q, model, data, report);
        foreach (var l in report.Layers) output.WriteLine(l.ToString());
    }

    [Fact]
    public void Measure_FullIntegerConv_RmseOverScaleInPlausibleBand()
    {
        var model = DebugData.ConvFcMnist();
        var q = DebugData.QuantizeMnist(model, QuantizationMode.FullInteger).Model;
        var report = QuantizationDebugger.Measure(q, model, DebugData.Mnist(0, 10), new QuantizationDebugOptions { Mode = ErrorMeasurementMode.Isolated });

        var conv = report.Layers.First(l => l.OpType == "CONV_2D");
        output.WriteLine(conv.ToString());
        Assert.InRange(conv.RmseOverScale, 0.15, 0.7);
        Assert.True(conv.Scale > 0);
        Assert.Equal("int8", conv.OutputType);
        Assert.NotNull(conv.WeightScale);
        Assert.True(conv.SqnrDb > 20, $"SQNR {conv.SqnrDb}");
    }

    [Fact]
    public void Measure_DeepLayer_IsolatedErrorAtMostAccumulated()
    {
        var model = DebugData.ConvFcMnist();
        var q = DebugData.QuantizeMnist(model, QuantizationMode.FullInteger).Model;
        var data = DebugData.Mnist(0, 10);
        var acc = QuantizationDebugger.Measure(q, model, data);
        var iso = QuantizationDebugger.Measure(q, model, data, new QuantizationDebugOptions { Mode = ErrorMeasurementMode.Isolated });

        Assert.Equal(acc.Layers.Select(l => l.LayerName), iso.Layers.Select(l => l.LayerName));
        var deepAcc = acc.Layers[^1];
        var deepIso = iso.Layers[^1];
        output.WriteLine($"{deepAcc}\n{deepIso}");
        Assert.Equal("Isolated", deepIso.Mode);
        Assert.True(deepIso.MeanSquaredError <= deepAcc.MeanSquaredError, $"isolated {deepIso.MeanSquaredError} > accumulated {deepAcc.MeanSquaredError}");
        // The first quantized layer reads the model input in both modes.
        Assert.Equal(acc.Layers[0].MeanSquaredError, iso.Layers[0].MeanSquaredError, 9);
    }

    [Fact]
    public void Measure_Isolated_EqualsHandBuiltOneOpModel()
    {
        var model = DebugData.TwoLayers();
        var data = GraphBuilder.Samples(model, 5, seed: 3);
        var q = ModelQuantizer.Quantize(model, new QuantizationOptions { Mode = QuantizationMode.FullInteger, CalibrationData = GraphBuilder.Samples(model, 20) }).Model;
        var report = QuantizationDebugger.Measure(q, model, data, new QuantizationDebugOptions { Mode = ErrorMeasurementMode.Isolated });
        var fc2 = report.Layers.Single(l => l.LayerName == "fc2/out");

        // By hand: a model holding only the quantized fc2 (int8 input, weights, bias, int8 output), fed with the
        // float model's fc1/out quantized to fc2's input parameters.
        var qg = q.Subgraphs[0];
        var op = qg.Operators[fc2.QuantizedIndex];
        var one = new Model { Name = "one", OperatorCodes = q.OperatorCodes, Buffers = q.Buffers };
        var sg = new Subgraph();
        foreach (int t in op.Inputs.Concat(op.Outputs)) sg.Tensors.Add(qg.Tensors[t].Clone());
        sg.Operators.Add(new Operator { OpcodeIndex = op.OpcodeIndex, BuiltinOptions = op.BuiltinOptions, Inputs = [0, 1, 2], Outputs = [3] });
        sg.Inputs = [0];
        sg.Outputs = [3];
        one.Subgraphs.Add(sg);
        var inParams = sg.Tensors[0].Quantization!;
        var rg = model.Subgraphs[0];
        using var refRun = Interpreter.Create(model, new InterpreterOptions { PreserveIntermediates = true });
        using var oneRun = Interpreter.Create(one);
        double mse = 0, sqnr = 0;
        int n = 0;
        foreach (var sample in data.GetSamples())
        {
            refRun.SetInput(0, sample[0]);
            refRun.Invoke();
            var h = (float[])refRun.GetTensor(rg.Tensors.FindIndex(t => t.Name == "fc1/out")).Data;
            var f = (float[])refRun.GetTensor(rg.Tensors.FindIndex(t => t.Name == "fc2/out")).Data;
            oneRun.SetInput(0, h.Select(v => (sbyte)Math.Clamp(MathF.Round(v / inParams.Scale![0], MidpointRounding.AwayFromZero) + inParams.ZeroPoint![0], -128, 127)).ToArray());
            oneRun.Invoke();
            var y = oneRun.GetOutput(0).ToFloats();
            double se = 0, ss = 0;
            for (int i = 0; i < f.Length; i++)
            {
                se += (y[i] - (double)f[i]) * (y[i] - (double)f[i]);
                ss += (double)f[i] * f[i];
            }

            mse += se / f.Length;
            sqnr += 10 * Math.Log10(ss / se);
            n++;
        }

        Assert.Equal(mse / n, fc2.MeanSquaredError, 9);
        Assert.Equal(sqnr / n, fc2.SqnrDb, 6);
    }

    public static TheoryData<string, ErrorMeasurementMode> Modes()
    {
        var d = new TheoryData<string, ErrorMeasurementMode>();
        foreach (var m in new[] { "FullInteger", "FullIntegerInt8Io", "FullIntegerUInt8Io", "Int16x8", "DynamicRange", "WeightOnly8", "WeightOnly4", "WeightOnly4Block32", "Float16", "BFloat16" })
        {
            d.Add(m, ErrorMeasurementMode.Accumulated);
            d.Add(m, ErrorMeasurementMode.Isolated);
        }

        return d;
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Measure_EveryQuantizationMode_ProducesRecords(string mode, ErrorMeasurementMode measurement)
    {
        var model = DebugData.ConvFcMnist();
        var o = mode switch
        {
            "FullIntegerInt8Io" => new QuantizationOptions { Mode = QuantizationMode.FullInteger, InputType = IoType.Int8, OutputType = IoType.Int8 },
            "FullIntegerUInt8Io" => new QuantizationOptions { Mode = QuantizationMode.FullInteger, InputType = IoType.UInt8, OutputType = IoType.UInt8 },
            "WeightOnly8" => new QuantizationOptions { Mode = QuantizationMode.WeightOnly },
            "WeightOnly4" => new QuantizationOptions { Mode = QuantizationMode.WeightOnly, WeightBits = 4 },
            "WeightOnly4Block32" => new QuantizationOptions { Mode = QuantizationMode.WeightOnly, WeightBits = 4, Granularity = WeightGranularity.Blockwise },
            _ => new QuantizationOptions { Mode = Enum.Parse<QuantizationMode>(mode) },
        };
        var q = DebugData.QuantizeMnist(model, o.Mode, options: o).Model;
        // Every mode's model runs in the interpreter (blockwise int4 included): Measure throws if one cannot.
        var report = QuantizationDebugger.Measure(q, model, DebugData.Mnist(0, 4), new QuantizationDebugOptions { Mode = measurement, IncludeChannelDetail = true });

        foreach (var l in report.Layers) output.WriteLine(l.ToString());
        output.WriteLine(report.Outputs[0].ToString());
        Assert.NotEmpty(report.Layers);
        Assert.All(report.Layers, l =>
        {
            Assert.Equal(4, l.Samples);
            Assert.False(double.IsNaN(l.SqnrDb));
            Assert.InRange(l.CosineSimilarity, 0.5, 1.0000001);
        });
        Assert.Contains(report.Layers, l => l.OpType is "CONV_2D" or "FULLY_CONNECTED");
        var outSummary = Assert.Single(report.Outputs);
        Assert.True(outSummary.SqnrDb > 5, $"output SQNR {outSummary.SqnrDb}");
        Assert.NotNull(outSummary.Top1Agreement);
    }

    [Fact]
    public void Measure_ExcludedLayer_HasNoRecord()
    {
        var model = DebugData.ConvFcMnist();
        var q = DebugData.QuantizeMnist(model, QuantizationMode.FullInteger).Model;
        var data = DebugData.Mnist(0, 3);
        var all = QuantizationDebugger.Measure(q, model, data);
        string victim = all.Layers.First(l => l.OpType == "CONV_2D").LayerName;

        var planned = model.Clone();
        planned.Plan.Rules.Add(new LayerRule { Name = [victim] });
        var q2 = DebugData.QuantizeMnist(planned, QuantizationMode.FullInteger).Model;
        var fewer = QuantizationDebugger.Measure(q2, model, data);

        Assert.Contains(all.Layers, l => l.LayerName == victim);
        Assert.DoesNotContain(fewer.Layers, l => l.LayerName == victim);
    }

    [Fact]
    public void Measure_IncludeChannelDetail_GivesOneScalePerOutputChannel()
    {
        var model = DebugData.ConvFcMnist();
        var q = DebugData.QuantizeMnist(model, QuantizationMode.FullInteger).Model;
        var progress = new List<int>();

        var report = QuantizationDebugger.Measure(q, model, DebugData.Mnist(0, 10), new QuantizationDebugOptions { MaxSamples = 3, IncludeChannelDetail = true },
            new SyncProgress(progress.Add));

        Assert.Equal(3, report.Samples);
        Assert.Equal([1, 2, 3], progress);
        var conv = report.Layers.First(l => l.OpType == "CONV_2D");
        int channels = model.Subgraphs[0].Tensors[model.Subgraphs[0].Operators[conv.LayerIndex].Outputs[0]].Shape[^1];
        Assert.Equal(channels, conv.WeightScales!.Length);
        Assert.Equal(channels, conv.WeightScale!.Count);
        Assert.All(conv.WeightZeroPoints!, z => Assert.Equal(0, z));
        Assert.Equal(conv.WeightScales.Min(), conv.WeightScale.Min, 12);
        Assert.Null(QuantizationDebugger.Measure(q, model, DebugData.Mnist(0, 1)).Layers[0].WeightScales);
    }

    [Fact]
    public void Measure_Cancelled_ThrowsOperationCanceled()
    {
        var model = DebugData.ConvFcMnist();
        var q = DebugData.QuantizeMnist(model, QuantizationMode.DynamicRange).Model;
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => QuantizationDebugger.Measure(q, model, DebugData.Mnist(0, 3), cancellationToken: cts.Token));
    }

    [Fact]
    public void Measure_SoftmaxOutput_ReportsKlDivergenceAndTop1()
    {
        var model = DebugData.ConvFcMnist();
        var q = DebugData.QuantizeMnist(model, QuantizationMode.FullInteger).Model;

        var o = QuantizationDebugger.Measure(q, model, DebugData.Mnist(0, 10)).Outputs.Single();

        Assert.NotNull(o.KlDivergence);
        Assert.InRange(o.KlDivergence!.Value, 0, 0.05);
        Assert.InRange(o.Top1Agreement!.Value, 0.9, 1);
        Assert.Equal(10, o.Samples);
    }

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    [Fact]
    public void MatchLayers_NonTwinModels_ThrowsGraphStructureMismatch()
    {
        var model = DebugData.ConvFcMnist();
        var q = DebugData.QuantizeMnist(model, QuantizationMode.DynamicRange).Model;
        var other = DebugData.TwoLayers();

        var e = Assert.Throws<ModelOptimizationException>(() => QuantizationDebugger.MatchLayers(q, other));
        Assert.Equal(ErrorIds.GraphStructureMismatch, e.ErrorId);
        output.WriteLine(e.Message);
    }

    [Fact]
    public void Measure_QuantizedModelReadBackFromBytes_GivesTheSameFigures()
    {
        var model = DebugData.ConvFcMnist();
        var q = DebugData.QuantizeMnist(model, QuantizationMode.FullInteger).Model;
        var stream = new MemoryStream();
        TfliteWriter.Write(q, stream);
        var back = TfliteReader.Read(stream.ToArray(), "back.tflite");
        var data = DebugData.Mnist(0, 4);

        var a = QuantizationDebugger.Measure(q, model, data);
        var b = QuantizationDebugger.Measure(back, model, data);

        Assert.Equal(a.Layers.Select(l => (l.LayerName, l.MeanSquaredError)), b.Layers.Select(l => (l.LayerName, l.MeanSquaredError)));
    }

    [Fact]
    public void MatchLayers_RenamedTensors_FallsBackToPosition()
    {
        var model = DebugData.ConvFcMnist();
        var q = DebugData.QuantizeMnist(model, QuantizationMode.FullInteger).Model.Clone();
        foreach (var t in q.Subgraphs[0].Tensors) t.Name = "renamed_" + t.Name;

        var matches = QuantizationDebugger.MatchLayers(q, model);
        var byName = QuantizationDebugger.MatchLayers(DebugData.QuantizeMnist(model, QuantizationMode.FullInteger).Model, model);

        Assert.All(matches, m => Assert.False(m.MatchedByName));
        Assert.Equal(byName.Select(m => (m.ReferenceIndex, m.QuantizedIndex)), matches.Select(m => (m.ReferenceIndex, m.QuantizedIndex)));
    }

    [Fact]
    public void SuggestExclusions_UsesRmseOverScaleOrSqnr()
    {
        var layers = new[]
        {
            new LayerErrorRecord { LayerIndex = 3, LayerName = "bad", RmseOverScale = 0.9, SqnrDb = 30 },
            new LayerErrorRecord { LayerIndex = 1, LayerName = "good", RmseOverScale = 0.3, SqnrDb = 10 },
            new LayerErrorRecord { LayerIndex = 2, LayerName = "hybrid-bad", RmseOverScale = double.NaN, SqnrDb = 12 },
            new LayerErrorRecord { LayerIndex = 0, LayerName = "hybrid-good", RmseOverScale = double.NaN, SqnrDb = 40 },
            new LayerErrorRecord { LayerIndex = 4, LayerName = "int16-good", RmseOverScale = 17, SqnrDb = 50, OutputType = "int16" },
        };

        Assert.Equal(["hybrid-bad", "bad"], QuantizationDebugger.SuggestExclusions(layers).Select(l => l.LayerName));
        Assert.Equal(["hybrid-bad"], QuantizationDebugger.SuggestExclusions(layers, threshold: 1.0).Select(l => l.LayerName));
    }

    /// <summary>Recomputes every record from two PreserveIntermediates runs with scalar double loops.</summary>
    private static void AssertEqualsDirect(Model q, Model model, IDataset data, QuantizationErrorReport report)
    {
        var rg = model.Subgraphs[0];
        var qg = q.Subgraphs[0];
        using var r = Interpreter.Create(model, new InterpreterOptions { PreserveIntermediates = true });
        using var k = Interpreter.Create(q, new InterpreterOptions { PreserveIntermediates = true });
        foreach (var rec in report.Layers)
        {
            int rt = rg.Operators[rec.LayerIndex].Outputs[0];
            int qt = qg.Operators[rec.QuantizedIndex].Outputs[0];
            Assert.Equal(rec.LayerName, rg.Tensors[rt].Name);
            double mse = 0, mean = 0, sqnr = 0, cos = 0, max = 0;
            int n = 0;
            foreach (var s in data.GetSamples())
            {
                r.SetInput(0, s[0]);
                r.Invoke();
                var qs = q.Subgraphs[0].Tensors[q.Subgraphs[0].Inputs[0]];
                k.SetInput(0, s[0]);
                k.Invoke();
                var f = r.GetTensor(rt).ToFloats();
                var y = k.GetTensor(qt).ToFloats();
                double se = 0, sf = 0, sq = 0, fq = 0, d = 0;
                for (int i = 0; i < f.Length; i++)
                {
                    double e = (double)y[i] - f[i];
                    se += e * e;
                    d += e;
                    sf += (double)f[i] * f[i];
                    sq += (double)y[i] * y[i];
                    fq += (double)f[i] * y[i];
                    max = Math.Max(max, Math.Abs(e));
                }

                mse += se / f.Length;
                mean += d / f.Length;
                sqnr += se == 0 ? 200 : 10 * Math.Log10(sf / se);
                cos += sf == 0 && sq == 0 ? 1 : fq / Math.Sqrt(sf * sq);
                n++;
            }

            Assert.Equal(mse / n, rec.MeanSquaredError, 1e-9 + 1e-6 * mse / n);
            Assert.Equal(mean / n, rec.MeanError, 1e-7);
            Assert.Equal(sqnr / n, rec.SqnrDb, 1e-6);
            Assert.Equal(cos / n, rec.CosineSimilarity, 1e-9);
            Assert.Equal(max, rec.MaxAbsError, 1e-5);
            if (rec.Scale is { } scale) Assert.Equal(Math.Sqrt(mse / n) / scale, rec.RmseOverScale, 1e-6);
            else Assert.True(double.IsNaN(rec.RmseOverScale));
        }
    }
}
