using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Core.Validation;
using ModelOptimization.Formats.SavedModel.Conversion;
using ModelOptimization.Formats.Tflite;
using ModelOptimization.Tests.Shared;
using Xunit.Abstractions;
using static ModelOptimization.Optimization.Tests.TensorFlow.TfTestGraph;

namespace ModelOptimization.Optimization.Tests.TensorFlow;

/// <summary>
/// The converter on small synthetic TensorFlow graphs covering ops the shared SavedModels lack: each converted model
/// must compute what a naive reference of the TensorFlow ops computes, in our interpreter and in LiteRT.js.
/// </summary>
public sealed class SavedModelConverterOpTests(ITestOutputHelper output)
{
    private static string[] Ops(Model m) => m.Subgraphs[0].Operators.Select(o => m.CodeOf(o).Name).ToArray();

    [SkippableFact]
    public void ToTflite_Conv2DBiasAddBatchNormRelu6_OneConvWithFoldedWeightsAndFusedRelu6()
    {
        var g = new TfTestGraph();
        var x = TensorFlowTestData.RandomFloats(1 * 5 * 5 * 3, 1);
        var w = TensorFlowTestData.RandomFloats(3 * 3 * 3 * 4, 2);
        float[] bias = [0.1f, -0.2f, 0.3f, 0.05f], scale = [1.5f, 0.5f, 2f, 1f], offset = [0.2f, 0.1f, -0.3f, 0f],
            mean = [0.1f, -0.1f, 0.2f, 0f], variance = [0.5f, 2f, 1f, 0.25f];
        g.Placeholder("x", -1, 5, 5, 3);
        g.Const("w", w, 3, 3, 3, 4);
        g.Op("Conv2D", "conv", ["x", "w"], TFloat, ("strides", Ints(1, 2, 2, 1)), ("padding", Str("SAME")));
        g.Const("b", bias, 4);
        g.Op("BiasAdd", "bias", ["conv", "b"], TFloat);
        g.Const("scale", scale, 4);
        g.Const("offset", offset, 4);
        g.Const("mean", mean, 4);
        g.Const("var", variance, 4);
        g.Op("FusedBatchNormV3", "bn", ["bias", "scale", "offset", "mean", "var"], TFloat, ("U", Type(Core.TensorFlow.TfDataType.Float)),
            ("epsilon", Float(0.001f)), ("is_training", Bool(false)));
        g.Op("Relu6", "y", ["bn"], TFloat);
        var t = Convert(g.ToModel("conv_bn", "y"));
        Assert.Equal(["CONV_2D"], Ops(t));
        Assert.Equal(ActivationFunctionType.RELU6, t.Subgraphs[0].Operators[0].BuiltinOptions!.FusedActivation);

        var conv = Conv2DReference(x, [1, 5, 5, 3], w, [3, 3, 3, 4], 2, same: true, out var shape);
        var expected = conv.Select((v, i) =>
        {
            int c = i % 4;
            double bn = ((v + bias[c] - mean[c]) * scale[c] / Math.Sqrt(variance[c] + 0.001)) + offset[c];
            return (float)Math.Clamp(bn, 0, 6);
        }).ToArray();
        Assert.Equal([1, 3, 3, 4], shape);
        Check(t, [x], expected, 1e-4);
    }

    [SkippableFact]
    public void ToTflite_DepthwiseConvWithMultiplier_FilterReshapedToOneHwIm()
    {
        var g = new TfTestGraph();
        var x = TensorFlowTestData.RandomFloats(1 * 4 * 4 * 2, 3);
        var w = TensorFlowTestData.RandomFloats(3 * 3 * 2 * 2, 4);
        float[] bias = [0.5f, -0.5f, 0.25f, 0f];
        g.Placeholder("x", -1, 4, 4, 2);
        g.Const("w", w, 3, 3, 2, 2);
        g.Op("DepthwiseConv2dNative", "dw", ["x", "w"], TFloat, ("strides", Ints(1, 1, 1, 1)), ("padding", Str("VALID")));
        g.Const("b", bias, 4);
        g.Op("AddV2", "add", ["dw", "b"], TFloat);
        g.Op("Relu", "y", ["add"], TFloat);
        var t = Convert(g.ToModel("depthwise", "y"));
        Assert.Equal(["DEPTHWISE_CONV_2D"], Ops(t));
        var op = t.Subgraphs[0].Operators[0];
        Assert.Equal(2, op.BuiltinOptions!.GetInt32("depth_multiplier"));
        Assert.Equal([1, 3, 3, 4], t.Subgraphs[0].Tensors[op.Inputs[1]].Shape);
        Assert.Equal(ActivationFunctionType.RELU, op.BuiltinOptions.FusedActivation);

        // out[y,x,i*M+m] = sum_{kh,kw} in[y+kh,x+kw,i] * w[kh,kw,i,m]
        var expected = new float[2 * 2 * 4];
        for (int oy = 0; oy < 2; oy++)
        {
            for (int ox = 0; ox < 2; ox++)
            {
                for (int i = 0; i < 2; i++)
                {
                    for (int m = 0; m < 2; m++)
                    {
                        double s = bias[(i * 2) + m];
                        for (int kh = 0; kh < 3; kh++)
                        {
                            for (int kw = 0; kw < 3; kw++) s += x[((((oy + kh) * 4) + ox + kw) * 2) + i] * w[((((kh * 3) + kw) * 2) + i) * 2 + m];
                        }

                        expected[(((oy * 2) + ox) * 4) + (i * 2) + m] = (float)Math.Max(s, 0);
                    }
                }
            }
        }

        Check(t, [x], expected, 1e-5);
    }

