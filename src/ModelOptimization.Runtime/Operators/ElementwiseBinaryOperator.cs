using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>The function an <see cref="ElementwiseBinaryOperator"/> applies.</summary>
internal enum BinaryFunction
{
    Maximum,
    Minimum,
    FloorMod,
    FloorDiv,
    Pow,
}

/// <summary>
/// MAXIMUM, MINIMUM (any numeric type; quantized types compare raw values, as TFLite),
/// FLOOR_MOD, FLOOR_DIV, POW (float, int32, int64), with broadcasting.
/// </summary>
internal sealed class ElementwiseBinaryOperator(BinaryFunction function) : BinaryOperator
{
    protected override void PrepareTypes(KernelContext ctx, RuntimeTensor a, RuntimeTensor b, RuntimeTensor o)
    {
        RequireSameTypes(ctx, a, b, o);
        bool minMax = function is BinaryFunction.Maximum or BinaryFunction.Minimum;
        ctx.Require(a.Type is TensorType.Float32 or TensorType.Int32 or TensorType.Int64
            || (minMax && a.Type is TensorType.Int8 or TensorType.UInt8 or TensorType.Int16),
            $"{ctx.OpName} of {TensorTypeInfo.ShortName(a.Type)}");
    }

    public override void Eval(KernelContext ctx)
    {
        if (function is BinaryFunction.FloorMod or BinaryFunction.FloorDiv && InputType is TensorType.Int32 or TensorType.Int64)
        {
            var b = ctx.Input(1);
            bool zero = InputType == TensorType.Int32 ? b.Read<int>().Contains(0) : b.Read<long>().Contains(0);
            if (zero) throw ctx.NotSupported("integer division by zero");
        }

        switch (InputType)
        {
            case TensorType.Float32: Run<float, Func<float>>(ctx, new(function)); break;
            case TensorType.Int32: Run<int, Func<int>>(ctx, new(function)); break;
            case TensorType.Int64: Run<long, Func<long>>(ctx, new(function)); break;
            case TensorType.Int8: Run<sbyte, Func<sbyte>>(ctx, new(function)); break;
            case TensorType.UInt8: Run<byte, Func<byte>>(ctx, new(function)); break;
            case TensorType.Int16: Run<short, Func<short>>(ctx, new(function)); break;
        }
    }

    private readonly struct Func<T>(BinaryFunction function) : IBinaryFunc<T, T, T> where T : System.Numerics.INumber<T>
    {
        public T Apply(T a, T b)
        {
            switch (function)
            {
                case BinaryFunction.Maximum: return a > b ? a : b;
                case BinaryFunction.Minimum: return a < b ? a : b;
                case BinaryFunction.FloorMod:
                    {
                        if (typeof(T) == typeof(float))
                        {
                            float fa = float.CreateTruncating(a), fb = float.CreateTruncating(b);
                            float m = fa % fb;
                            return T.CreateTruncating(m != 0 && (fb < 0) != (m < 0) ? m + fb : m);
                        }

                        T t = a % b;
                        return t != T.Zero && (b < T.Zero) != (t < T.Zero) ? t + b : t;
                    }

                case BinaryFunction.FloorDiv:
                    {
                        if (typeof(T) == typeof(float)) return T.CreateTruncating(MathF.Floor(float.CreateTruncating(a) / float.CreateTruncating(b)));
                        T q = a / b;
                        return (a % b != T.Zero) && ((a < T.Zero) != (b < T.Zero)) ? q - T.One : q;
                    }

                default:
                    {
                        if (typeof(T) == typeof(float)) return T.CreateTruncating(MathF.Pow(float.CreateTruncating(a), float.CreateTruncating(b)));
                        long bl = long.CreateTruncating(b), r = 1, x = long.CreateTruncating(a);
                        for (long i = 0; i < bl; i++) r *= x;
                        return T.CreateTruncating(r);
                    }
            }
        }
    }
}
