using System.Numerics;
using ModelOptimization.Core.Graph;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// Shared prepare of the two-input element-wise ops (ADD, SUB, MUL, DIV, ...): broadcast plan, output shape,
/// same-type check. Subclasses prepare their arithmetic and pick the typed loop in Eval.
/// </summary>
internal abstract class BinaryOperator : OperatorKernel
{
    protected BroadcastPlan Plan { get; private set; } = null!;

    protected TensorType InputType { get; private set; }

    public override void Prepare(KernelContext ctx)
    {
        ctx.Require(ctx.InputCount == 2, "it needs two inputs");
        var a = ctx.Input(0);
        var b = ctx.Input(1);
        var o = ctx.Output(0);
        Plan = BroadcastPlan.Create(a.Shape, b.Shape)
            ?? throw ctx.NotSupported($"shapes {ShapeUtil.Format(a.Shape)} and {ShapeUtil.Format(b.Shape)} do not broadcast");
        ctx.SetOutputShape(0, Plan.OutShape);
        InputType = a.Type;
        PrepareTypes(ctx, a, b, o);
    }

    /// <summary>Checks the types and computes the arithmetic parameters.</summary>
    protected abstract void PrepareTypes(KernelContext ctx, RuntimeTensor a, RuntimeTensor b, RuntimeTensor o);

    protected void Run<T, TF>(KernelContext ctx, TF f) where T : unmanaged where TF : struct, IBinaryFunc<T, T, T>
        => Plan.Run(ctx.Input(0).Read<T>(), ctx.Input(1).Read<T>(), ctx.Output(0).Write<T>(), f);

    /// <summary>Runs an int-domain function over 8/16-bit quantized tensors.</summary>
    protected void RunQuantized<TF>(KernelContext ctx, TF f) where TF : struct, IBinaryFunc<int, int, int>
    {
        switch (InputType)
        {
            case TensorType.Int8: Run<sbyte, Widened<sbyte, TF>>(ctx, new(f)); break;
            case TensorType.UInt8: Run<byte, Widened<byte, TF>>(ctx, new(f)); break;
            case TensorType.Int16: Run<short, Widened<short, TF>>(ctx, new(f)); break;
            default: throw ctx.NotSupported("quantized arithmetic needs int8, uint8 or int16 tensors");
        }
    }

    protected static void RequireSameTypes(KernelContext ctx, RuntimeTensor a, RuntimeTensor b, RuntimeTensor o)
        => ctx.Require(a.Type == b.Type && a.Type == o.Type, "inputs and output must have the same type");

    protected static bool IsQuantizedType(TensorType t) => t is TensorType.Int8 or TensorType.UInt8 or TensorType.Int16;

    /// <summary>Adapts an int-domain function to narrow integer tensors.</summary>
    internal readonly struct Widened<T, TF>(TF f) : IBinaryFunc<T, T, T>
        where T : unmanaged, IBinaryInteger<T>
        where TF : struct, IBinaryFunc<int, int, int>
    {
        public T Apply(T a, T b) => T.CreateTruncating(f.Apply(int.CreateTruncating(a), int.CreateTruncating(b)));
    }
}
