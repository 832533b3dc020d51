using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Operators;

/// <summary>Shared prepare of one-input element-wise ops: the output takes the input's shape; types must match.</summary>
internal abstract class UnaryOperator : OperatorKernel
{
    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        ctx.SetOutputShape(0, input.Shape.ToArray());
        PrepareTypes(ctx, input, output);
    }

    protected abstract void PrepareTypes(KernelContext ctx, RuntimeTensor input, RuntimeTensor output);

    protected static void RequireSameType(KernelContext ctx, RuntimeTensor input, RuntimeTensor output)
        => ctx.Require(input.Type == output.Type, "input and output types differ");

    /// <summary>Applies a 256-entry lookup table to an 8-bit tensor (index = raw byte).</summary>
    protected static void ApplyTable(ReadOnlySpan<byte> input, Span<byte> output, byte[] table)
    {
        for (int i = 0; i < input.Length; i++) output[i] = table[input[i]];
    }

    /// <summary>Applies a 65,536-entry lookup table to an int16 tensor (index = the value's bits).</summary>
    protected static void ApplyTable(ReadOnlySpan<short> input, Span<short> output, short[] table)
    {
        for (int i = 0; i < input.Length; i++) output[i] = table[(ushort)input[i]];
    }
}
