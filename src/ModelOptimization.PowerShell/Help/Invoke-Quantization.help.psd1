@{
    Synopsis    = 'Quantizes a float model after training (dynamic range, full integer, 16x8, float16, bfloat16, weight-only), as a new model.'
    Description = @(
        'Invoke-Quantization does for TFLite models what the TFLite converter''s quantizer and Google''s AI Edge Quantizer do: it reads the float graph and writes a new, quantized graph. The model it is given is never changed; the result''s Source is that model and its Transform says what was done.'
        'Modes: DynamicRange stores weights as int8 (symmetric, per output channel unless -Granularity PerTensor) and lets FULLY_CONNECTED, CONV_2D, DEPTHWISE_CONV_2D, BATCH_MATMUL (constant right-hand side) and EMBEDDING_LOOKUP run as TFLite hybrid ops that quantize their input on the fly (FULLY_CONNECTED version 12 per channel, 9 per tensor; CONV_2D 5; DEPTHWISE_CONV_2D 6); LSTM and UNIDIRECTIONAL_SEQUENCE_LSTM get int8 weights with one scale per tensor (whatever -Granularity says) and quantize their inputs asymmetrically per step (versions 4 and 3); a GATHER of a constant table gathers int8 rows and dequantizes them. FullInteger quantizes activations to int8 (asymmetric, per tensor, from calibration), weights to int8 (symmetric [-127, 127], per channel) and biases to int32 at input scale x weight scale, following the TFLite int8 spec: LOGISTIC and SOFTMAX outputs are fixed at 1/256, -128, TANH at 1/128, 0; pooling, reshapes, slicing and padding keep their input''s scale; CONCATENATION, MAXIMUM, MINIMUM and PACK requantize inputs to the output''s scale (or have their producer write it directly). Unless -NoBiasCorrection, each bias is also corrected for the mean shift its weights'' quantization error causes. Int16x8 uses int16 activations (symmetric, zero point 0), int8 weights and int64 biases. Float16 stores every float32 constant as FLOAT16 behind a DEQUANTIZE op. BFloat16 stores them as BFLOAT16 behind a CAST op (version 7): TFLite''s DEQUANTIZE rejects bfloat16, CAST runs in LiteRT.js 2.5.3; tfjs-tflite runs neither; the module''s interpreter runs it (CAST bfloat16 to float32). WeightOnly stores weights as int8 or int4 (-WeightBits) behind DEQUANTIZE ops and keeps float compute; with -Granularity Blockwise (int4 only) a FULLY_CONNECTED reads int4 blockwise weights with FLOAT16 scales directly, as AI Edge Quantizer''s dynamic_wi4 recipes write (LiteRT''s DEQUANTIZE ignores block scales and XNNPACK rejects int8 blockwise weights); other ops fall back to int4 per channel. The module''s interpreter runs these files as LiteRT does (the input quantized to int8 per row, int32 sums per block times the block scale), so Invoke-Model and Measure-QuantizationError work on them. int4 weights (DEQUANTIZE version 6) run in LiteRT.js, not in tfjs-tflite.'
        'FullInteger and Int16x8 need activation ranges: give samples with -CalibrationData (a dataset from Import-Dataset, one sample, or an array of samples), which are run through the float model in the interpreter, or statistics saved earlier with -CalibrationStatistics (Get-CalibrationStatistics). -CalibrationMethod chooses the range of each tensor from what was seen: MinMax (the TFLite converter''s choice), MovingAverage, Percentile (-Percentile), Mse or Entropy. Inputs and outputs stay float32 with QUANTIZE/DEQUANTIZE ops at the edges unless -InputType/-OutputType ask for Int8 or UInt8 (Int16 with Int16x8).'
        'The model''s plan decides per layer: layers excluded with Set-LayerExclusion stay float (QUANTIZE/DEQUANTIZE at their boundaries), and include rules with a mode give single layers another mode (for example one layer Int16x8 in a FullInteger model). An op TFLite has no integer kernel for stays float with an OperatorNotQuantizable warning; with -Strict that is an error. Op versions follow TFLite''s op_version.cc. The output carries the per-layer report as the note property QuantizationReport and the statistics used as CalibrationStatistics.'
        'Accuracy-aware quantization (what NNCF''s quantize_with_accuracy_control does, for TFLite): with -TargetSqnrDb the model''s first output must reach that SQNR (dB) against the float model on -ValidationData (default: -CalibrationData); with -MaxAccuracyDrop its top-1 accuracy on labelled -ValidationData may drop at most that many percentage points. While the target is not met, the twelve layers with the worst isolated error (as Measure-QuantizationError -Mode Isolated measures it) are ranked by output sensitivity (the output metric with only that layer excluded), the next three are each tried as an extra exclusion and the one that helps most is kept; once the target holds, exclusions it no longer needs are put back. The calibration runs once. Each step goes to the information stream, the result carries them as the note property AccuracyAware (steps, SQNR and accuracy before and after, excluded layers), and the exclusions are rules of the output model''s plan (the input''s plan is not changed). When no quantized layer is left to exclude, or -MaxExcludedLayers is reached, it stops with AccuracyTargetUnreachable giving the best it reached. On mobilenet_v1_0.25 FullInteger, +6 dB output SQNR took 12 of 31 layers float (excluding every DEPTHWISE_CONV_2D gains only 1.7 dB).'
        'A SavedModel (Import-Model of a SavedModel folder) is quantized in its TensorFlow graph with -Mode DynamicRange only: every float variable with at least -MinWeightElements elements (default 1024) that a signature computes with becomes an int8 variable (symmetric, per output channel or per tensor), read through Cast and Mul by its scales, built from standard TensorFlow ops so stock TensorFlow loads the result; the checkpoint shrinks about 4x, and Export-Model writes it serving-only by default (training ops and optimizer slot variables dropped; -KeepTrainingState keeps them). Rules of the plan match the TensorFlow nodes that use a weight (names such as dense_1/MatMul, op types such as MatMul or Conv2D) or the weight itself (its checkpoint key, op type Variable). QuantizationReport then holds one TfWeightReport per float variable. Other modes are a ParameterCombinationInvalid error: convert the model first (Export-Model -Format Tflite, then Import-Model the file) and quantize the TFLite model. Example, with a SavedModel folder ./my_saved_model: Import-Model ./my_saved_model | Set-LayerExclusion -OpType Conv2D -PassThru | Invoke-Quantization DynamicRange -ComputeType BFloat16 | Export-Model ./my_saved_model_int8'
    )
    Parameters  = @{
        InputObject         = 'The float model to quantize, usually from Import-Model through the pipeline. It is not changed.'
        Mode                = 'DynamicRange, FullInteger, Int16x8, Float16, BFloat16 or WeightOnly.'
        Granularity         = 'Weight scales: PerChannel (default; one per output channel), PerTensor, or Blockwise (WeightOnly with -WeightBits 4 only).'
        WeightBits          = 'Bits per weight for -Mode WeightOnly: 8 (default) or 4 (INT4, two values per byte, low nibble first).'
        BlockSize           = 'Elements per scale for -Granularity Blockwise: 32 (default), 64, 128 or 256.'
        InputType           = 'The type of the model inputs for FullInteger (Float32, Int8, UInt8) and Int16x8 (Float32, Int16). Default Float32.'
        OutputType          = 'The type of the model outputs, as -InputType.'
        CalibrationData     = 'Representative samples for FullInteger and Int16x8: a dataset from Import-Dataset, one sample, or an array of samples (each fitting the model''s inputs). A few hundred are enough.'
        CalibrationStatistics = 'Statistics from Get-CalibrationStatistics (of the same model), used instead of running -CalibrationData again; one calibration serves every mode and -CalibrationMethod.'
        CalibrationMethod   = 'How each activation''s range is chosen: MinMax (default), MovingAverage, Percentile, Mse or Entropy.'
        Percentile          = 'For -CalibrationMethod Percentile: the share of values the range keeps, in percent (default 99.99).'
        CalibrationSamples  = 'Run at most this many calibration samples.'
        MinWeightElements   = 'Weights with fewer elements stay float (TFLite''s dynamic-range quantizer uses 1024; default 0 for TFLite models, 1024 for SavedModels).'
        ComputeType         = 'SavedModels only (-Mode DynamicRange): the type the int8 weights are dequantized to at run time, Float32 (default; Cast and Mul by float32 scales) or BFloat16 (Cast and Mul in bfloat16, then Cast to float32: half the scale storage, bfloat16-precision weights). On a TFLite model it is a ParameterCombinationInvalid error.'
        NoBiasCorrection    = 'Keep the biases exactly as TFLite''s converter writes them. By default, FullInteger and Int16x8 correct each bias of a convolution or fully connected layer for the mean shift its weights'' quantization error causes (sum of the weight error times the calibrated mean of each input channel; NNCF and AIMET do the same): on mobilenet_v1_0.25 it raised top-1 agreement with the float model from 53 % to 81 %.'
        WeightRounding      = 'How weights become integers once their scales are fixed. Nearest (default) rounds each weight to the nearest level, as the TFLite converter does. Adaptive is GPTQ / Optimal Brain Quantization (Frantar et al.): while the calibration samples run through the float model, the Hessian H = sum of x x'' over the input patches of every CONV_2D, DEPTHWISE_CONV_2D (per channel, over its kernel taps) and FULLY_CONNECTED is summed (at most 1024 positions per sample; dense layers with more than 4096 weight columns are left out); then each output channel is rounded one input column at a time, in order of decreasing H diagonal, and the rounding error is passed on to the columns not yet rounded through the Cholesky factor of the inverse of H (damped by 1 % of its mean diagonal), so the layer''s output on calibration-like inputs changes least. Scales, the [-127, 127] range and the file layout are those of Nearest; bias correction still applies on top. It works with FullInteger, Int16x8, DynamicRange and WeightOnly (int8 or int4, per channel or per tensor, not Blockwise) and always needs -CalibrationData (also in DynamicRange and WeightOnly, and also with -CalibrationStatistics, which hold no Hessians): without it the command stops with ParameterCombinationInvalid. Other ops round to nearest. Cost: one float pass over the calibration data plus memory for columns squared doubles per layer and a cubic factorisation per layer (mobilenet_v1_0.25: about 1 s more). On mobilenet_v1_0.25 (top-1 agreement with the float model, 68 crops) it raised Int16x8 from 92.6 % to 98.5 % and WeightOnly int8 from 60.3 % to 89.7 %; FullInteger stayed within noise of Nearest (79-84 %), limited by its 8-bit activations.'
        TargetSqnrDb        = 'Accuracy-aware: exclude layers until the first output''s SQNR against the float model reaches this many dB.'
        MaxAccuracyDrop     = 'Accuracy-aware: exclude layers until top-1 accuracy on labelled -ValidationData is at most this many percentage points below the float model''s.'
        ValidationData      = 'Accuracy-aware: the samples the target is measured on (a dataset from Import-Dataset, labelled for -MaxAccuracyDrop); default -CalibrationData.'
        MaxExcludedLayers   = 'Accuracy-aware: exclude at most this many layers (AccuracyTargetUnreachable when the target needs more).'
        Strict              = 'Fail with OperatorNotQuantizable instead of leaving a layer float because TFLite has no integer kernel for it (layers excluded by the plan may still stay float).'
    }
    Inputs      = @(
        @{ Type = 'ModelOptimization.Core.Graph.Model'; Description = 'Float models, to -InputObject.' }
    )
    Outputs     = @(
        @{ Type = 'ModelOptimization.Core.Graph.Model'; Description = 'The quantized model (a new object), with the note properties QuantizationReport (one LayerQuantizationReport per layer) and CalibrationStatistics.' }
    )
    Notes       = @(
        'ErrorIds: ParameterCombinationInvalid (for example FullInteger without calibration data, -Granularity Blockwise with 8-bit weights), CalibrationDataInvalid (no samples, or NaN/infinity in a sample or an activation; the message names the tensor), OperatorNotQuantizable (with -Strict). Warnings name every layer that stays float for lack of a kernel. See about_ModelOptimization_Errors.'
        'Runtimes: every mode''s output loads in LiteRT.js 2.5.3; tfjs-tflite rejects FULLY_CONNECTED version 12 (per-channel dynamic range: use -Granularity PerTensor for it), int4 weights and bfloat16.'
    )
    Examples    = @(
        @{
            Title   = 'Full-integer quantization calibrated on bundled MNIST digits'
            Code    = @'
$digits = Import-Dataset ./tests/Assets/mnist-first100-images-idx3-ubyte.gz -Scale (1/255) -Shape 1, 28, 28, 1
$int8 = Import-Model ./tests/Assets/conv_fc_mnist_float.tflite | Invoke-Quantization -Mode FullInteger -CalibrationData $digits
$int8.QuantizationReport
'@
            Remarks = 'Runs the 100 digits through the float model, then writes an int8 model with float32 input and output. The report says, per layer, what was done.'
        }
        @{
            Title   = 'Dynamic-range and weight-only int4 versions of the same model'
            Code    = @'
$float = Import-Model ./tests/Assets/conv_fc_mnist_float.tflite
$dynamic = $float | Invoke-Quantization DynamicRange
$int4 = $float | Invoke-Quantization WeightOnly -WeightBits 4 -Granularity Blockwise -BlockSize 32
$dynamic, $int4 | Select-Object Name, QuantizationSummary, Transform
'@
            Remarks = 'No calibration data are needed when activations stay float.'
        }
        @{
            Title   = 'An integer-only model, keeping the softmax float, saved to a file'
            Code    = @'
$digits = Import-Dataset ./tests/Assets/mnist-first100-images-idx3-ubyte.gz -Scale (1/255) -Shape 1, 28, 28, 1
Import-Model ./tests/Assets/conv_fc_mnist_float.tflite |
    Set-LayerExclusion -OpType SOFTMAX -Reason 'exact probabilities' -PassThru |
    Invoke-Quantization -Mode FullInteger -CalibrationData $digits -CalibrationMethod Percentile -InputType Int8 |
    Export-Model ./mnist_int8.tflite -PassThru
'@
            Remarks = 'The input is int8 (scale and zero point in the model), the softmax runs in float behind a DEQUANTIZE.'
        }
        @{
            Title   = 'Adaptive (GPTQ) weight rounding for weights that are sensitive to 8-bit rounding'
            Code    = @'
$digits = Import-Dataset ./tests/Assets/mnist-first100-images-idx3-ubyte.gz -Scale (1/255) -Shape 1, 28, 28, 1 -First 30
$q = Import-Model ./tests/Assets/conv_fc_mnist_float.tflite |
    Invoke-Quantization Int16x8 -CalibrationData $digits -WeightRounding Adaptive
$q.QuantizationReport | Select-Object Name, Reason
'@
            Remarks = 'The calibration pass also sums each layer''s input Hessian; the report says "adaptive rounding" for every weight rounded that way.'
        }
        @{
            Title   = 'Accuracy-aware: keep only as many layers float as a target SQNR needs'
            Code    = @'
$digits = Import-Dataset ./tests/Assets/mnist-first100-images-idx3-ubyte.gz -Scale (1/255) -Shape 1, 28, 28, 1 -First 30
$q = Import-Model ./tests/Assets/conv_fc_mnist_float.tflite |
    Invoke-Quantization FullInteger -CalibrationData $digits -TargetSqnrDb 45 -InformationAction Continue
$q.AccuracyAware.ExcludedLayers
'@
            Remarks = 'Each exclusion step is printed (information stream); the result''s plan holds the rules that made it.'
        }
    )
    Links       = @(
        'Measure-QuantizationError'
        'Set-LayerExclusion'
        'Get-CalibrationStatistics'
        'Export-QuantizationRecipe'
        'Export-Model'
        'about_ModelOptimization'
    )
}
