@{
    Synopsis    = 'The quantization debugger: per-layer error of a quantized model against its float twin, a per-output summary, a plot and the layers worth excluding.'
    Description = @(
        'Measure-QuantizationError runs the quantized model and the float model it was made from on the same float samples and writes one record per quantized layer, in the float model''s graph order. LayerIndex and LayerName are the float model''s operator index and layer name (its first output tensor), the same names Get-ModelLayer shows and Set-LayerExclusion takes, so the records pipe straight into Set-LayerExclusion. Layers are matched by output tensor name through the QUANTIZE/DEQUANTIZE ops quantization inserted, and by position when names differ (a quantized file imported from disk); a pair that does not correspond is a GraphStructureMismatch error naming the first layer that differs.'
        '-Mode Accumulated (the default) runs the quantized model end to end, so each layer shows the error it inherits plus its own (TFLite''s whole-model verification). -Mode Isolated runs each quantized op alone on the float model''s inputs to that op (quantized with the op''s input scale), so each layer shows only its own error (TFLite''s layer_direct_compare).'
        'Metrics, with q the quantized layer''s output dequantized with its scale and zero point and f the float model''s output of the same layer: MeanError = mean(q - f), StdDev = standard deviation of q - f, MeanSquaredError = mean((q - f)^2), SqnrDb = 10 log10(sum f^2 / sum (q - f)^2), CosineSimilarity = sum(f q) / sqrt(sum f^2 sum q^2); each is computed per sample and averaged over the samples; MaxAbsError is the largest |q - f| of any sample. RmseOverScale = sqrt(MeanSquaredError) / Scale: a layer whose only error is rounding shows about 0.289 (1/sqrt(12)); it is NaN for layers with float outputs (DynamicRange, WeightOnly, Float16). Scale, ZeroPoint and OutputType describe the quantized layer''s output; WeightScale summarizes its weight scales over channels (Min, Median, Max, Count), and -PerChannelDetail adds every channel''s scale and zero point.'
        'A summary per model output (SQNR, cosine similarity, mean squared and largest error, KL divergence for softmax outputs, and Top1Agreement: the share of positions whose arg-max over the last axis agrees, i.e. of images for a classifier and of pixels for a segmentation mask) goes to the information stream (6>&1 or -InformationVariable to see it); -Summary writes those summary objects instead of the layer records.'
        '-SuggestExclusion writes only the layers worth keeping in float: RmseOverScale above -Threshold (default 0.7, the rule of TensorFlow''s quantization debugger tutorial: a well-quantized layer sits near 0.289, so 0.7 is well over twice the rounding noise), or, for layers without an output scale, SqnrDb below -MinSqnrDb. -Plot draws RMSE/scale and SQNR per layer into a PNG (ScottPlot).'
        'It works for every Invoke-Quantization mode and with integer-only inputs (the float samples are quantized with the model''s input scale). A quantized model from Invoke-Quantization remembers its float model, so -Reference is needed only for models imported from disk.'
        'A SavedModel quantized by Invoke-Quantization -Mode DynamicRange (or imported from disk, with the float SavedModel as -Reference) is measured through the TFLite conversion Invoke-Model uses, for both models: the conversion folds the int8 weights'' dequantization back into float constants, so a layer counts as quantized when its weights differ, and each record names the TensorFlow layer Get-ModelLayer shows on the float SavedModel (LayerIndex, LayerName such as Conv2D_1 or model/dense/MatMul, OpType such as Conv2D or MatMul). The layer''s error is that of its int8 weights (the activations stay float, so RmseOverScale is NaN and -SuggestExclusion uses -MinSqnrDb); suggestions pipe into Set-LayerExclusion on the float SavedModel. A SavedModel compared with a TFLite model is a ParameterCombinationInvalid error; a SavedModel whose ops do not convert is OperatorNotSupported.'
    )
    Parameters  = @{
        InputObject      = 'The quantized model; usually from Invoke-Quantization or Import-Model through the pipeline.'
        Reference        = 'The float model the quantized model was made from. Default: the quantized model''s Source (set by Invoke-Quantization).'
        Dataset          = 'Float samples for the float model: a dataset from Import-Dataset, one sample, or an array of samples.'
        Mode             = 'Accumulated (end to end; errors propagate) or Isolated (each op on the float model''s inputs).'
        MaxSamples       = 'Use at most this many samples.'
        Summary          = 'Write the per-output summary objects instead of the per-layer records.'
        SuggestExclusion = 'Write only the layers worth excluding from quantization (see -Threshold and -MinSqnrDb).'
        Threshold        = 'With -SuggestExclusion: suggest layers whose RmseOverScale is above this (default 0.7).'
        MinSqnrDb        = 'With -SuggestExclusion: suggest layers without an output scale whose SqnrDb is below this.'
        PerChannelDetail = 'Add every channel''s weight scale and zero point (WeightScales, WeightZeroPoints) to the records.'
        Plot             = 'Also draw per-layer RMSE/scale and SQNR into this PNG file (replaced if it exists).'
        ThreadCount      = 'Threads the interpreter may use (default: all cores); results do not depend on it.'
    }
    Inputs      = @(
        @{ Type = 'ModelOptimization.Core.Graph.Model'; Description = 'Quantized models, to -InputObject.' }
    )
    Outputs     = @(
        @{ Type = 'ModelOptimization.Optimization.Debugging.LayerErrorRecord'; Description = 'One record per quantized layer (or per suggested layer with -SuggestExclusion).' }
        @{ Type = 'ModelOptimization.Optimization.Debugging.OutputErrorSummary'; Description = 'With -Summary: one summary per model output.' }
    )
    Notes       = @(
        'ErrorIds: GraphStructureMismatch, InputDataInvalid, ParameterCombinationInvalid, ModelWriteFailed. See about_ModelOptimization_Errors.'
        'Records are flat objects: Export-Csv and ConvertTo-Json write them as they are.'
    )
    Examples    = @(
        @{
            Title   = 'Find the layers that lose the most, and keep them in float'
            Code    = @'
$float = Import-Model ./tests/Assets/conv_fc_mnist_float.tflite
$digits = Import-Dataset ./tests/Assets/mnist-first100-images-idx3-ubyte.gz -Scale (1/255) -Shape 1, 28, 28, 1 -First 20
$int8 = $float | Invoke-Quantization FullInteger -CalibrationData $digits
$int8 | Measure-QuantizationError $digits | Format-Table LayerIndex, LayerName, OpType, RmseOverScale, SqnrDb
$int8 | Measure-QuantizationError $digits -SuggestExclusion -Threshold 0.3 | Set-LayerExclusion -InputObject $float
$better = $float | Invoke-Quantization FullInteger -CalibrationData $digits
'@
            Remarks = 'The suggested layers become plan rules of $float (their Reason says why); the second quantization keeps them in float.'
        }
        @{
            Title   = 'Isolated error, a summary, a CSV and a plot'
            Code    = @'
$float = Import-Model ./tests/Assets/conv_fc_mnist_float.tflite
$digits = Import-Dataset ./tests/Assets/mnist-first100-images-idx3-ubyte.gz -Scale (1/255) -Shape 1, 28, 28, 1 -First 20
$int8 = $float | Invoke-Quantization FullInteger -CalibrationData $digits
$int8 | Measure-QuantizationError $digits -Mode Isolated -Plot ./mnist-error.png | Export-Csv ./mnist-error.csv
$int8 | Measure-QuantizationError $digits -Summary
'@
            Remarks = 'Isolated mode shows each layer''s own error; the summary gives output SQNR, cosine similarity, KL divergence of the softmax and top-1 agreement.'
        }
    )
    Links       = @(
        'Invoke-Quantization'
        'Set-LayerExclusion'
        'Get-ModelLayer'
    )
}
