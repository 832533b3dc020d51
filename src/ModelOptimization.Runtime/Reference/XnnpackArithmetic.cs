using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// XNNPACK's 8-bit ADD/SUB (qs8/qu8 vadd), as LiteRT runs them: a = s_a/s_o and b = ±s_b/s_o as 21-bit
/// multipliers with a common shift (20 − exponent of the larger), acc = bias + a·x + b·y with the zero points and
/// the rounding folded into the bias, out = (acc >> shift) + z_o, then the fused activation's clamp.
/// </summary>
internal readonly struct XnnpackAddition : IBinaryFunc<int, int, int>
{
    private readonly int _aMultiplier, _bMultiplier, _bias, _shift, _zeroPoint, _min, _max;

    private XnnpackAddition(int a, int b, int bias, int shift, int zp, int min, int max)
    {
        _aMultiplier = a;
        _bMultiplier = b;
        _bias = bias;
        _shift = shift;
        _zeroPoint = zp;
        _min = min;
        _max = max;
    }

    /// <summary>The parameters, or null when XNNPACK would refuse the scales (LiteRT then runs TFLite's kernel).</summary>
    public static XnnpackAddition? TryCreate(RuntimeTensor a, RuntimeTensor b, RuntimeTensor o, ActivationFunctionType act, bool subtract)
    {
        float sa = a.Scale / o.Scale, sb = b.Scale / o.Scale;
        if (!(sa >= 1f / 1024 && sa < 256f && sb >= 1f / 1024 && sb < 256f)) return null;
        if (subtract) sb = -sb;
        float max = Math.Max(Math.Abs(sa), Math.Abs(sb));
        int exponent = (int)(BitConverter.SingleToUInt32Bits(max) >> 23) - 127;
        int shift = 20 - exponent;
        int Multiplier(float s)
        {
            float scaled = BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(Math.Abs(s)) + ((uint)shift << 23));
            int m = (int)MathF.Round(scaled);
            return float.IsNegative(s) ? -m : m;
        }

        int am = Multiplier(sa), bm = Multiplier(sb);
        int bias = (1 << (shift - 1)) - am * a.ZeroPoint - bm * b.ZeroPoint;
        var (min, max2) = XnnpackQuantization.ActivationRange(act, o);
        return new XnnpackAddition(am, bm, bias, shift, o.ZeroPoint, min, max2);
    }

    public int Apply(int x, int y)
    {
        int acc = _bias + x * _aMultiplier + y * _bMultiplier;
        int v = (acc >> _shift) + _zeroPoint;
        return v < _min ? _min : v > _max ? _max : v;
    }
}

/// <summary>
/// XNNPACK's 8-bit MUL (qs8/qu8 vmul fp32): (float)((x − z_a)(y − z_b)) · (s_a·s_b/s_o in float), clamped,
/// rounded half to even, + z_o.
/// </summary>
internal readonly struct XnnpackMultiplication : IBinaryFunc<int, int, int>
{
    private readonly int _za, _zb, _zo, _min, _max;
    private readonly float _scale;

    private XnnpackMultiplication(int za, int zb, int zo, float scale, int min, int max)
    {
        _za = za;
        _zb = zb;
        _zo = zo;
        _scale = scale;
        _min = min;
        _max = max;
    }

    public static XnnpackMultiplication? TryCreate(RuntimeTensor a, RuntimeTensor b, RuntimeTensor o, ActivationFunctionType act)
    {
        float scale = a.Scale * b.Scale / o.Scale;
        if (!(scale >= 1f / 65536 && scale < 256f)) return null;
        var (min, max) = XnnpackQuantization.ActivationRange(act, o);
        return new XnnpackMultiplication(a.ZeroPoint, b.ZeroPoint, o.ZeroPoint, scale, min, max);
    }

    public int Apply(int x, int y)
    {
        float v = (x - _za) * (y - _zb) * _scale;
        v = Math.Min(Math.Max(v, _min - _zo), _max - _zo);
        return (int)MathF.Round(v) + _zo;
    }
}
