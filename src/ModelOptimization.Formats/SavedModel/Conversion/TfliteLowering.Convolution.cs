using ModelOptimization.Core.Graph;
using ModelOptimization.Core.TensorFlow;
using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Formats.SavedModel.Conversion;

internal sealed partial class TfliteLowering
{
    /// <summary>
    /// MatMul / BatchMatMul. A constant rank-2 right-hand side with a rank-2 input becomes FULLY_CONNECTED with
    /// weights [out, in] (transposed unless <c>transpose_b</c>); anything else becomes BATCH_MATMUL.
    /// </summary>
    private ConvValue MatMul(FlatNode n)
    {
        bool batch = n.Op != "MatMul";
        bool ta = BoolAttr(n, batch ? "adj_x" : "transpose_a", false);
        bool tb = BoolAttr(n, batch ? "adj_y" : "transpose_b", false);
        var a = In(n, 0);
        var b = In(n, 1);
        if (b is ConstValue { IsStatic: true } w && w.A.Shape.Length == 2 && a is TensorValue x && x.Rank == 2 && (!batch || !ta))
        {
            var weights = tb ? w.A : w.A.Transpose([1, 0]);
            int outputs = weights.Shape[0], inputs = weights.Shape[1];
            if (ta) x = TransposeTensor(x, [1, 0], n.Name + "/transpose_a");
            for (int p = 0; p < 2; p++)
            {
                if (x.Shape(p)[1] != inputs) throw ShapeError(p, $"MatMul of [{string.Join(",", x.Shape(p))}] by weights with {inputs} inputs");
            }

            return FullyConnected(n, x, weights.ToFloats().ToArray(), outputs, inputs);
        }

        var lhs = AsTensor(a, a is TensorValue ax ? ax.Type : TfDataType.Float, n.Name + "/x");
        var rhs = AsTensor(b, lhs.Type, n.Name + "/y");
        if (lhs.Rank < 2 || rhs.Rank < 2) throw NotSupported("MatMul operands must have rank 2 or more");
        int[] Shape(int p)
        {
            var sa = lhs.Shape(p);
            var sb = rhs.Shape(p);
            int m = ta ? sa[^1] : sa[^2], k = ta ? sa[^2] : sa[^1];
            int k2 = tb ? sb[^1] : sb[^2], nn = tb ? sb[^2] : sb[^1];
            if (k != k2) throw ShapeError(p, $"MatMul of [{string.Join(",", sa)}] and [{string.Join(",", sb)}]: inner dimensions differ");
            var batchShape = ConstTensor.BroadcastShape(sa[..^2], sb[..^2]) ?? throw ShapeError(p, "MatMul batch dimensions do not broadcast");
            return [.. batchShape, m, nn];
        }

        var opts = OperatorOptions.For(BuiltinOperator.BATCH_MATMUL)!;
        opts["adj_x"] = ta;
        opts["adj_y"] = tb;
        return Emit(BuiltinOperator.BATCH_MATMUL, [lhs.Tensor, rhs.Tensor], lhs.Type, Shape(0), Shape(1), opts);
    }

    private TensorValue FullyConnected(FlatNode n, TensorValue x, float[] weights, int outputs, int inputs)
    {
        if (x.Type != TfDataType.Float) x = Cast(x, TfDataType.Float, n.Name + "/input");
        var bias = new float[outputs];
        int wt = AddTensor(n.Name + "/weights", TfDataType.Float, [outputs, inputs], [outputs, inputs]);
        int bt = AddTensor(n.Name + "/bias", TfDataType.Float, [outputs], [outputs]);
        var opts = OperatorOptions.For(BuiltinOperator.FULLY_CONNECTED)!;
        return Emit(BuiltinOperator.FULLY_CONNECTED, [x.Tensor, wt, bt], TfDataType.Float, [x.Shape1[0], outputs], [x.Shape2[0], outputs], opts,
            weights: weights, weightShape: [outputs, inputs], bias: bias, weightTensor: wt, biasTensor: bt);
    }

    private TensorValue TransposeTensor(TensorValue x, int[] perm, string name)
    {
        int pt = AddInt32Constant(name + "/perm", perm, [perm.Length]);
        return Emit(BuiltinOperator.TRANSPOSE, [x.Tensor, pt], x.Type, perm.Select(p => x.Shape1[p]).ToArray(), perm.Select(p => x.Shape2[p]).ToArray(),
            OperatorOptions.For(BuiltinOperator.TRANSPOSE), name: name);
    }

