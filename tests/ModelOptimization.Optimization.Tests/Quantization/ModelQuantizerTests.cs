using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Core.Validation;
using ModelOptimization.Formats.Tflite;
using ModelOptimization.Optimization.Quantization;
using ModelOptimization.Optimization.Tests.Helpers;
using ModelOptimization.Runtime;

namespace ModelOptimization.Optimization.Tests.Quantization;

public class ModelQuantizerTests
{
    private static QuantizationResult Quantize(Model m, QuantizationMode mode, Func<QuantizationOptions, QuantizationOptions>? tweak = null)
    {
        var o = new QuantizationOptions { Mode = mode };
        if (QuantizationOptions.NeedsCalibration(mode)) o = o with { CalibrationData = GraphBuilder.Samples(m, 16) };
        return ModelQuantizer.Quantize(m, tweak?.Invoke(o) ?? o);
    }

    private static IEnumerable<(Operator Op, BuiltinOperator Code, int Version)> Ops(Model m)
        => m.Subgraphs[0].Operators.Select(o => (o, m.CodeOf(o).Op, m.CodeOf(o).Version));

    private static Tensor In(Model m, Operator op, int slot) => m.Subgraphs[0].Tensors[op.Inputs[slot]];

    private static Tensor Out(Model m, Operator op, int slot = 0) => m.Subgraphs[0].Tensors[op.Outputs[slot]];

    [Theory]
    [InlineData(QuantizationMode.DynamicRange)]
    [InlineData(QuantizationMode.FullInteger)]
    [InlineData(QuantizationMode.Int16x8)]
    [InlineData(QuantizationMode.Float16)]
    [InlineData(QuantizationMode.BFloat16)]
    [InlineData(QuantizationMode.WeightOnly)]
    public void Quantize_EveryMode_NewValidModelAndInputUntouched(QuantizationMode mode)
    {
        var model = GraphBuilder.FullyConnected(BuiltinOperator.SOFTMAX);
        string before = Describe(model);
        var r = Quantize(model, mode);
        Assert.NotSame(model, r.Model);
        Assert.Same(model, r.Model.Source);
        Assert.StartsWith("Quantization " + mode, r.Model.Transform);
        Assert.Empty(ModelValidator.Validate(r.Model));
        Assert.Equal(before, Describe(model));
        Assert.Equal(2, r.Layers.Count);
        Assert.Equal(LayerQuantizationDecision.Quantized, r.Layers[0].Decision);
    }

    [Fact]
    public void DynamicRange_FullyConnected_Int8PerChannelWeightsVersion12Asymmetric()
    {
        var r = Quantize(GraphBuilder.FullyConnected(), QuantizationMode.DynamicRange);
        var (op, code, version) = Ops(r.Model).Single();
        Assert.Equal(BuiltinOperator.FULLY_CONNECTED, code);
        Assert.Equal(12, version);
        Assert.True(op.BuiltinOptions!.GetBoolean("asymmetric_quantize_inputs"));
        var w = In(r.Model, op, 1);
        Assert.Equal(TensorType.Int8, w.Type);
        Assert.Equal(QuantizationGranularity.PerChannel, w.Quantization!.Granularity);
        Assert.All(w.Quantization.ZeroPoint!, z => Assert.Equal(0, z));
        Assert.Equal(TensorType.Float32, In(r.Model, op, 0).Type);
        Assert.Equal(TensorType.Float32, In(r.Model, op, 2).Type); // bias stays float in hybrid ops
        var q = r.Model.DataOf(w).ToArray().Select(b => (sbyte)b);
        Assert.All(q, v => Assert.InRange(v, (sbyte)-127, (sbyte)127));
    }

    [Fact]
    public void DynamicRange_PerTensor_Version9()
    {
        var r = Quantize(GraphBuilder.FullyConnected(), QuantizationMode.DynamicRange, o => o with { Granularity = WeightGranularity.PerTensor });
        var (op, _, version) = Ops(r.Model).Single();
        Assert.Equal(9, version);
        Assert.Equal(QuantizationGranularity.PerTensor, In(r.Model, op, 1).Quantization!.Granularity);
    }

