using ModelOptimization.Core.Graph;
using ModelOptimization.Core.Tflite;

namespace ModelOptimization.Formats.SavedModel.Conversion;

/// <summary>An operator the converter wrote, with its weights and bias kept editable until the model is finished.</summary>
internal sealed class OpRecord
{
    public required Operator Op { get; init; }

    public required BuiltinOperator Kind { get; init; }

    /// <summary>Weights in TFLite layout (CONV_2D OHWI, DEPTHWISE_CONV_2D [1,H,W,C], FULLY_CONNECTED [out,in]), or null.</summary>
    public float[]? Weights { get; set; }

    public int[]? WeightShape { get; init; }

    public float[]? Bias { get; set; }

    public int WeightTensor { get; init; } = -1;

    public int BiasTensor { get; init; } = -1;

    /// <summary>Number of output channels (the bias length), for weighted ops.</summary>
    public int Channels => Bias?.Length ?? 0;

    public ActivationFunctionType Activation
        => Op.BuiltinOptions is { } o && o.Has("fused_activation_function") ? o.FusedActivation : ActivationFunctionType.NONE;

    public bool CanFuseActivation
        => Op.BuiltinOptions is { } o && o.Has("fused_activation_function") && Activation == ActivationFunctionType.NONE
           && Kind is BuiltinOperator.CONV_2D or BuiltinOperator.DEPTHWISE_CONV_2D or BuiltinOperator.FULLY_CONNECTED
               or BuiltinOperator.ADD or BuiltinOperator.SUB or BuiltinOperator.MUL or BuiltinOperator.DIV;

    public bool IsWeighted => Weights is not null && Bias is not null;

    /// <summary>Multiplies the weights of output channel <c>c</c> by <paramref name="scale"/>[c].</summary>
    public void ScaleOutputChannels(IReadOnlyList<double> scale)
    {
        var w = Weights!;
        int channels = Channels;
        if (Kind == BuiltinOperator.DEPTHWISE_CONV_2D)
        {
            for (int i = 0; i < w.Length; i++) w[i] = (float)(w[i] * scale[i % channels]);
        }
        else
        {
            int per = w.Length / channels;
            for (int i = 0; i < w.Length; i++) w[i] = (float)(w[i] * scale[i / per]);
        }
    }
}