    private (TensorValue X, ConstTensor Filter, int StrideH, int StrideW, int DilationH, int DilationW, bool Same) ConvParameters(FlatNode n)
    {
        if (StringAttr(n, "data_format", "NHWC") != "NHWC") throw NotSupported($"data_format {StringAttr(n, "data_format", "")} (only NHWC is supported)");
        if (In(n, 0) is not TensorValue x0) throw NotSupported("convolution of a constant input");
        if (In(n, 1) is not ConstValue { IsStatic: true } f || f.A.Shape.Length != 4) throw NotSupported("the filter is not a constant of rank 4 (weights computed at run time are not supported)");
        var x = x0.Type == TfDataType.Float ? x0 : Cast(x0, TfDataType.Float, n.Name + "/input");
        if (x.Rank != 4) throw NotSupported($"the input has rank {x.Rank}, expected 4 (NHWC)");
        var strides = IntsAttr(n, "strides", [1, 1, 1, 1]);
        var dilations = IntsAttr(n, "dilations", [1, 1, 1, 1]);
        if (strides.Length != 4 || strides[0] != 1 || strides[3] != 1) throw NotSupported($"strides [{string.Join(",", strides)}] (batch and channel strides must be 1)");
        if (dilations.Length != 4 || dilations[0] != 1 || dilations[3] != 1) throw NotSupported($"dilations [{string.Join(",", dilations)}]");
        string padding = StringAttr(n, "padding", "VALID");
        bool same = padding == "SAME";
        if (padding == "EXPLICIT")
        {
            var ep = IntsAttr(n, "explicit_paddings", []);
            if (ep.Length != 8 || ep[0] != 0 || ep[1] != 0 || ep[6] != 0 || ep[7] != 0) throw NotSupported($"explicit_paddings [{string.Join(",", ep)}]");
            if (ep.Any(v => v != 0)) x = PadTensor(x, [[0, 0], [(int)ep[2], (int)ep[3]], [(int)ep[4], (int)ep[5]], [0, 0]], n.Name + "/pad");
        }
        else if (padding is not ("SAME" or "VALID"))
        {
            throw NotSupported($"padding '{padding}'");
        }

        return (x, f.A, (int)strides[1], (int)strides[2], (int)dilations[1], (int)dilations[2], same);
    }

    private int[] ConvShape(int[] input, int kh, int kw, int sh, int sw, int dh, int dw, bool same, int channels, int probe)
    {
        int Out(int size, int k, int s, int d)
        {
            if (same) return (size + s - 1) / s;
            int eff = ((k - 1) * d) + 1;
            if (size < eff) throw ShapeError(probe, $"a window of {eff} does not fit an input of {size}");
            return ((size - eff) / s) + 1;
        }

        return [input[0], Out(input[1], kh, sh, dh), Out(input[2], kw, sw, dw), channels];
    }

    private ConvValue Conv2D(FlatNode n)
    {
        var (x, filter, sh, sw, dh, dw, same) = ConvParameters(n);
        int kh = filter.Shape[0], kw = filter.Shape[1], ci = filter.Shape[2], co = filter.Shape[3];
        if (x.Shape1[3] != ci) throw NotSupported($"the input has {x.Shape1[3]} channels but the filter expects {ci} (grouped convolution is not supported)");
        var weights = filter.Transpose([3, 0, 1, 2]).ToFloats().ToArray(); // HWIO -> OHWI
        int wt = AddTensor(n.Name + "/weights", TfDataType.Float, [co, kh, kw, ci], [co, kh, kw, ci]);
        int bt = AddTensor(n.Name + "/bias", TfDataType.Float, [co], [co]);
        var opts = OperatorOptions.For(BuiltinOperator.CONV_2D)!;
        opts["padding"] = (sbyte)(same ? Padding.SAME : Padding.VALID);
        opts["stride_h"] = sh;
        opts["stride_w"] = sw;
        opts["dilation_h_factor"] = dh;
        opts["dilation_w_factor"] = dw;
        return Emit(BuiltinOperator.CONV_2D, [x.Tensor, wt, bt], TfDataType.Float,
            ConvShape(x.Shape1, kh, kw, sh, sw, dh, dw, same, co, 0), ConvShape(x.Shape2, kh, kw, sh, sw, dh, dw, same, co, 1), opts,
            weights: weights, weightShape: [co, kh, kw, ci], bias: new float[co], weightTensor: wt, biasTensor: bt);
    }

    private ConvValue DepthwiseConv2D(FlatNode n)
    {
        var (x, filter, sh, sw, dh, dw, same) = ConvParameters(n);
        int kh = filter.Shape[0], kw = filter.Shape[1], ci = filter.Shape[2], m = filter.Shape[3];
        if (x.Shape1[3] != ci) throw NotSupported($"the input has {x.Shape1[3]} channels but the depthwise filter expects {ci}");
        int co = ci * m;
        var weights = filter.ToFloats().ToArray(); // [H,W,I,M] has the bytes of [1,H,W,I*M]
        int wt = AddTensor(n.Name + "/weights", TfDataType.Float, [1, kh, kw, co], [1, kh, kw, co]);
        int bt = AddTensor(n.Name + "/bias", TfDataType.Float, [co], [co]);
        var opts = OperatorOptions.For(BuiltinOperator.DEPTHWISE_CONV_2D)!;
        opts["padding"] = (sbyte)(same ? Padding.SAME : Padding.VALID);
        opts["stride_h"] = sh;
        opts["stride_w"] = sw;
        opts["depth_multiplier"] = m;
        opts["dilation_h_factor"] = dh;
        opts["dilation_w_factor"] = dw;
        return Emit(BuiltinOperator.DEPTHWISE_CONV_2D, [x.Tensor, wt, bt], TfDataType.Float,
            ConvShape(x.Shape1, kh, kw, sh, sw, dh, dw, same, co, 0), ConvShape(x.Shape2, kh, kw, sh, sw, dh, dw, same, co, 1), opts,
            version: dh != 1 || dw != 1 ? 2 : 1,
            weights: weights, weightShape: [1, kh, kw, co], bias: new float[co], weightTensor: wt, biasTensor: bt);
    }

