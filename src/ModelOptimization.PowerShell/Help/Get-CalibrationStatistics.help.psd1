@{
    Synopsis    = 'Calibrates a float model on samples and returns per-tensor statistics (or reads statistics saved earlier).'
    Description = @(
        'Get-CalibrationStatistics runs samples through the float model in the interpreter and records, for every float activation (inputs included), the smallest and largest value, moving averages of each sample''s extremes and a 4096-bin histogram. The statistics do not depend on the quantization mode or the range method, so one calibration serves Invoke-Quantization -CalibrationStatistics for FullInteger and Int16x8 and for every -CalibrationMethod.'
        'With -OutFile the statistics are also saved as JSON (written through a temporary sibling; an existing file is replaced only with -Force); -Path reads such files back. Statistics apply only to the model they were collected on: a tensor whose name differs is a ParameterCombinationInvalid error when they are used.'
        'NaN or infinity in a sample or in any activation is a CalibrationDataInvalid error that names the sample and the tensor; so is a dataset without samples.'
    )
    Parameters  = @{
        InputObject        = 'The float model to calibrate; usually from Import-Model through the pipeline.'
        CalibrationData    = 'The samples: a dataset from Import-Dataset, one sample, or an array of samples fitting the model''s inputs.'
        CalibrationSamples = 'Run at most this many samples.'
        OutFile            = 'Also save the statistics as JSON to this file.'
        Force              = 'Replace an existing -OutFile.'
        Path               = 'Statistics files saved earlier with -OutFile; wildcards are expanded.'
    }
    Inputs      = @(
        @{ Type = 'ModelOptimization.Core.Graph.Model'; Description = 'Models, to -InputObject.' }
    )
    Outputs     = @(
        @{ Type = 'ModelOptimization.Optimization.Calibration.CalibrationStatistics'; Description = 'One object per model (or per file read), with one TensorStatistics per tensor in Tensors.' }
    )
    Notes       = @(
        'ErrorIds: CalibrationDataInvalid, OutputFileExists. See about_ModelOptimization_Errors.'
    )
    Examples    = @(
        @{
            Title   = 'Calibrate once, quantize twice'
            Code    = @'
$model = Import-Model ./tests/Assets/conv_fc_mnist_float.tflite
$digits = Import-Dataset ./tests/Assets/mnist-first100-images-idx3-ubyte.gz -Scale (1/255) -Shape 1, 28, 28, 1
$stats = $model | Get-CalibrationStatistics $digits -OutFile ./mnist-stats.json
$stats.Tensors
$int8 = $model | Invoke-Quantization FullInteger -CalibrationStatistics $stats -CalibrationMethod Mse
$int16 = $model | Invoke-Quantization Int16x8 -CalibrationStatistics (Get-CalibrationStatistics -Path ./mnist-stats.json)
'@
            Remarks = 'The second quantization reads the saved statistics back instead of running the samples again.'
        }
    )
    Links       = @(
        'Invoke-Quantization'
        'Import-Dataset'
    )
}
