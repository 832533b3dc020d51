using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;
using ModelOptimization.Runtime.Execution;

namespace ModelOptimization.Runtime.Reference;

/// <summary>
/// TFLite's quantized ADD/SUB: both inputs are rescaled to a common scale with 20 (int16: 15) bits of headroom,
/// added or subtracted, then rescaled to the output. Factors are computed once in prepare.
/// </summary>
internal readonly struct QuantizedAddition : IBinaryFunc<int, int, int>
{
    public readonly int Input1Offset, Input2Offset, OutputOffset, LeftShift;
    public readonly int Input1Multiplier, Input1Shift, Input2Multiplier, Input2Shift, OutputMultiplier, OutputShift;
    public readonly int ActivationMin, ActivationMax;
    public readonly bool Subtract;

    public QuantizedAddition(RuntimeTensor input1, RuntimeTensor input2, RuntimeTensor output, ActivationFunctionType activation, bool subtract)
    {
        Subtract = subtract;
        Input1Offset = -input1.ZeroPoint;
        Input2Offset = -input2.ZeroPoint;
        OutputOffset = output.ZeroPoint;
        LeftShift = output.Type == TensorType.Int16 ? 15 : 20;
        double twiceMaxInputScale = 2 * Math.Max(input1.Scale, input2.Scale);
        double realInput1 = input1.Scale / twiceMaxInputScale;
        double realInput2 = input2.Scale / twiceMaxInputScale;
        double realOutput = twiceMaxInputScale / ((1 << LeftShift) * output.Scale);
        IntegerArithmetic.QuantizeMultiplier(realInput1, out Input1Multiplier, out Input1Shift);
        IntegerArithmetic.QuantizeMultiplier(realInput2, out Input2Multiplier, out Input2Shift);
        IntegerArithmetic.QuantizeMultiplier(realOutput, out OutputMultiplier, out OutputShift);
        (ActivationMin, ActivationMax) = ActivationRange.Quantized(activation, output);
    }

    public int Apply(int a, int b)
    {
        int shifted1 = (Input1Offset + a) * (1 << LeftShift);
        int shifted2 = (Input2Offset + b) * (1 << LeftShift);
        int scaled1 = IntegerArithmetic.MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted1, Input1Multiplier, Input1Shift);
        int scaled2 = IntegerArithmetic.MultiplyByQuantizedMultiplierSmallerThanOneExp(shifted2, Input2Multiplier, Input2Shift);
        int raw = Subtract ? scaled1 - scaled2 : scaled1 + scaled2;
        int result = IntegerArithmetic.MultiplyByQuantizedMultiplier(raw, OutputMultiplier, OutputShift) + OutputOffset;
        return IntegerArithmetic.Clamp(result, ActivationMin, ActivationMax);
    }
}

/// <summary>TFLite's quantized MUL: (a − za)(b − zb) rescaled by sa·sb/so (computed in float, as TFLite does).</summary>
internal readonly struct QuantizedMultiplication : IBinaryFunc<int, int, int>
{
    public readonly int Input1Offset, Input2Offset, OutputOffset, Multiplier, Shift, ActivationMin, ActivationMax;

    public QuantizedMultiplication(RuntimeTensor input1, RuntimeTensor input2, RuntimeTensor output, ActivationFunctionType activation)
    {
        Input1Offset = -input1.ZeroPoint;
        Input2Offset = -input2.ZeroPoint;
        OutputOffset = output.ZeroPoint;
        float real = input1.Scale * input2.Scale / output.Scale;
        IntegerArithmetic.QuantizeMultiplier(real, out Multiplier, out Shift);
        (ActivationMin, ActivationMax) = ActivationRange.Quantized(activation, output);
    }

    public int Apply(int a, int b)
    {
        int raw = OutputOffset + IntegerArithmetic.MultiplyByQuantizedMultiplier((Input1Offset + a) * (Input2Offset + b), Multiplier, Shift);
        return IntegerArithmetic.Clamp(raw, ActivationMin, ActivationMax);
    }
}