    /// <summary>
    /// FusedBatchNorm in inference mode: y = x·m + s with m = scale/√(variance+ε), s = offset − mean·m; folded into the
    /// preceding convolution or fully connected layer when it is the only user, else MUL and ADD.
    /// </summary>
    private ConvValue BatchNorm(FlatNode n)
    {
        if (BoolAttr(n, "is_training", true)) throw NotSupported("batch normalization in training mode (is_training = true)");
        if (StringAttr(n, "data_format", "NHWC") is not ("NHWC" or "NDHWC")) throw NotSupported("data_format other than NHWC");
        var parameters = new ConstTensor[4];
        for (int i = 0; i < 4; i++)
        {
            if (In(n, i + 1) is not ConstValue { IsStatic: true } c || c.A.Shape.Length != 1) throw NotSupported("the batch normalization parameters are not constant vectors");
            parameters[i] = c.A;
        }

        int channels = parameters[0].Count;
        if (parameters.Any(p => p.Count != channels)) throw NotSupported("the batch normalization parameters differ in length");
        double eps = FloatAttr(n, "epsilon", 0.0001f);
        var mult = new double[channels];
        var shift = new double[channels];
        for (int c = 0; c < channels; c++)
        {
            mult[c] = (float)(parameters[0][c] / Math.Sqrt((float)(parameters[3][c] + eps)));
            shift[c] = (float)(parameters[1][c] - (parameters[2][c] * mult[c]));
        }

        var x = In(n, 0);
        if (x is TensorValue t && t.Producer is { IsWeighted: true } r && r.Channels == channels && r.Activation == ActivationFunctionType.NONE
            && Fusable(n, 0, t) && t.Shape1[^1] == channels)
        {
            r.ScaleOutputChannels(mult);
            var bias = r.Bias!;
            for (int c = 0; c < channels; c++) bias[c] = (float)((bias[c] * mult[c]) + shift[c]);
            return Fused(t);
        }

        var m = ConstTensor.Floats(TfDataType.Float, [channels], mult.Select(v => (float)v).ToArray());
        var s = ConstTensor.Floats(TfDataType.Float, [channels], shift.Select(v => (float)v).ToArray());
        if (x is ConstValue cx)
        {
            var folded = ConstTensor.Binary(ConstTensor.Binary(cx.A, m, (a, b) => a * b), s, (a, b) => a + b);
            return new ConstValue(folded);
        }

        var xt = AsTensor(x, TfDataType.Float, n.Name + "/x");
        var scaled = Emit(BuiltinOperator.MUL, [xt.Tensor, AddConstant(n.Name + "/multiplier", m, TfDataType.Float)], TfDataType.Float, xt.Shape1, xt.Shape2,
            OperatorOptions.For(BuiltinOperator.MUL), name: n.Name + "/mul");
        return Emit(BuiltinOperator.ADD, [scaled.Tensor, AddConstant(n.Name + "/shift", s, TfDataType.Float)], TfDataType.Float, xt.Shape1, xt.Shape2,
            OperatorOptions.For(BuiltinOperator.ADD));
    }

    private ConvValue Pool(FlatNode n, BuiltinOperator op)
    {
        if (StringAttr(n, "data_format", "NHWC") != "NHWC") throw NotSupported("data_format other than NHWC");
        var x = AsTensor(In(n, 0), TfDataType.Float, n.Name + "/x");
        if (x.Rank != 4) throw NotSupported($"the input has rank {x.Rank}, expected 4 (NHWC)");
        var k = IntsAttr(n, "ksize", []);
        var s = IntsAttr(n, "strides", []);
        if (k.Length != 4 || s.Length != 4 || k[0] != 1 || k[3] != 1 || s[0] != 1 || s[3] != 1) throw NotSupported("pooling over the batch or channel axis");
        string padding = StringAttr(n, "padding", "VALID");
        if (padding is not ("SAME" or "VALID")) throw NotSupported($"padding '{padding}'");
        bool same = padding == "SAME";
        var opts = OperatorOptions.For(op)!;
        opts["padding"] = (sbyte)(same ? Padding.SAME : Padding.VALID);
        opts["stride_h"] = (int)s[1];
        opts["stride_w"] = (int)s[2];
        opts["filter_height"] = (int)k[1];
        opts["filter_width"] = (int)k[2];
        int c = x.Shape1[3];
        return Emit(op, [x.Tensor], TfDataType.Float,
            ConvShape(x.Shape1, (int)k[1], (int)k[2], (int)s[1], (int)s[2], 1, 1, same, c, 0),
            ConvShape(x.Shape2, (int)k[1], (int)k[2], (int)s[1], (int)s[2], 1, 1, same, c, 1), opts);
    }
}
