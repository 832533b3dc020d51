@{
    Synopsis    = 'Measures the latency and memory of a model''s inference on random inputs, like TFLite''s benchmark_model.'
    Description = @(
        'Measure-ModelPerformance prepares the interpreter for each model, fills its inputs with random data (float inputs uniform in [-0.5, 0.5), integer inputs over their range), runs -Warmup untimed inferences and then -Runs timed ones, and writes one object per model: the median, minimum, mean and maximum latency in milliseconds, the time to prepare the interpreter, and the peak memory (the interpreter''s arena, folded constants, packed weights and scratch, or the growth of the managed heap when that is larger).'
        'Use the median to compare models (for example a float model and its quantized twin) and -ThreadCount to see how a model scales. The numbers are wall-clock times on this machine; run other work elsewhere while measuring.'
    )
    Parameters  = @{
        InputObject = 'The model to measure, from Import-Model. Accepts models from the pipeline.'
        Runs        = @{ Description = 'The number of timed inferences.'; DefaultValue = '50' }
        Warmup      = @{ Description = 'The number of untimed inferences before the timed ones (they fill caches and let the JIT compile).'; DefaultValue = '5' }
        ThreadCount = @{ Description = 'Threads the interpreter''s heavy kernels may use.'; DefaultValue = 'the number of processors' }
    }
    Inputs      = @(
        @{ Type = 'ModelOptimization.Core.Graph.Model'; Description = 'Models, to -InputObject.' }
    )
    Outputs     = @(
        @{ Type = 'ModelOptimization.PowerShell.Model.ModelPerformance'; Description = 'One per model: ModelName, Runs, Warmup, ThreadCount, MedianMilliseconds, MinMilliseconds, MeanMilliseconds, MaxMilliseconds, InitMilliseconds, PeakMemoryBytes, ArenaBytes, LatenciesMilliseconds.' }
    )
    Notes       = @(
        'A model the interpreter cannot run is reported as OperatorNotSupported for that model, and the next model is measured.'
        'See about_ModelOptimization_Errors for every ErrorId.'
    )
    Examples    = @(
        @{
            Title   = 'Measure the bundled MNIST model'
            Code    = 'Import-Model ./tests/Assets/conv_fc_mnist_float.tflite | Measure-ModelPerformance -Runs 20 -Warmup 2'
            Remarks = 'Shows the median, minimum and mean latency and the peak memory of 20 timed inferences.'
        }
        @{
            Title   = 'Compare thread counts'
            Code    = @'
$model = Import-Model ./tests/Assets/conv_fc_mnist_float.tflite
1, 2 | ForEach-Object { $model | Measure-ModelPerformance -Runs 10 -ThreadCount $_ } | Format-Table ModelName, ThreadCount, MedianMilliseconds, PeakMemoryBytes
'@
            Remarks = 'One object per thread count.'
        }
    )
    Links       = @(
        'Invoke-Model'
        'Import-Model'
        'about_ModelOptimization'
    )
}
