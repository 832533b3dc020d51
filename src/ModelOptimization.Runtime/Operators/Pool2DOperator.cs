using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Kernels;
using ModelOptimization.Runtime.Execution;
using ModelOptimization.Runtime.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>Shared prepare of the 2-D pooling ops: window geometry, output shape and activation range.</summary>
internal abstract class Pool2DOperator : OperatorKernel
{
    private ConvGeometry Geometry { get; } = new();

    /// <summary>The same window in the Kernels' terms (set in prepare).</summary>
    protected Pool2DGeometry PoolGeometry { get; private set; }

    protected float FloatMin { get; private set; }

    protected float FloatMax { get; private set; }

    protected int ActMin { get; private set; }

    protected int ActMax { get; private set; }

    protected TensorType Type { get; private set; }

    public override void Prepare(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        ctx.Require(input.Rank == 4, "input must be 4-D");
        ctx.Require(input.Type == output.Type, "input and output types differ");
        var g = Geometry;
        g.Batches = input.Dim(0);
        g.InputHeight = input.Dim(1);
        g.InputWidth = input.Dim(2);
        g.InputDepth = g.OutputDepth = input.Dim(3);
        g.FilterWidth = ctx.GetInt("filter_width", 1);
        g.FilterHeight = ctx.GetInt("filter_height", 1);
        g.StrideWidth = ctx.GetInt("stride_w", 1);
        g.StrideHeight = ctx.GetInt("stride_h", 1);
        ctx.Require(g.StrideWidth > 0 && g.StrideHeight > 0 && g.FilterWidth > 0 && g.FilterHeight > 0, "strides and filter sizes must be positive");
        g.ComputePadding((Padding)ctx.GetInt("padding"));
        ctx.SetOutputShape(0, [g.Batches, g.OutputHeight, g.OutputWidth, g.OutputDepth]);
        PoolGeometry = new Pool2DGeometry(g.Batches, g.InputHeight, g.InputWidth, g.InputDepth, g.FilterHeight, g.FilterWidth,
            g.OutputHeight, g.OutputWidth, g.StrideHeight, g.StrideWidth, g.PadTop, g.PadLeft);
        var act = ctx.FusedActivation;
        ctx.Require(ActivationRange.IsClamp(act), $"fused activation {act}");
        (FloatMin, FloatMax) = ActivationRange.Float(act);
        Type = input.Type;
        if (input.Type is TensorType.Int8 or TensorType.UInt8 or TensorType.Int16)
        {
            (ActMin, ActMax) = ActivationRange.Quantized(act, output);
        }

        PrepareType(ctx, input, output);
    }

    protected abstract void PrepareType(KernelContext ctx, RuntimeTensor input, RuntimeTensor output);
}
