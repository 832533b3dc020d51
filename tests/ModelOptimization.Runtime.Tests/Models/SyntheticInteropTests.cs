using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Quantization;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Formats.Tflite;
using ModelOptimization.Runtime.Tests.Helpers;
using ModelOptimization.Tests.Shared;
using Xunit.Abstractions;

namespace ModelOptimization.Runtime.Tests.Models;

/// <summary>
/// Single-operator 8-bit models built in memory, written with TfliteWriter and run in LiteRT.js: our integer
/// outputs (default LiteRt arithmetic) must be identical, covering operators no shared model exercises.
/// </summary>
public sealed class SyntheticInteropTests(ITestOutputHelper output)
{
    public static IEnumerable<object[]> Cases() => new[]
    {
        "add_int8", "sub_int8", "mul_int8", "add_uint8_relu", "mul_uint8", "conv_int8_per_channel", "dwconv_int8", "fc_int8_per_tensor",
        "avgpool_int8", "maxpool_uint8", "softmax_int8", "logistic_int8", "tanh_int8", "concat_int8", "mean_int8", "resize_int8",
        "quantize_int8", "dequantize_int8", "requantize_int8", "leaky_relu_int8", "pad_int8",
        "hard_swish_int8", "hard_swish_uint8", "prelu_int8", "squared_difference_int8", "exp_int8", "log_int8", "sqrt_int8",
        "rsqrt_int8", "abs_int8", "logistic_int16", "logistic_int16_pot", "tanh_int16", "tanh_int16_pot", "softmax_int16",
        "exp_int16", "log_int16", "abs_rsqrt_int16", "fc_hybrid_per_channel", "conv_hybrid_3x3", "conv_hybrid_1x1",
        "l2norm_int8", "l2norm_uint8", "bmm_int8", "bmm_int8_adj_const", "bmm_int16",
        "transpose_conv_int8", "transpose_conv_uint8", "transpose_conv_int16",
        "elu_int8", "gelu_int8", "gelu_approx_uint8", "gelu_int16", "elu_float", "gelu_float", "gelu_approx_float", "log_softmax_float",
        "depth_to_space_int8", "space_to_depth_float", "broadcast_to_float", "reverse_v2_int8", "cumsum_float",
    }.Select(c => new object[] { c });

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void QuantizedOperator_RandomInputs_BitIdenticalToLiteRt(string name)
    {
        Skip.If(InteropRunner.UnavailableReason is not null, InteropRunner.UnavailableReason ?? "");
        var model = Build(name);
        string path = Path.Combine(Path.GetTempPath(), $"modelopt-synthetic-{name}-{Guid.NewGuid():N}.tflite");
        try
        {
            TfliteWriter.WriteFile(model, path);
            using var interpreter = Interpreter.Create(model);
            var inputs = RandomInputs.For(interpreter.Inputs, 31);
            for (int i = 0; i < inputs.Length; i++) interpreter.SetInput(i, inputs[i]);
            interpreter.Invoke();
            var reference = InteropRunner.Run("litert", path, inputs.Select((a, i) => RandomInputs.ToInterop(interpreter.Inputs[i], a)).ToList());
            Skip.If(!reference.Ok, $"LiteRT.js does not run the {name} model: {reference.Error}");
            var ours = RandomInputs.AsDoubles(interpreter.GetOutput(0).Data);
            var theirs = RandomInputs.AsDoubles(reference.Outputs[0]);
            int diff = ours.Zip(theirs).Count(p => Math.Abs(p.First - p.Second) > (interpreter.Outputs[0].DataType == TensorType.Float32 ? 1e-5 * Math.Max(1, Math.Abs(p.Second)) : 0));
            output.WriteLine($"{name}: {diff} of {ours.Length} differ; {ours.Distinct().Count()} distinct output values");
            Assert.True(ours.Distinct().Count() > 2, $"{name}: the output is (nearly) constant, the case tests nothing");
            Assert.Equal(theirs.Length, ours.Length);
            Assert.True(diff == 0, $"{name}: {diff} of {ours.Length} values differ from LiteRT.js");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static QuantizationParameters Q(float s, long z) => QuantizationParameters.PerTensor(s, z);

    private static sbyte[] W(int n, int seed) { var r = new Random(seed); return Enumerable.Range(0, n).Select(_ => (sbyte)r.Next(-127, 128)).ToArray(); }

    private static Model Build(string name)
    {
        var mb = new ModelBuilder();
        int Out(TensorType t, int[] s, QuantizationParameters? q) => mb.Tensor(t, s, q, "out");
        switch (name)
        {
            case "add_int8" or "sub_int8" or "mul_int8":
                {
                    int a = mb.Input(TensorType.Int8, [1, 8, 8, 4], Q(0.037f, -3));
                    int b = mb.Input(TensorType.Int8, [1, 8, 8, 4], Q(0.021f, 7));
                    int o = Out(TensorType.Int8, [1, 8, 8, 4], Q(name == "mul_int8" ? 0.011f : 0.049f, 2));
                    mb.Op(name == "add_int8" ? BuiltinOperator.ADD : name == "sub_int8" ? BuiltinOperator.SUB : BuiltinOperator.MUL, [a, b], [o], version: 2);
                    return mb.Build(o);
                }

            case "add_uint8_relu" or "mul_uint8":
                {
                    int a = mb.Input(TensorType.UInt8, [1, 6, 6, 3], Q(0.05f, 120));
                    int b = mb.Input(TensorType.UInt8, [1, 6, 6, 3], Q(0.03f, 131));
                    int o = Out(TensorType.UInt8, [1, 6, 6, 3], Q(name == "mul_uint8" ? 0.02f : 0.06f, 100));
                    mb.Op(name == "mul_uint8" ? BuiltinOperator.MUL : BuiltinOperator.ADD, [a, b], [o], x => x["fused_activation_function"] = (sbyte)(name == "mul_uint8" ? ActivationFunctionType.NONE : ActivationFunctionType.RELU));
                    return mb.Build(o);
                }

            case "conv_int8_per_channel":
                {
                    int i = mb.Input(TensorType.Int8, [1, 9, 9, 5], Q(0.02f, -1));
                    var scales = Enumerable.Range(0, 7).Select(c => 0.003f + 0.0007f * c).ToArray();
                    int f = mb.Const(TensorType.Int8, [7, 3, 3, 5], W(7 * 45, 1), QuantizationParameters.PerChannel(scales, new long[7], 0));
                    int b = mb.Const(TensorType.Int32, [7], Enumerable.Range(0, 7).Select(c => c * 91 - 300).ToArray(), QuantizationParameters.PerChannel(scales.Select(s => s * 0.02f).ToArray(), new long[7], 0));
                    int o = Out(TensorType.Int8, [1, 5, 5, 7], Q(0.03f, 4));
                    mb.Op(BuiltinOperator.CONV_2D, [i, f, b], [o], x => { x["stride_h"] = 2; x["stride_w"] = 2; x["padding"] = (sbyte)Padding.SAME; x["fused_activation_function"] = (sbyte)ActivationFunctionType.RELU6; }, version: 3);
                    return mb.Build(o);
                }

            case "dwconv_int8":
                {
                    int i = mb.Input(TensorType.Int8, [1, 10, 10, 16], Q(0.02f, 5));
                    var scales = Enumerable.Range(0, 16).Select(c => 0.004f + 0.0003f * c).ToArray();
                    int f = mb.Const(TensorType.Int8, [1, 3, 3, 16], W(144, 2), QuantizationParameters.PerChannel(scales, new long[16], 3));
                    int b = mb.Const(TensorType.Int32, [16], Enumerable.Range(0, 16).Select(c => c * 40 - 200).ToArray(), QuantizationParameters.PerChannel(scales.Select(s => s * 0.02f).ToArray(), new long[16], 0));
                    int o = Out(TensorType.Int8, [1, 10, 10, 16], Q(0.015f, -6));
                    mb.Op(BuiltinOperator.DEPTHWISE_CONV_2D, [i, f, b], [o], x => { x["stride_h"] = 1; x["stride_w"] = 1; x["depth_multiplier"] = 1; x["padding"] = (sbyte)Padding.SAME; }, version: 3);
                    return mb.Build(o);
                }

            case "fc_int8_per_tensor":
                {
                    int i = mb.Input(TensorType.Int8, [3, 40], Q(0.05f, -8));
                    int f = mb.Const(TensorType.Int8, [11, 40], W(440, 3), Q(0.006f, 0));
                    int b = mb.Const(TensorType.Int32, [11], Enumerable.Range(0, 11).Select(c => c * 70 - 300).ToArray(), Q(0.0003f, 0));
                    int o = Out(TensorType.Int8, [3, 11], Q(0.04f, 3));
                    mb.Op(BuiltinOperator.FULLY_CONNECTED, [i, f, b], [o], version: 4);
                    return mb.Build(o);
                }

            case "avgpool_int8" or "maxpool_uint8":
                {
                    bool avg = name == "avgpool_int8";
                    var t = avg ? TensorType.Int8 : TensorType.UInt8;
                    int i = mb.Input(t, [1, 7, 7, 6], Q(0.05f, avg ? -3 : 128));
                    int o = Out(t, [1, 4, 4, 6], Q(0.05f, avg ? -3 : 128));
                    mb.Op(avg ? BuiltinOperator.AVERAGE_POOL_2D : BuiltinOperator.MAX_POOL_2D, [i], [o], x => { x["padding"] = (sbyte)Padding.SAME; x["stride_h"] = 2; x["stride_w"] = 2; x["filter_height"] = 3; x["filter_width"] = 3; }, version: 2);
                    return mb.Build(o);
                }

            case "softmax_int8":
                {
                    int i = mb.Input(TensorType.Int8, [4, 10], Q(0.1f, 2));
                    int o = Out(TensorType.Int8, [4, 10], Q(1f / 256, -128));
                    mb.Op(BuiltinOperator.SOFTMAX, [i], [o], x => x["beta"] = 1f, version: 2);
                    return mb.Build(o);
                }

            case "logistic_int8" or "tanh_int8":
                {
                    bool logistic = name == "logistic_int8";
                    int i = mb.Input(TensorType.Int8, [2, 64], Q(0.06f, 4));
                    int o = Out(TensorType.Int8, [2, 64], logistic ? Q(1f / 256, -128) : Q(1f / 128, 0));
                    mb.Op(logistic ? BuiltinOperator.LOGISTIC : BuiltinOperator.TANH, [i], [o], version: 2);
                    return mb.Build(o);
                }

            case "concat_int8":
                {
                    int a = mb.Input(TensorType.Int8, [1, 4, 4, 3], Q(0.05f, 1));
                    int b = mb.Input(TensorType.Int8, [1, 4, 4, 2], Q(0.05f, 1));
                    int o = Out(TensorType.Int8, [1, 4, 4, 5], Q(0.05f, 1));
                    mb.Op(BuiltinOperator.CONCATENATION, [a, b], [o], x => x["axis"] = 3, version: 2);
                    return mb.Build(o);
                }

            case "mean_int8":
                {
                    int i = mb.Input(TensorType.Int8, [1, 5, 5, 8], Q(0.04f, 3));
                    int axes = mb.Const(TensorType.Int32, [2], new[] { 1, 2 });
                    int o = Out(TensorType.Int8, [1, 1, 1, 8], Q(0.03f, -2));
                    mb.Op(BuiltinOperator.MEAN, [i, axes], [o], x => x["keep_dims"] = true, version: 2);
                    return mb.Build(o);
                }

            case "resize_int8":
                {
                    int i = mb.Input(TensorType.Int8, [1, 5, 5, 3], Q(0.05f, 0));
                    int size = mb.Const(TensorType.Int32, [2], new[] { 9, 12 });
                    int o = Out(TensorType.Int8, [1, 9, 12, 3], Q(0.05f, 0));
                    mb.Op(BuiltinOperator.RESIZE_BILINEAR, [i, size], [o], x => x["half_pixel_centers"] = true, version: 3);
                    return mb.Build(o);
                }

            case "quantize_int8":
                {
                    int i = mb.Input(TensorType.Float32, [3, 17]);
                    int o = Out(TensorType.Int8, [3, 17], Q(0.0123f, -7));
                    mb.Op(BuiltinOperator.QUANTIZE, [i], [o]);
                    return mb.Build(o);
                }

            case "dequantize_int8":
                {
                    int i = mb.Input(TensorType.Int8, [3, 17], Q(0.0123f, -7));
                    int o = Out(TensorType.Float32, [3, 17], null);
                    mb.Op(BuiltinOperator.DEQUANTIZE, [i], [o], version: 2);
                    return mb.Build(o);
                }

            case "requantize_int8":
                {
                    int i = mb.Input(TensorType.Int8, [64], Q(0.02f, 3));
                    int o = Out(TensorType.Int8, [64], Q(0.03f, -9));
                    mb.Op(BuiltinOperator.QUANTIZE, [i], [o], version: 2);
                    return mb.Build(o);
                }

            case "leaky_relu_int8":
                {
                    int i = mb.Input(TensorType.Int8, [64], Q(0.03f, 2));
                    int o = Out(TensorType.Int8, [64], Q(0.02f, -10));
                    mb.Op(BuiltinOperator.LEAKY_RELU, [i], [o], x => x["alpha"] = 0.2f, version: 2);
                    return mb.Build(o);
                }

            case "pad_int8":
                {
                    int i = mb.Input(TensorType.Int8, [1, 3, 3, 2], Q(0.05f, -4));
                    int p = mb.Const(TensorType.Int32, [4, 2], new[] { 0, 0, 1, 2, 2, 1, 0, 0 });
                    int o = Out(TensorType.Int8, [1, 6, 6, 2], Q(0.05f, -4));
                    mb.Op(BuiltinOperator.PAD, [i, p], [o], version: 2);
                    return mb.Build(o);
                }

            case "hard_swish_int8" or "hard_swish_uint8":
                {
                    var t = name == "hard_swish_int8" ? TensorType.Int8 : TensorType.UInt8;
                    int i = mb.Input(t, [2, 64], t == TensorType.Int8 ? Q(0.05f, -3) : Q(0.05f, 120));
                    int o = Out(t, [2, 64], t == TensorType.Int8 ? Q(0.03f, -40) : Q(0.03f, 60));
                    mb.Op(BuiltinOperator.HARD_SWISH, [i], [o]);
                    return mb.Build(o);
                }

            case "prelu_int8":
                {
                    int i = mb.Input(TensorType.Int8, [1, 4, 4, 3], Q(0.05f, 2));
                    int alpha = mb.Const(TensorType.Int8, [1, 1, 3], new sbyte[] { 25, -60, 90 }, Q(0.01f, 5));
                    int o = Out(TensorType.Int8, [1, 4, 4, 3], Q(0.04f, -5));
                    mb.Op(BuiltinOperator.PRELU, [i, alpha], [o]);
                    return mb.Build(o);
                }

            case "squared_difference_int8":
                {
                    int a = mb.Input(TensorType.Int8, [2, 8], Q(0.05f, 3));
                    int b = mb.Input(TensorType.Int8, [8], Q(0.07f, -2));
                    int o = Out(TensorType.Int8, [2, 8], Q(0.2f, -100));
                    mb.Op(BuiltinOperator.SQUARED_DIFFERENCE, [a, b], [o], version: 2);
                    return mb.Build(o);
                }

            case "exp_int8" or "log_int8" or "sqrt_int8" or "rsqrt_int8" or "abs_int8":
                {
                    var (op, qi, qo) = name switch
                    {
                        "exp_int8" => (BuiltinOperator.EXP, Q(0.03f, 0), Q(0.02f, -128)),
                        "log_int8" => (BuiltinOperator.LOG, Q(0.1f, -128), Q(0.05f, 20)),
                        "sqrt_int8" => (BuiltinOperator.SQRT, Q(0.05f, -128), Q(0.02f, -128)),
                        "rsqrt_int8" => (BuiltinOperator.RSQRT, Q(0.05f, -128), Q(0.05f, -128)),
                        _ => (BuiltinOperator.ABS, Q(0.05f, 3), Q(0.04f, -128)),
                    };
                    int i = mb.Input(TensorType.Int8, [2, 64], qi);
                    int o = Out(TensorType.Int8, [2, 64], qo);
                    mb.Op(op, [i], [o], version: 2);
                    return mb.Build(o);
                }

            case "logistic_int16" or "logistic_int16_pot" or "tanh_int16" or "tanh_int16_pot":
                {
                    bool logistic = name.StartsWith("logistic", StringComparison.Ordinal);
                    float inputScale = name switch { "logistic_int16" => 0.0005f, "logistic_int16_pot" => 1f / 4096, "tanh_int16" => 0.0004f, _ => 1f / 2048 };
                    int i = mb.Input(TensorType.Int16, [2, 64], Q(inputScale, 0));
                    int o = Out(TensorType.Int16, [2, 64], Q(1f / 32768, 0));
                    mb.Op(logistic ? BuiltinOperator.LOGISTIC : BuiltinOperator.TANH, [i], [o], version: 3);
                    return mb.Build(o);
                }

            case "softmax_int16":
                {
                    int i = mb.Input(TensorType.Int16, [4, 10], Q(0.001f, 0));
                    int o = Out(TensorType.Int16, [4, 10], Q(1f / 32768, 0));
                    mb.Op(BuiltinOperator.SOFTMAX, [i], [o], x => x["beta"] = 1f, version: 3);
                    return mb.Build(o);
                }

            case "exp_int16" or "log_int16":
                {
                    bool exp = name == "exp_int16";
                    int i = mb.Input(TensorType.Int16, [2, 64], Q(exp ? 0.0001f : 0.001f, 0));
                    int o = Out(TensorType.Int16, [2, 64], Q(exp ? 0.0002f : 0.0003f, 0));
                    mb.Op(exp ? BuiltinOperator.EXP : BuiltinOperator.LOG, [i], [o], version: 2);
                    return mb.Build(o);
                }

            case "abs_rsqrt_int16":
                {
                    int i = mb.Input(TensorType.Int16, [2, 64], Q(0.001f, 0));
                    int a = mb.Tensor(TensorType.Int16, [2, 64], Q(0.001f, 0));
                    int o = Out(TensorType.Int16, [2, 64], Q(0.0005f, 0));
                    mb.Op(BuiltinOperator.ABS, [i], [a], version: 3);
                    mb.Op(BuiltinOperator.RSQRT, [a], [o], version: 3);
                    return mb.Build(o);
                }

            case "fc_hybrid_per_channel":
                {
                    int i = mb.Input(TensorType.Float32, [3, 40]);
                    var scales = Enumerable.Range(0, 11).Select(c => 0.004f + 0.0005f * c).ToArray();
                    int f = mb.Const(TensorType.Int8, [11, 40], W(440, 5), QuantizationParameters.PerChannel(scales, new long[11], 0));
                    int b = mb.Const(TensorType.Float32, [11], Enumerable.Range(0, 11).Select(c => c * 0.05f - 0.2f).ToArray());
                    int o = Out(TensorType.Float32, [3, 11], null);
                    mb.Op(BuiltinOperator.FULLY_CONNECTED, [i, f, b], [o], x => x["asymmetric_quantize_inputs"] = true, version: 12);
                    return mb.Build(o);
                }

            case "conv_hybrid_3x3" or "conv_hybrid_1x1":
                {
                    int k = name == "conv_hybrid_3x3" ? 3 : 1;
                    int i = mb.Input(TensorType.Float32, [1, 9, 9, 5]);
                    var scales = Enumerable.Range(0, 7).Select(c => 0.003f + 0.0007f * c).ToArray();
                    int f = mb.Const(TensorType.Int8, [7, k, k, 5], W(7 * k * k * 5, 6), QuantizationParameters.PerChannel(scales, new long[7], 0));
                    int b = mb.Const(TensorType.Float32, [7], Enumerable.Range(0, 7).Select(c => c * 0.03f - 0.1f).ToArray());
                    int o = Out(TensorType.Float32, [1, 9, 9, 7], null);
                    mb.Op(BuiltinOperator.CONV_2D, [i, f, b], [o], x => { x["stride_h"] = 1; x["stride_w"] = 1; x["padding"] = (sbyte)Padding.SAME; }, version: 5);
                    return mb.Build(o);
                }

            case "l2norm_int8" or "l2norm_uint8":
                {
                    bool int8 = name == "l2norm_int8";
                    var t = int8 ? TensorType.Int8 : TensorType.UInt8;
                    int i = mb.Input(t, [4, 24], int8 ? Q(0.05f, 3) : Q(0.05f, 120));
                    int o = Out(t, [4, 24], Q(1f / 128, int8 ? 0 : 128));
                    mb.Op(BuiltinOperator.L2_NORMALIZATION, [i], [o], version: 2);
                    return mb.Build(o);
                }

            case "bmm_int8":
                {
                    int a = mb.Input(TensorType.Int8, [2, 16, 32], Q(0.05f, 3));
                    int b = mb.Input(TensorType.Int8, [2, 32, 24], Q(0.04f, 0));
                    int o = Out(TensorType.Int8, [2, 16, 24], Q(0.3f, -4));
                    mb.Op(BuiltinOperator.BATCH_MATMUL, [a, b], [o], version: 2);
                    return mb.Build(o);
                }

            case "bmm_int8_adj_const":
                {
                    int a = mb.Input(TensorType.Int8, [2, 8, 3], Q(0.05f, -6));
                    int b = mb.Const(TensorType.Int8, [5, 8], W(40, 9), Q(0.01f, 4));
                    int o = Out(TensorType.Int8, [2, 3, 5], Q(0.06f, 7));
                    mb.Op(BuiltinOperator.BATCH_MATMUL, [a, b], [o], x => { x["adj_x"] = true; x["adj_y"] = true; }, version: 2);
                    return mb.Build(o);
                }

            case "bmm_int16":
                {
                    int a = mb.Input(TensorType.Int16, [3, 8], Q(0.0005f, 0));
                    int b = mb.Input(TensorType.Int16, [8, 4], Q(0.0004f, 0));
                    int o = Out(TensorType.Int16, [3, 4], Q(0.002f, 0));
                    mb.Op(BuiltinOperator.BATCH_MATMUL, [a, b], [o], version: 3);
                    return mb.Build(o);
                }

            case "transpose_conv_int8" or "transpose_conv_uint8" or "transpose_conv_int16":
                {
                    var t = name switch { "transpose_conv_int8" => TensorType.Int8, "transpose_conv_uint8" => TensorType.UInt8, _ => TensorType.Int16 };
                    var scales = Enumerable.Range(0, 5).Select(c => 0.004f + 0.001f * c).ToArray();
                    var inQ = t switch { TensorType.Int8 => Q(0.05f, 2), TensorType.UInt8 => Q(0.05f, 130), _ => Q(0.0005f, 0) };
                    var outQ = t switch { TensorType.Int8 => Q(0.04f, -3), TensorType.UInt8 => Q(0.04f, 125), _ => Q(0.0004f, 0) };
                    int shape = mb.Const(TensorType.Int32, [4], new[] { 1, 8, 8, 5 });
                    int w = t == TensorType.UInt8
                        ? mb.Const(TensorType.UInt8, [5, 3, 3, 3], W(135, 11).Select(v => (byte)(v + 128)).ToArray(), Q(0.006f, 131))
                        : mb.Const(TensorType.Int8, [5, 3, 3, 3], W(135, 11), QuantizationParameters.PerChannel(scales, new long[5], 0));
                    int i = mb.Input(t, [1, 4, 4, 3], inQ);
                    int b = t == TensorType.Int16
                        ? mb.Const(TensorType.Int64, [5], new long[] { 300, -200, 100, 0, 50 })
                        : mb.Const(TensorType.Int32, [5], new[] { 300, -200, 100, 0, 50 });
                    int o = Out(t, [1, 8, 8, 5], outQ);
                    mb.Op(BuiltinOperator.TRANSPOSE_CONV, [shape, w, i, b], [o], x => { x["stride_h"] = 2; x["stride_w"] = 2; x["padding"] = (sbyte)Padding.SAME; },
                        version: t == TensorType.Int16 ? 3 : 2);
                    return mb.Build(o);
                }

            case "elu_int8" or "gelu_int8" or "gelu_approx_uint8" or "gelu_int16":
                {
                    var t = name switch { "gelu_approx_uint8" => TensorType.UInt8, "gelu_int16" => TensorType.Int16, _ => TensorType.Int8 };
                    var (qi, qo) = t switch
                    {
                        TensorType.UInt8 => (Q(0.04f, 128), Q(0.025f, 10)),
                        TensorType.Int16 => (Q(0.0002f, 0), Q(0.0001f, 0)),
                        _ => (Q(0.04f, 5), Q(0.025f, -90)),
                    };
                    int i = mb.Input(t, [2, 64], qi);
                    int o = Out(t, [2, 64], qo);
                    if (name == "elu_int8") mb.Op(BuiltinOperator.ELU, [i], [o]);
                    else mb.Op(BuiltinOperator.GELU, [i], [o], x => x["approximate"] = name.Contains("approx"), version: t == TensorType.Int16 ? 3 : 2);
                    return mb.Build(o);
                }

            case "elu_float" or "gelu_float" or "gelu_approx_float" or "log_softmax_float":
                {
                    int i = mb.Input(TensorType.Float32, [4, 16]);
                    int o = Out(TensorType.Float32, [4, 16], null);
                    switch (name)
                    {
                        case "elu_float": mb.Op(BuiltinOperator.ELU, [i], [o]); break;
                        case "log_softmax_float": mb.Op(BuiltinOperator.LOG_SOFTMAX, [i], [o]); break;
                        default: mb.Op(BuiltinOperator.GELU, [i], [o], x => x["approximate"] = name == "gelu_approx_float"); break;
                    }

                    return mb.Build(o);
                }

            case "depth_to_space_int8":
                {
                    int i = mb.Input(TensorType.Int8, [1, 3, 2, 12], Q(0.05f, 1));
                    int o = Out(TensorType.Int8, [1, 6, 4, 3], Q(0.05f, 1));
                    mb.Op(BuiltinOperator.DEPTH_TO_SPACE, [i], [o], x => x["block_size"] = 2, version: 2);
                    return mb.Build(o);
                }

            case "space_to_depth_float":
                {
                    int i = mb.Input(TensorType.Float32, [2, 4, 6, 3]);
                    int o = Out(TensorType.Float32, [2, 2, 3, 12], null);
                    mb.Op(BuiltinOperator.SPACE_TO_DEPTH, [i], [o], x => x["block_size"] = 2);
                    return mb.Build(o);
                }

            case "broadcast_to_float":
                {
                    int i = mb.Input(TensorType.Float32, [3, 1, 4]);
                    int shape = mb.Const(TensorType.Int32, [4], new[] { 2, 3, 5, 4 });
                    int o = Out(TensorType.Float32, [2, 3, 5, 4], null);
                    mb.Op(BuiltinOperator.BROADCAST_TO, [i, shape], [o], version: 2);
                    return mb.Build(o);
                }

            case "reverse_v2_int8":
                {
                    int i = mb.Input(TensorType.Int8, [3, 4, 5], Q(0.05f, 1));
                    int axis = mb.Const(TensorType.Int32, [1], new[] { 1 });
                    int o = Out(TensorType.Int8, [3, 4, 5], Q(0.05f, 1));
                    mb.Op(BuiltinOperator.REVERSE_V2, [i, axis], [o], version: 2);
                    return mb.Build(o);
                }

            case "cumsum_float":
                {
                    int i = mb.Input(TensorType.Float32, [3, 7]);
                    int axis = mb.Const(TensorType.Int32, [], new[] { 1 });
                    int o = Out(TensorType.Float32, [3, 7], null);
                    mb.Op(BuiltinOperator.CUMSUM, [i, axis], [o], x => { x["exclusive"] = true; x["reverse"] = true; });
                    return mb.Build(o);
                }

            default:
                throw new ArgumentException(name);
        }
    }
}
