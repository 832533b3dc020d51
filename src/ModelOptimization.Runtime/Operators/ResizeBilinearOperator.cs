using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// RESIZE_BILINEAR (NHWC) with align_corners / half_pixel_centers: float, uint8 (float interpolation rounded as
/// TFLite's reference), int8/int16 (TFLite's 10-bit fixed-point ResizeBilinearInteger).
/// </summary>
internal sealed class ResizeBilinearOperator : OperatorKernel
{
    private bool _alignCorners, _halfPixel, _xnnpack;

    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var size = ctx.Input(1);
        ctx.Require(input.Rank == 4, "input must be 4-D");
        ctx.Require(input.Type is TensorType.Float32 or TensorType.UInt8 or TensorType.Int8 or TensorType.Int16, $"RESIZE_BILINEAR of {TensorTypeInfo.ShortName(input.Type)}");
        _alignCorners = ctx.GetBool("align_corners");
        _halfPixel = ctx.GetBool("half_pixel_centers");
        ctx.Require(!(_alignCorners && _halfPixel), "align_corners and half_pixel_centers cannot both be set");
        if (!ctx.HasValue(size))
        {
            ctx.SetOutputsDynamic();
            return;
        }

        // The XNNPACK delegate takes 8-bit resizes whose size tensor is static (its 11-bit ibilinear kernel).
        _xnnpack = ctx.LiteRtArithmetic && input.Type is TensorType.Int8 or TensorType.UInt8 && size.Storage == TensorStorage.Constant;
        var hw = TensorValues.ReadInts(size);
        ctx.Require(hw.Length == 2 && hw[0] > 0 && hw[1] > 0, "size must hold two positive values");
        ctx.SetOutputShape(0, [input.Dim(0), hw[0], hw[1], input.Dim(3)]);
    }

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        switch (input.Type)
        {
            case TensorType.Float32: Float(input.Read<float>(), input.Shape, output.Write<float>(), output.Shape, 0f, v => v); break;
            case TensorType.UInt8 when _xnnpack: Xnnpack(input.Read<byte>(), input.Shape, output.Write<byte>(), output.Shape); break;
            case TensorType.Int8 when _xnnpack: Xnnpack(input.Read<sbyte>(), input.Shape, output.Write<sbyte>(), output.Shape); break;
            case TensorType.UInt8:
                {
                    var src = input.Read<byte>();
                    var tmp = new float[src.Length];
                    for (int i = 0; i < tmp.Length; i++) tmp[i] = src[i];
                    var dst = output.Write<byte>();
                    var o = new float[dst.Length];
                    Float(tmp, input.Shape, o, output.Shape, 0.5f, v => v);
                    for (int i = 0; i < o.Length; i++) dst[i] = (byte)(int)o[i];
                    break;
                }

            case TensorType.Int8: Integer(input.Read<sbyte>(), input.Shape, output.Write<sbyte>(), output.Shape); break;
            case TensorType.Int16: Integer(input.Read<short>(), input.Shape, output.Write<short>(), output.Shape); break;
        }
    }

    private static void Interpolation(float value, float scale, bool halfPixel, int inputSize, out float scaled, out int lower, out int upper)
    {
        scaled = halfPixel ? (value + 0.5f) * scale - 0.5f : value * scale;
        lower = Math.Max((int)MathF.Floor(scaled), 0);
        upper = Math.Min((int)MathF.Ceiling(scaled), inputSize - 1);
    }

    private void Float(ReadOnlySpan<float> input, int[] inShape, Span<float> output, int[] outShape, float roundingOffset, Func<float, float> _)
    {
        int batches = inShape[0], inH = inShape[1], inW = inShape[2], depth = inShape[3];
        int outH = outShape[1], outW = outShape[2];
        float hScale = (float)inH / outH, wScale = (float)inW / outW;
        if (_alignCorners && outH > 1) hScale = (float)(inH - 1) / (outH - 1);
        if (_alignCorners && outW > 1) wScale = (float)(inW - 1) / (outW - 1);
        for (int b = 0; b < batches; b++)
        {
            for (int y = 0; y < outH; y++)
            {
                Interpolation(y, hScale, _halfPixel, inH, out float iy, out int y0, out int y1);
                for (int x = 0; x < outW; x++)
                {
                    Interpolation(x, wScale, _halfPixel, inW, out float ix, out int x0, out int x1);
                    int o = ((b * outH + y) * outW + x) * depth;
                    int p00 = ((b * inH + y0) * inW + x0) * depth, p10 = ((b * inH + y1) * inW + x0) * depth;
                    int p01 = ((b * inH + y0) * inW + x1) * depth, p11 = ((b * inH + y1) * inW + x1) * depth;
                    float dy = iy - y0, dx = ix - x0;
                    for (int c = 0; c < depth; c++)
                    {
                        output[o + c] = input[p00 + c] * (1 - dy) * (1 - dx) + input[p10 + c] * dy * (1 - dx)
                            + input[p01 + c] * (1 - dy) * dx + input[p11 + c] * dy * dx + roundingOffset;
                    }
                }
            }
        }
    }

    private void Integer<T>(ReadOnlySpan<T> input, int[] inShape, Span<T> output, int[] outShape) where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        int batches = inShape[0], inH = inShape[1], inW = inShape[2], depth = inShape[3];
        int outH = outShape[1], outW = outShape[2];
        int hScale = ((1 << 10) * inH + outH / 2) / outH;
        int wScale = ((1 << 10) * inW + outW / 2) / outW;
        if (_alignCorners && outH > 1) hScale = ((1 << 10) * (inH - 1) + (outH - 1) / 2) / (outH - 1);
        if (_alignCorners && outW > 1) wScale = ((1 << 10) * (inW - 1) + (outW - 1) / 2) / (outW - 1);
        for (int b = 0; b < batches; b++)
        {
            for (int y = 0; y < outH; y++)
            {
                Values(y, hScale, inH, out int iy, out int y0, out int y1);
                for (int x = 0; x < outW; x++)
                {
                    Values(x, wScale, inW, out int ix, out int x0, out int x1);
                    for (int c = 0; c < depth; c++)
                    {
                        long ll = long.CreateTruncating(input[((b * inH + y0) * inW + x0) * depth + c]) * ((1 << 10) - (iy - (1 << 10) * y0)) * ((1 << 10) - (ix - (1 << 10) * x0));
                        long lu = long.CreateTruncating(input[((b * inH + y1) * inW + x0) * depth + c]) * (iy - (1 << 10) * y0) * ((1 << 10) - (ix - (1 << 10) * x0));
                        long rl = long.CreateTruncating(input[((b * inH + y0) * inW + x1) * depth + c]) * ((1 << 10) - (iy - (1 << 10) * y0)) * (ix - (1 << 10) * x0);
                        long ru = long.CreateTruncating(input[((b * inH + y1) * inW + x1) * depth + c]) * (iy - (1 << 10) * y0) * (ix - (1 << 10) * x0);
                        long sum = ll + lu + rl + ru;
                        long round = sum > 0 ? 1 << 19 : -(1 << 19);
                        output[((b * outH + y) * outW + x) * depth + c] = T.CreateTruncating((sum + round) / (1 << 20));
                    }
                }
            }
        }

        void Values(int value, int scale10, int size, out int scaled, out int lower, out int upper)
        {
            scaled = _halfPixel ? value * scale10 + scale10 / 2 - (1 << 9) : value * scale10;
            lower = Math.Max(scaled / (1 << 10), 0);
            upper = Math.Min((scaled + (1 << 10) - 1) / (1 << 10), size - 1);
        }
    }

    /// <summary>XNNPACK's resize (indirection with float source coordinates, Q11 weights, s8/u8 ibilinear kernel).</summary>
    private void Xnnpack<T>(ReadOnlySpan<T> input, int[] inShape, Span<T> output, int[] outShape) where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        int batches = inShape[0], inH = inShape[1], inW = inShape[2], depth = inShape[3];
        int outH = outShape[1], outW = outShape[2];
        bool legacy = _alignCorners || !_halfPixel;
        int wAdj = _alignCorners && outW != 1 ? 1 : 0, hAdj = _alignCorners && outH != 1 ? 1 : 0;
        float wScale = (float)(inW - wAdj) / (outW - wAdj), hScale = (float)(inH - hAdj) / (outH - hAdj);
        var xs = Coordinates(outW, inW, wScale, legacy);
        var ys = Coordinates(outH, inH, hScale, legacy);
        for (int b = 0; b < batches; b++)
        {
            for (int y = 0; y < outH; y++)
            {
                var (top, bottom, av) = ys[y];
                for (int x = 0; x < outW; x++)
                {
                    var (left, right, ah) = xs[x];
                    int o = ((b * outH + y) * outW + x) * depth;
                    int tl = ((b * inH + top) * inW + left) * depth, tr = ((b * inH + top) * inW + right) * depth;
                    int bl = ((b * inH + bottom) * inW + left) * depth, br = ((b * inH + bottom) * inW + right) * depth;
                    for (int c = 0; c < depth; c++)
                    {
                        int vtl = int.CreateTruncating(input[tl + c]), vtr = int.CreateTruncating(input[tr + c]);
                        int vbl = int.CreateTruncating(input[bl + c]), vbr = int.CreateTruncating(input[br + c]);
                        int vt = (vtl << 11) + (vtr - vtl) * ah;
                        int vb = (vbl << 11) + (vbr - vbl) * ah;
                        int acc = (vt << 11) + (vb - vt) * av;
                        output[o + c] = T.CreateTruncating((acc + 0x200000) >> 22);
                    }
                }
            }
        }
    }

    private static (int Low, int High, int Alpha)[] Coordinates(int outSize, int inSize, float scale, bool legacy)
    {
        var result = new (int, int, int)[outSize];
        float max = inSize - 1, offset = 0.5f * scale - 0.5f;
        for (int i = 0; i < outSize; i++)
        {
            float v = legacy ? MathF.Min(i * scale, max) : MathF.Min(MathF.Max(i * scale + offset, 0f), max);
            int low = (int)v;
            int high = Math.Min(low + 1, inSize - 1);
            result[i] = (low, high, (int)(short)MathF.Round((v - low) * 2048f));
        }

        return result;
    }
}
