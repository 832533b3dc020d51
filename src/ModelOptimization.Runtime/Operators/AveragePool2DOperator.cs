using ModelOptimization.Core.Graph;
using ModelOptimization.Kernels;
using ModelOptimization.Runtime.Execution;
using KernelReference = ModelOptimization.Kernels.Reference;

namespace ModelOptimization.Runtime.Operators;

/// <summary>
/// AVERAGE_POOL_2D: float, int8, uint8 (the vectorized Kernels.Pooling, bit-exact with its reference), int16 (the
/// Kernels reference; integer mean rounded half away from zero).
/// </summary>
internal sealed class AveragePool2DOperator : Pool2DOperator
{
    protected override void PrepareType(KernelContext ctx, RuntimeTensor input, RuntimeTensor output)
        => ctx.Require(input.Type is TensorType.Float32 or TensorType.Int8 or TensorType.UInt8 or TensorType.Int16, $"AVERAGE_POOL_2D of {TensorTypeInfo.ShortName(input.Type)}");

    public override void Eval(KernelContext ctx)
    {
        var input = ctx.Input(0);
        var output = ctx.Output(0);
        var g = PoolGeometry;
        switch (Type)
        {
            case TensorType.Float32:
                Pooling.AveragePoolFloat(input.Read<float>(), output.Write<float>(), g, FloatMin, FloatMax);
                break;
            case TensorType.Int8:
                Pooling.AveragePoolInt8(input.Read<sbyte>(), output.Write<sbyte>(), g, ActMin, ActMax);
                break;
            case TensorType.UInt8:
                Pooling.AveragePoolUInt8(input.Read<byte>(), output.Write<byte>(), g, ActMin, ActMax);
                break;
            case TensorType.Int16:
                KernelReference.Pooling.AveragePool(input.Read<short>(), output.Write<short>(), g, ActMin, ActMax);
                break;
        }
    }
}
