using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// TRANSPOSE_CONV (float): inputs output_shape, weights [O, H, W, I], input, optional bias; each input pixel
/// scatters input · weight into the output window (TFLite reference), then bias and the fused activation.
/// </summary>
internal sealed class TransposeConvOperator : OperatorKernel
{
    private int _strideH, _strideW, _padTop, _padLeft;
    private float _min, _max;

    public override void Prepare(KernelContext ctx)
    {
        var shapeT = ctx.Input(0);
        var weights = ctx.Input(1);
        var input = ctx.Input(2);
        var bias = ctx.OptionalInput(3);
        ctx.Require(input.Type == TensorType.Float32 && weights.Type == TensorType.Float32 && ctx.Output(0).Type == TensorType.Float32,
            $"TRANSPOSE_CONV of {TensorTypeInfo.ShortName(input.Type)} with {TensorTypeInfo.ShortName(weights.Type)} weights");
        ctx.Require(input.Rank == 4 && weights.Rank == 4 && weights.Dim(3) == input.Dim(3), "input and weights must be 4-D with matching depth");
        ctx.Require(bias is null || bias.ElementCount == weights.Dim(0), "bias size differs from the output depth");
        var act = ctx.FusedActivation;
        ctx.Require(ActivationRange.IsClamp(act), $"fused activation {act}");
        (_min, _max) = ActivationRange.Float(act);
        if (!ctx.HasValue(shapeT))
        {
            ctx.SetOutputsDynamic();
            return;
        }

        var shape = TensorValues.ReadInts(shapeT);
        ctx.Require(shape.Length == 4 && shape[3] == weights.Dim(0) && shape[0] == input.Dim(0), "output_shape does not match the input and weights");
        _strideW = ctx.GetInt("stride_w", 1);
        _strideH = ctx.GetInt("stride_h", 1);
        var padding = (Padding)ctx.GetInt("padding");
        int unusedH = ConvGeometry.OutSize(padding, shape[1], weights.Dim(1), _strideH);
        int unusedW = ConvGeometry.OutSize(padding, shape[2], weights.Dim(2), _strideW);
        _padTop = ConvGeometry.PaddingWithOffset(_strideH, 1, shape[1], weights.Dim(1), unusedH, out _);
        _padLeft = ConvGeometry.PaddingWithOffset(_strideW, 1, shape[2], weights.Dim(2), unusedW, out _);
        ctx.SetOutputShape(0, shape);
    }

    public override void Eval(KernelContext ctx)
    {
        var weights = ctx.Input(1);
        var input = ctx.Input(2);
        var bias = ctx.OptionalInput(3);
        var output = ctx.Output(0);
        var w = weights.Read<float>();
        var x = input.Read<float>();
        var o = output.Write<float>();
        int batches = input.Dim(0), inH = input.Dim(1), inW = input.Dim(2), inC = input.Dim(3);
        int outH = output.Dim(1), outW = output.Dim(2), outC = output.Dim(3);
        int kh = weights.Dim(1), kw = weights.Dim(2);
        o.Clear();
        for (int b = 0; b < batches; b++)
        {
            for (int iy = 0; iy < inH; iy++)
            {
                for (int ix = 0; ix < inW; ix++)
                {
                    int oy0 = iy * _strideH - _padTop, ox0 = ix * _strideW - _padLeft;
                    var px = x.Slice(((b * inH + iy) * inW + ix) * inC, inC);
                    for (int fy = 0; fy < kh; fy++)
                    {
                        int oy = oy0 + fy;
                        if ((uint)oy >= (uint)outH) continue;
                        for (int fx = 0; fx < kw; fx++)
                        {
                            int ox = ox0 + fx;
                            if ((uint)ox >= (uint)outW) continue;
                            var dst = o.Slice(((b * outH + oy) * outW + ox) * outC, outC);
                            for (int oc = 0; oc < outC; oc++)
                            {
                                var f = w.Slice(((oc * kh + fy) * kw + fx) * inC, inC);
                                float acc = 0;
                                for (int ic = 0; ic < inC; ic++) acc += px[ic] * f[ic];
                                dst[oc] += acc;
                            }
                        }
                    }
                }
            }
        }

        var bv = bias is null ? default : bias.Read<float>();
        for (int i = 0; i < o.Length; i++)
        {
            float v = o[i] + (bv.IsEmpty ? 0 : bv[i % outC]);
            o[i] = Math.Min(Math.Max(v, _min), _max);
        }
    }
}
