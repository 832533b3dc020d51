using ModelOptimization.Core.Errors;
using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>The function an <see cref="ElementwiseUnaryOperator"/> applies.</summary>
internal enum UnaryFunction
{
    Abs,
    Ceil,
    Cos,
    Exp,
    Floor,
    Log,
    Neg,
    Round,
    Rsqrt,
    Sin,
    Sqrt,
    Square,
    Sign,
    ZerosLike,
}

/// <summary>
/// Float element-wise math (ABS, CEIL, COS, EXP, FLOOR, LOG, NEG, ROUND (half to even), RSQRT, SIN, SQRT, SQUARE,
/// SIGN, ZEROS_LIKE); ABS, NEG, SQUARE, SIGN and ZEROS_LIKE on int32/int64 (ABS also on plain int16); quantized
/// int8/int16 ABS, RSQRT, SQRT, LOG, EXP as TFLite (tabulated per input value in prepare).
/// </summary>
internal sealed class ElementwiseUnaryOperator(UnaryFunction function) : UnaryOperator
{
    private QuantizedUnaryTables.Table? _table;

    protected override void PrepareTypes(KernelContext ctx, RuntimeTensor input, RuntimeTensor output)
    {
        RequireSameType(ctx, input, output);
        _table = null;
        if (input.Type is TensorType.Int8 or TensorType.Int16 && QuantizedFunction() is { } q && input.IsQuantized)
        {
            ctx.Require(output.IsQuantized, $"quantized {ctx.OpName} needs output quantization parameters");
            if (input.Type == TensorType.Int16)
                ctx.Require(input.ZeroPoint == 0 && output.ZeroPoint == 0, "int16 quantized inputs and outputs need zero points of 0");
            _table = QuantizedUnaryTables.Build(q, input.Type, input.Scale, input.ZeroPoint, output.Scale, output.ZeroPoint);
            return;
        }

        bool integerOk = function is UnaryFunction.Abs or UnaryFunction.Neg or UnaryFunction.Square or UnaryFunction.Sign or UnaryFunction.ZerosLike;
        ctx.Require(input.Type == TensorType.Float32 || (integerOk && input.Type is TensorType.Int32 or TensorType.Int64)
            || (function == UnaryFunction.Abs && input.Type == TensorType.Int16),
            $"{ctx.OpName} of {TensorTypeInfo.ShortName(input.Type)}{(input.IsQuantized ? " (quantized)" : "")}");
    }

    private QuantizedUnaryTables.Function? QuantizedFunction() => function switch
    {
        UnaryFunction.Abs => QuantizedUnaryTables.Function.Abs,
        UnaryFunction.Rsqrt => QuantizedUnaryTables.Function.Rsqrt,
        UnaryFunction.Sqrt => QuantizedUnaryTables.Function.Sqrt,
        UnaryFunction.Log => QuantizedUnaryTables.Function.Log,
        UnaryFunction.Exp => QuantizedUnaryTables.Function.Exp,
        _ => null,
    };

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        if (_table is not null)
        {
            if (input.Type == TensorType.Int8) ApplyTable(ctx, input.Read<sbyte>(), output.Write<sbyte>(), sbyte.MinValue);
            else ApplyTable(ctx, input.Read<short>(), output.Write<short>(), short.MinValue);
            return;
        }

        switch (input.Type)
        {
            case TensorType.Float32:
                {
                    var x = input.Read<float>();
                    var y = output.Write<float>();
                    for (int i = 0; i < x.Length; i++) y[i] = Apply(x[i]);
                    break;
                }

            case TensorType.Int16:
                {
                    var x = input.Read<short>();
                    var y = output.Write<short>();
                    for (int i = 0; i < x.Length; i++) y[i] = unchecked((short)Math.Abs((int)x[i]));
                    break;
                }

            case TensorType.Int32:
                {
                    var x = input.Read<int>();
                    var y = output.Write<int>();
                    for (int i = 0; i < x.Length; i++) y[i] = (int)ApplyInteger(x[i]);
                    break;
                }

            case TensorType.Int64:
                {
                    var x = input.Read<long>();
                    var y = output.Write<long>();
                    for (int i = 0; i < x.Length; i++) y[i] = ApplyInteger(x[i]);
                    break;
                }
        }
    }

    private void ApplyTable<T>(KernelContext ctx, ReadOnlySpan<T> x, Span<T> y, int min) where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        var table = _table!;
        for (int i = 0; i < x.Length; i++)
        {
            int index = int.CreateTruncating(x[i]) - min;
            if (table.Invalid is { } invalid && invalid[index])
                throw new ModelOptimizationException(ErrorIds.InputDataInvalid, ErrorKind.InvalidArgument,
                    $"{ctx.OpName} (operator {ctx.Index}): {table.InvalidMessage}; the input holds {x[i]} (zero point {ctx.Input(0).ZeroPoint}).",
                    ctx.OpName, "Feed values inside the function's domain.");
            y[i] = T.CreateTruncating(table.Values[index]);
        }
    }

    private float Apply(float v) => function switch
    {
        UnaryFunction.Abs => MathF.Abs(v),
        UnaryFunction.Ceil => MathF.Ceiling(v),
        UnaryFunction.Cos => MathF.Cos(v),
        UnaryFunction.Exp => MathF.Exp(v),
        UnaryFunction.Floor => MathF.Floor(v),
        UnaryFunction.Log => MathF.Log(v),
        UnaryFunction.Neg => -v,
        UnaryFunction.Round => MathF.Round(v, MidpointRounding.ToEven),
        UnaryFunction.Rsqrt => 1f / MathF.Sqrt(v),
        UnaryFunction.Sin => MathF.Sin(v),
        UnaryFunction.Sqrt => MathF.Sqrt(v),
        UnaryFunction.Square => v * v,
        UnaryFunction.Sign => v > 0 ? 1f : v < 0 ? -1f : 0f,
        _ => 0f,
    };

    private long ApplyInteger(long v) => function switch
    {
        UnaryFunction.Abs => Math.Abs(v),
        UnaryFunction.Neg => -v,
        UnaryFunction.Square => v * v,
        UnaryFunction.Sign => Math.Sign(v),
        _ => 0,
    };
}