    [SkippableFact]
    public void ToTflite_PadPoolsConcatMeanArithmeticSigmoid_ComputeAsTensorFlow()
    {
        var g = new TfTestGraph();
        var x = TensorFlowTestData.RandomFloats(1 * 4 * 4 * 2, 5, -2, 2);
        g.Placeholder("x", -1, 4, 4, 2);
        g.ConstInt("paddings", [0, 0, 1, 1, 1, 1, 0, 0], 4, 2);
        g.Op("Pad", "pad", ["x", "paddings"], TFloat);
        g.Op("MaxPool", "max", ["pad"], TFloat, ("ksize", Ints(1, 2, 2, 1)), ("strides", Ints(1, 2, 2, 1)), ("padding", Str("VALID")));
        g.Op("AvgPool", "avg", ["pad"], TFloat, ("ksize", Ints(1, 3, 3, 1)), ("strides", Ints(1, 2, 2, 1)), ("padding", Str("SAME")));
        g.Op("Tanh", "tanh", ["avg"], TFloat);
        g.ConstInt("axis", [-1]);
        g.Op("ConcatV2", "concat", ["max", "tanh", "axis"], TFloat, ("N", Int(2)));
        g.ConstInt("axes", [1, 2], 2);
        g.Op("Mean", "mean", ["concat", "axes"], TFloat, ("keep_dims", Bool(false)));
        g.Const("c", [0.5f, -0.25f, 0.1f, 0f], 4);
        g.Op("Sub", "sub", ["mean", "c"], TFloat);
        g.Const("two", [2f]);
        g.Op("RealDiv", "div", ["sub", "two"], TFloat);
        g.Op("Sigmoid", "y", ["div"], TFloat);
        var t = Convert(g.ToModel("pipeline", "y"));
        Assert.Equal(["PAD", "MAX_POOL_2D", "AVERAGE_POOL_2D", "TANH", "CONCATENATION", "MEAN", "SUB", "DIV", "LOGISTIC"], Ops(t));
        Assert.Equal([-1, 4], t.Subgraphs[0].Tensors[t.Subgraphs[0].Outputs[0]].ShapeSignature!);

        // Reference: pad to 6x6, 2x2/2 max pool (3x3), 3x3/2 SAME average pool excluding padding (3x3; TF pads 0 before, 1 after).
        double P(int y, int xx, int c) => y is >= 1 and <= 4 && xx is >= 1 and <= 4 ? x[((((y - 1) * 4) + xx - 1) * 2) + c] : 0;
        var sums = new double[4];
        for (int oy = 0; oy < 3; oy++)
        {
            for (int ox = 0; ox < 3; ox++)
            {
                for (int c = 0; c < 2; c++)
                {
                    double mx = double.MinValue, sum = 0;
                    int n = 0;
                    for (int ky = 0; ky < 2; ky++) for (int kx = 0; kx < 2; kx++) mx = Math.Max(mx, P((oy * 2) + ky, (ox * 2) + kx, c));
                    for (int ky = 0; ky < 3; ky++)
                    {
                        for (int kx = 0; kx < 3; kx++)
                        {
                            int yy = (oy * 2) + ky, xx = (ox * 2) + kx;
                            if (yy >= 6 || xx >= 6) continue;
                            sum += P(yy, xx, c);
                            n++;
                        }
                    }

                    sums[c] += mx;
                    sums[2 + c] += Math.Tanh(sum / n);
                }
            }
        }

        float[] cs = [0.5f, -0.25f, 0.1f, 0f];
        var expected = sums.Select((s, i) => (float)(1 / (1 + Math.Exp(-(((s / 9) - cs[i]) / 2))))).ToArray();
        Check(t, [x], expected, 1e-5);
    }