    [Fact]
    public void FullInteger_FloatInterface_QuantizeFirstDequantizeLast()
    {
        var model = GraphBuilder.FullyConnected(BuiltinOperator.SOFTMAX);
        var r = Quantize(model, QuantizationMode.FullInteger);
        var ops = Ops(r.Model).ToList();
        Assert.Equal([BuiltinOperator.QUANTIZE, BuiltinOperator.FULLY_CONNECTED, BuiltinOperator.SOFTMAX, BuiltinOperator.DEQUANTIZE], ops.Select(o => o.Code));
        var sg = r.Model.Subgraphs[0];
        Assert.Equal(TensorType.Float32, sg.Tensors[sg.Inputs[0]].Type);
        Assert.Equal(TensorType.Float32, sg.Tensors[sg.Outputs[0]].Type);
        Assert.Equal("x", sg.Tensors[sg.Inputs[0]].Name);
        Assert.Equal("extra/out", sg.Tensors[sg.Outputs[0]].Name);

        var fc = ops[1];
        Assert.Equal(4, fc.Version);
        var input = In(r.Model, fc.Op, 0);
        var weights = In(r.Model, fc.Op, 1);
        var bias = In(r.Model, fc.Op, 2);
        Assert.Equal(TensorType.Int8, input.Type);
        Assert.Equal(TensorType.Int32, bias.Type);
        Assert.Equal(0, bias.Quantization!.QuantizedDimension);
        for (int c = 0; c < weights.Quantization!.Scale!.Length; c++)
            Assert.Equal(input.Quantization!.Scale![0] * weights.Quantization.Scale[c], bias.Quantization.Scale![c]);

        var softmaxOut = Out(r.Model, ops[2].Op);
        Assert.Equal(TensorType.Int8, softmaxOut.Type);
        Assert.Equal(1f / 256f, softmaxOut.Quantization!.Scale![0]);
        Assert.Equal(-128, softmaxOut.Quantization.ZeroPoint![0]);
        Assert.Equal(2, ops[2].Version);
    }

    [Theory]
    [InlineData(IoType.Int8, TensorType.Int8)]
    [InlineData(IoType.UInt8, TensorType.UInt8)]
    public void FullInteger_IntegerInterface_InputAndOutputTypes(IoType io, TensorType type)
    {
        var r = Quantize(GraphBuilder.FullyConnected(BuiltinOperator.SOFTMAX), QuantizationMode.FullInteger, o => o with { InputType = io, OutputType = io });
        var sg = r.Model.Subgraphs[0];
        Assert.Equal(type, sg.Tensors[sg.Inputs[0]].Type);
        Assert.Equal(type, sg.Tensors[sg.Outputs[0]].Type);
        Assert.Equal(io == IoType.Int8 ? 0 : 2, Ops(r.Model).Count(o => o.Code == BuiltinOperator.QUANTIZE));
        Assert.DoesNotContain(Ops(r.Model), o => o.Code == BuiltinOperator.DEQUANTIZE);
        if (io == IoType.UInt8) Assert.Equal(0, sg.Tensors[sg.Outputs[0]].Quantization!.ZeroPoint![0]); // -128 + 128
    }

    [Fact]
    public void Int16x8_Int16ActivationsZeroPointZeroAndInt64Bias()
    {
        var r = Quantize(GraphBuilder.FullyConnected(BuiltinOperator.SOFTMAX), QuantizationMode.Int16x8);
        var fc = Ops(r.Model).Single(o => o.Code == BuiltinOperator.FULLY_CONNECTED);
        Assert.Equal(TensorType.Int16, In(r.Model, fc.Op, 0).Type);
        Assert.Equal(0, In(r.Model, fc.Op, 0).Quantization!.ZeroPoint![0]);
        Assert.Equal(TensorType.Int8, In(r.Model, fc.Op, 1).Type);
        Assert.Equal(TensorType.Int64, In(r.Model, fc.Op, 2).Type);
        Assert.Equal(7, fc.Version);
        var sm = Ops(r.Model).Single(o => o.Code == BuiltinOperator.SOFTMAX);
        Assert.Equal(1f / 32768f, Out(r.Model, sm.Op).Quantization!.Scale![0]);
        Assert.Equal(3, sm.Version);
    }

    [Fact]
    public void Int16x8_AddGetsGeneralScalesVersion3()
    {
        var b = new GraphBuilder();
        int x = b.Input([1, 8], "x");
        int c = b.Const([1, 8], GraphBuilder.Values(8, 3), "c");
        int y = b.Tensor([1, 8], "sum");
        b.Op(BuiltinOperator.ADD, [x, c], [y]);
        var model = b.Build(y);
        var r = Quantize(model, QuantizationMode.Int16x8);
        var add = Ops(r.Model).Single(o => o.Code == BuiltinOperator.ADD);
        Assert.False(add.Op.BuiltinOptions!.GetBoolean("pot_scale_int16"));
        Assert.Equal(3, add.Version);
        Assert.Equal(TensorType.Int16, In(r.Model, add.Op, 1).Type); // the constant is quantized in its own form
    }