    [SkippableFact]
    public void ToTflite_BatchMatMulReshapeMatMulTransposeB_BatchMatMulAndFullyConnected()
    {
        var g = new TfTestGraph();
        var x = TensorFlowTestData.RandomFloats(3 * 4, 6);
        var w = TensorFlowTestData.RandomFloats(5 * 9, 7);
        g.Placeholder("x", -1, 3, 4);
        g.Op("BatchMatMulV2", "gram", ["x", "x"], TFloat, ("adj_x", Bool(false)), ("adj_y", Bool(true)));
        g.ConstInt("shape", [-1, 9], 2);
        g.Op("Reshape", "flat", ["gram", "shape"], TFloat, ("Tshape", Type(Core.TensorFlow.TfDataType.Int32)));
        g.Const("w", w, 5, 9);
        g.Op("MatMul", "mm", ["flat", "w"], TFloat, ("transpose_a", Bool(false)), ("transpose_b", Bool(true)));
        g.ConstInt("one", [1]);
        g.Op("ExpandDims", "expand", ["mm", "one"], TFloat);
        g.Op("Squeeze", "y", ["expand"], TFloat, ("squeeze_dims", Ints(1)));
        var t = Convert(g.ToModel("matmuls", "y"));
        Assert.Equal(["BATCH_MATMUL", "RESHAPE", "FULLY_CONNECTED", "EXPAND_DIMS", "SQUEEZE"], Ops(t));
        Assert.Equal([-1, 5], t.Subgraphs[0].Tensors[t.Subgraphs[0].Outputs[0]].ShapeSignature!);

        var gram = new double[9];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 4; k++) gram[(i * 3) + j] += x[(i * 4) + k] * x[(j * 4) + k];
        var expected = new float[5];
        for (int o = 0; o < 5; o++) expected[o] = (float)Enumerable.Range(0, 9).Sum(i => gram[i] * w[(o * 9) + i]);
        Check(t, [x], expected, 1e-5);
    }

    private static Model Convert(Model savedModel)
    {
        var t = SavedModelConverter.ToTflite(savedModel);
        Assert.Empty(ModelValidator.Validate(t));
        return t;
    }

    /// <summary>Our interpreter and (when available) LiteRT.js must both give the reference values.</summary>
    private void Check(Model t, float[][] inputs, float[] expected, double tolerance)
    {
        var ours = TensorFlowTestData.Run(t, inputs)[0];
        double d = TensorFlowTestData.MaxRelativeDifference(ours, expected, 1e-3);
        output.WriteLine($"interpreter vs reference: max relative difference {d:G3}");
        Assert.True(d <= tolerance, $"interpreter differs from the TensorFlow reference by {d:G3}");
        if (InteropRunner.UnavailableReason is not null)
        {
            output.WriteLine("LiteRT.js skipped: " + InteropRunner.UnavailableReason);
            return;
        }

        using var temp = new TensorFlowTestData.Temp();
        var file = temp.File("model.tflite");
        TfliteWriter.WriteFile(t, file);
        var sg = t.Subgraphs[0];
        var r = InteropRunner.Run("litert", file,
            inputs.Select((v, i) => InteropTensor.FromFloats(sg.Tensors[sg.Inputs[i]].Shape, v)).ToList(), stripShapeSignature: true);
        Assert.True(r.Ok, r.ToString());
        double dl = TensorFlowTestData.MaxRelativeDifference(r.Outputs[0].ToFloats(), expected, 1e-3);
        output.WriteLine($"LiteRT.js vs reference: max relative difference {dl:G3}");
        Assert.True(dl <= tolerance, $"LiteRT.js differs from the TensorFlow reference by {dl:G3}");
    }

    /// <summary>NHWC convolution with an HWIO filter (TensorFlow's Conv2D), SAME (TF's split: less before) or VALID.</summary>
    private static float[] Conv2DReference(float[] x, int[] xs, float[] w, int[] ws, int stride, bool same, out int[] shape)
    {
        int h = xs[1], wd = xs[2], ci = xs[3], kh = ws[0], kw = ws[1], co = ws[3];
        int oh = same ? (h + stride - 1) / stride : ((h - kh) / stride) + 1;
        int ow = same ? (wd + stride - 1) / stride : ((wd - kw) / stride) + 1;
        int padT = same ? Math.Max(((oh - 1) * stride) + kh - h, 0) / 2 : 0;
        int padL = same ? Math.Max(((ow - 1) * stride) + kw - wd, 0) / 2 : 0;
        var y = new float[oh * ow * co];
        for (int oy = 0; oy < oh; oy++)
        {
            for (int ox = 0; ox < ow; ox++)
            {
                for (int o = 0; o < co; o++)
                {
                    double s = 0;
                    for (int a = 0; a < kh; a++)
                    {
                        for (int b = 0; b < kw; b++)
                        {
                            int iy = (oy * stride) + a - padT, ix = (ox * stride) + b - padL;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                            for (int i = 0; i < ci; i++) s += x[(((iy * wd) + ix) * ci) + i] * w[(((((a * kw) + b) * ci) + i) * co) + o];
                        }
                    }

                    y[(((oy * ow) + ox) * co) + o] = (float)s;
                }
            }
        }

        shape = [1, oh, ow, co];
        return y;
    }
}