    [Fact]
    public void FullInteger_OpWithoutIntegerKernel_StaysFloatWithWarning()
    {
        var r = Quantize(GraphBuilder.FullyConnected(BuiltinOperator.EXP), QuantizationMode.FullInteger);
        Assert.Equal(LayerQuantizationDecision.Quantized, r.Layers[0].Decision);
        Assert.Equal(LayerQuantizationDecision.Float, r.Layers[1].Decision);
        Assert.Contains(r.Layers[1].Warnings, w => w.StartsWith(ErrorIds.OperatorNotQuantizable));
        var codes = Ops(r.Model).Select(o => o.Code).ToList();
        Assert.Equal([BuiltinOperator.QUANTIZE, BuiltinOperator.FULLY_CONNECTED, BuiltinOperator.DEQUANTIZE, BuiltinOperator.EXP], codes);
    }

    [Fact]
    public void FullInteger_Strict_OperatorNotQuantizable()
    {
        var e = Assert.Throws<ModelOptimizationException>(() =>
            Quantize(GraphBuilder.FullyConnected(BuiltinOperator.EXP), QuantizationMode.FullInteger, o => o with { Strict = true }));
        Assert.Equal(ErrorIds.OperatorNotQuantizable, e.ErrorId);
        Assert.Contains("EXP", e.Message);
    }

    [Fact]
    public void Int16x8_OpWithoutInt16Kernel_Warns()
    {
        var r = Quantize(GraphBuilder.FullyConnected(BuiltinOperator.HARD_SWISH), QuantizationMode.Int16x8);
        Assert.Equal(LayerQuantizationDecision.Float, r.Layers[1].Decision);
        Assert.Contains("int16", r.Layers[1].Warnings.Single());
    }

    [Fact]
    public void FullInteger_ExcludedLayer_StaysFloatBetweenQuantizeAndDequantize()
    {
        var model = GraphBuilder.FullyConnected(BuiltinOperator.SOFTMAX);
        model.Plan.Rules.Add(new LayerRule { OpType = ["SOFTMAX"], Reason = "keep probabilities exact" });
        var r = Quantize(model, QuantizationMode.FullInteger);
        Assert.Equal(LayerQuantizationDecision.Float, r.Layers[1].Decision);
        Assert.Contains("keep probabilities exact", r.Layers[1].Reason);
        Assert.Empty(r.Layers[1].Warnings);
        Assert.Equal([BuiltinOperator.QUANTIZE, BuiltinOperator.FULLY_CONNECTED, BuiltinOperator.DEQUANTIZE, BuiltinOperator.SOFTMAX],
            Ops(r.Model).Select(o => o.Code));
        Assert.Single(model.Plan.Rules); // the input's plan is not changed
    }

    [Fact]
    public void IncludeRuleWithMode_MixedPrecisionPerLayer()
    {
        var model = GraphBuilder.FullyConnected(BuiltinOperator.SOFTMAX);
        model.Plan.Rules.Add(new LayerRule { OpType = ["FULLY_CONNECTED"], Action = LayerRuleAction.Include, Mode = "Int16x8" });
        var r = Quantize(model, QuantizationMode.FullInteger);
        Assert.Equal(QuantizationMode.Int16x8, r.Layers[0].Mode);
        Assert.Equal(QuantizationMode.FullInteger, r.Layers[1].Mode);
        var sm = Ops(r.Model).Single(o => o.Code == BuiltinOperator.SOFTMAX);
        Assert.Equal(TensorType.Int8, In(r.Model, sm.Op, 0).Type); // int16 → int8 requantized before the int8 softmax
        Assert.Empty(ModelValidator.Validate(r.Model));
    }

    [Fact]
    public void FullInteger_WithoutCalibration_ParameterCombinationInvalid()
    {
        var e = Assert.Throws<ModelOptimizationException>(() => ModelQuantizer.Quantize(GraphBuilder.FullyConnected(), new QuantizationOptions { Mode = QuantizationMode.FullInteger }));
        Assert.Equal(ErrorIds.ParameterCombinationInvalid, e.ErrorId);
    }

    [Theory]
    [InlineData(QuantizationMode.DynamicRange, 4, WeightGranularity.PerChannel)]
    [InlineData(QuantizationMode.WeightOnly, 8, WeightGranularity.Blockwise)]
    [InlineData(QuantizationMode.Float16, 8, WeightGranularity.PerTensor)]
    public void Validate_BadCombinations_ParameterCombinationInvalid(QuantizationMode mode, int bits, WeightGranularity g)
    {
        var e = Assert.Throws<ModelOptimizationException>(() => new QuantizationOptions { Mode = mode, WeightBits = bits, Granularity = g }.Validate());
        Assert.Equal(ErrorIds.ParameterCombinationInvalid, e.ErrorId);
    }

    [Fact]
    public void Float16_ConstantsBecomeFloat16WithDequantize()
    {
        var r = Quantize(GraphBuilder.FullyConnected(), QuantizationMode.Float16);
        var ops = Ops(r.Model).ToList();
        Assert.Equal(2, ops.Count(o => o.Code == BuiltinOperator.DEQUANTIZE && o.Version == 3));
        var fc = ops.Single(o => o.Code == BuiltinOperator.FULLY_CONNECTED);
        Assert.All(fc.Op.Inputs.Skip(1), t => Assert.False(r.Model.IsConstant(r.Model.Subgraphs[0].Tensors[t])));
        Assert.All(r.Model.Subgraphs[0].Tensors.Where(r.Model.IsConstant), t => Assert.Equal(TensorType.Float16, t.Type));
    }

    [Fact]
    public void BFloat16_ConstantsWidenedByCastVersion7()
    {
        var r = Quantize(GraphBuilder.FullyConnected(), QuantizationMode.BFloat16);
        Assert.Equal(2, Ops(r.Model).Count(o => o.Code == BuiltinOperator.CAST && o.Version == 7));
        Assert.All(r.Model.Subgraphs[0].Tensors.Where(r.Model.IsConstant), t => Assert.Equal(TensorType.BFloat16, t.Type));
    }

    [Fact]
    public void WeightOnly_Int4PerChannel_PackedWithDequantizeVersion6()
    {
        var model = GraphBuilder.FullyConnected(inputs: 15);
        var r = Quantize(model, QuantizationMode.WeightOnly, o => o with { WeightBits = 4 });
        var dq = Ops(r.Model).Single(o => o.Code == BuiltinOperator.DEQUANTIZE);
        Assert.Equal(6, dq.Version);
        var w = In(r.Model, dq.Op, 0);
        Assert.Equal(TensorType.Int4, w.Type);
        Assert.Equal((8 * 15 + 1) / 2, r.Model.DataOf(w).Length);
    }

    [Fact]
    public void WeightOnly_Int4Blockwise_Float16ScalesReadDirectlyByFullyConnected()
    {
        var r = Quantize(GraphBuilder.FullyConnected(inputs: 64), QuantizationMode.WeightOnly,
            o => o with { WeightBits = 4, Granularity = WeightGranularity.Blockwise, BlockSize = 32 });
        var fc = Ops(r.Model).Single();
        var w = In(r.Model, fc.Op, 1);
        Assert.Equal(TensorType.Int4, w.Type);
        var details = Assert.IsType<BlockwiseQuantization>(w.Quantization!.Details);
        Assert.Equal(32, details.BlockSize);
        Assert.Equal(-1, details.ZeroPoints);
        var scales = r.Model.Subgraphs[0].Tensors[details.Scales];
        Assert.Equal(TensorType.Float16, scales.Type);
        Assert.Equal(new[] { 8, 2 }, scales.Shape);
        Assert.Equal(8 * 64 / 2, r.Model.DataOf(w).Length);
    }

    [Fact]
    public void Gather_DynamicRange_Int8TableThenDequantize()
    {
        var b = new GraphBuilder();
        int ids = b.Input([1, 4], "ids", TensorType.Int32);
        int table = b.Const([10, 6], GraphBuilder.Values(60, 5), "table");
        int y = b.Tensor([1, 4, 6], "emb");
        b.Op(BuiltinOperator.GATHER, [table, ids], [y]);
        var r = Quantize(b.Build(y), QuantizationMode.DynamicRange);
        var ops = Ops(r.Model).ToList();
        Assert.Equal([BuiltinOperator.GATHER, BuiltinOperator.DEQUANTIZE], ops.Select(o => o.Code));
        Assert.Equal(2, ops[0].Version);
        Assert.Equal("emb", Out(r.Model, ops[1].Op).Name);

        using var f = Interpreter.Create(b.Build(y));
        using var q = Interpreter.Create(r.Model);
        var idx = new[] { 0, 3, 9, 3 };
        f.SetInput(0, idx);
        q.SetInput(0, idx);
        f.Invoke();
        q.Invoke();
        var a = f.GetOutput(0).ToFloats();
        var c = q.GetOutput(0).ToFloats();
        Assert.All(a.Zip(c), p => Assert.Equal(p.First, p.Second, 0.01f));
    }

    [Fact]
    public void ConvFcMnist_FullInteger_MatchesAiEdgeQuantizerLayout()
    {
        var model = SharedModels.Load("conv_fc_mnist_float.tflite");
        var (images, _) = SharedModels.Mnist();
        var data = new Core.Data.InMemoryDataset(images.Take(100).Select(x => new Array[] { x }).ToList());
        var r = ModelQuantizer.Quantize(model, new QuantizationOptions { Mode = QuantizationMode.FullInteger, CalibrationData = data, InputType = IoType.Int8, OutputType = IoType.Int8 });
        var aeq = SharedModels.Load("conv_fc_mnist_int8_a8w8.tflite");
        Assert.Equal(Ops(aeq).Select(o => o.Code), Ops(r.Model).Select(o => o.Code));
        var sg = r.Model.Subgraphs[0];
        var input = sg.Tensors[sg.Inputs[0]];
        Assert.Equal(1f / 255f, input.Quantization!.Scale![0], 6);
        Assert.Equal(-128, input.Quantization.ZeroPoint![0]);
        // average pool and reshape keep their input's scale (same-scale ops)
        var pool = Ops(r.Model).Single(o => o.Code == BuiltinOperator.AVERAGE_POOL_2D);
        var reshape = Ops(r.Model).Single(o => o.Code == BuiltinOperator.RESHAPE);
        Assert.Equal(In(r.Model, pool.Op, 0).Quantization, Out(r.Model, pool.Op).Quantization);
        Assert.Equal(In(r.Model, reshape.Op, 0).Quantization, Out(r.Model, reshape.Op).Quantization);
        Assert.Empty(r.Warnings);
    }

    [Fact]
    public void ConvFcMnist_Roundtrip_WriterReaderKeepsQuantization()
    {
        var model = SharedModels.Load("conv_fc_mnist_float.tflite");
        foreach (var mode in new[] { QuantizationMode.DynamicRange, QuantizationMode.WeightOnly, QuantizationMode.Float16 })
        {
            var r = ModelQuantizer.Quantize(model, new QuantizationOptions { Mode = mode });
            using var tmp = new TempDir();
            TfliteWriter.WriteFile(r.Model, tmp.File("q.tflite"));
            var back = TfliteReader.Read(tmp.File("q.tflite"));
            Assert.Empty(ModelValidator.Validate(back));
            Assert.Equal(r.Model.QuantizationSummary, back.QuantizationSummary);
        }
    }

    [Fact]
    public void WeightsSharedBySubgraphs_AreQuantizedOnce()
    {
        var model = SharedModels.Load("toy_kv_cache_multi_signature_float.tflite");
        var r = ModelQuantizer.Quantize(model, new QuantizationOptions { Mode = QuantizationMode.DynamicRange });
        var buffers = r.Model.Subgraphs.SelectMany(s => s.Tensors).Where(t => t.Type == TensorType.Int8 && r.Model.IsConstant(t)).Select(t => t.Buffer).ToList();
        Assert.NotEmpty(buffers);
        Assert.True(buffers.Count > buffers.Distinct().Count(), "the subgraphs should share their quantized weight buffers");
        Assert.Empty(ModelValidator.Validate(r.Model));
    }

    private static string Describe(Model m)
        => string.Join(";", m.Subgraphs.SelectMany(s => s.Tensors).Select(t => $"{t.Name}:{t.Type}:{t.Buffer}:{t.Quantization}"))
           + "|" + string.Join(";", m.Subgraphs.SelectMany(s => s.Operators).Select(o => $"{o.OpcodeIndex}:{string.Join(",", o.Inputs)}"))
           + "|" + m.OperatorCodes.Count + "|" + m.Buffers.Count + "|" + m.Plan.Rules.Count;
}
