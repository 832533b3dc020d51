@{
    Synopsis    = 'Runs a model with the interpreter on a sample, a dataset or an array of samples, and writes one result per sample.'
    Description = @(
        'Invoke-Model prepares the interpreter once per model and runs it on each sample it is given, writing an InferenceResult as soon as each one exists: the sample index, the outputs (each with its name, shape, element type and a flat row-major Data array in its own type), the time Invoke took, the label when the dataset has labels, and the predicted class (the index of the largest value) when the first output is shaped like class scores ([N] or [1, N]).'
        'The model comes from the pipeline with -Input given, or is given with -InputObject (alias -Model) while datasets or samples come from the pipeline: Import-Dataset ... | Invoke-Model -Model $m.'
        '-Input takes: a dataset (from Import-Dataset); one sample as an array of flat row-major arrays, one per model input in input order (for a one-input model the array of values itself); a hashtable from input name (tensor or signature name) or index to values; or an array of samples. An array whose entries each fit the one input of a model is read as one sample per entry. Values are converted to each input''s type: float inputs take any number, integer inputs whole numbers in range, otherwise InputDataInvalid; a hashtable key that names no input is InputNotFound.'
        'Without -Input the model runs once on random data (seed 0; float inputs uniform in [-0.5, 0.5), integer inputs over their range as TFLite''s benchmark_model makes them), a quick check that the model runs.'
        'Over a dataset of more than one sample, progress is shown (an activity per model with a child activity for the samples, with percentages when the count is known) and always completed. Ctrl+C stops between samples and inside long inferences.'
    )
    Parameters  = @{
        InputObject         = 'The model to run, from Import-Model. From the pipeline when -Input is given on the command line; otherwise give it by name (-InputObject or -Model) and pipe the data.'
        Input               = @{ Description = 'The data: a dataset from Import-Dataset, one sample (an array of flat arrays in input order, or a flat array for a one-input model), a hashtable input name or index -> flat array, or an array of samples. From the pipeline when the model is given by name. Without it, one sample of random data is used.'; DefaultValue = 'one sample of random data' }
        Signature           = 'Runs the subgraph of this signature (SignatureDef key, e.g. serving_default) instead of subgraph 0. A key the model does not have is ParameterCombinationInvalid.'
        IncludeIntermediate = 'Keeps every tensor of the subgraph (inputs, constants, intermediate activations, outputs) and returns them in the Tensors property of each result. Uses more memory: intermediate buffers are not reused.'
        ThreadCount         = @{ Description = 'Threads the interpreter''s heavy kernels may use. Results do not depend on it.'; DefaultValue = 'the number of processors' }
    }
    Inputs      = @(
        @{ Type = 'ModelOptimization.Core.Graph.Model'; Description = 'Models, to -InputObject, when -Input is given by name.' }
        @{ Type = 'System.Object'; Description = 'Datasets or samples, to -Input, when the model is given by name.' }
    )
    Outputs     = @(
        @{ Type = 'ModelOptimization.PowerShell.Model.InferenceResult'; Description = 'One per sample: ModelName, SampleIndex, Outputs (TensorValue: Name, Shape, DataType, Data, Quantization, TensorIndex), Tensors (with -IncludeIntermediate), Milliseconds, Label, Predicted, IsCorrect.' }
    )
    Notes       = @(
        'A model the interpreter cannot run (an operator without a kernel) is reported as OperatorNotSupported for that model; a sample that does not fit the inputs as InputDataInvalid, which stops that dataset (the samples before it are already written).'
        'TensorValue.ToFloats() dequantizes the output of a quantized model.'
        'See about_ModelOptimization_Errors for every ErrorId.'
    )
    Examples    = @(
        @{
            Title   = 'Classify the bundled MNIST digits'
            Code    = @'
$model = Import-Model ./tests/Assets/conv_fc_mnist_float.tflite
Import-Dataset ./tests/Assets/mnist-first100-images-idx3-ubyte.gz -Scale (1/255) -Shape 1,28,28,1 -First 10 | Invoke-Model -Model $model
'@
            Remarks = 'Writes ten results with the label and the predicted digit of each sample.'
        }
        @{
            Title   = 'Run one sample given as an array'
            Code    = @'
$pixels = [float[]]::new(784)
Import-Model ./tests/Assets/conv_fc_mnist_float.tflite | Invoke-Model -Input (,$pixels) | Select-Object -ExpandProperty Outputs
'@
            Remarks = 'A sample is one flat array per input; the unary comma keeps the single array from being unrolled. The output is a float32 [1, 10] tensor of class scores.'
        }
        @{
            Title   = 'Name the inputs with a hashtable and keep every tensor'
            Code    = @'
$model = Import-Model ./tests/Assets/hello_world_float.tflite
$result = $model | Invoke-Model -Input @{ 'serving_default_dense_input:0' = @(1.5) } -IncludeIntermediate
$result.Outputs[0].Data
$result.Tensors | Format-Table TensorIndex, Name, DataType, Shape
'@
            Remarks = 'The hello-world model approximates sin(x); -IncludeIntermediate adds every tensor of the graph.'
        }
        @{
            Title   = 'Check that a model runs'
            Code    = 'Import-Model ./tests/Assets/conv_fc_mnist_float.tflite | Invoke-Model'
            Remarks = 'Without -Input the model runs once on random data.'
        }
    )
    Links       = @(
        'Import-Dataset'
        'Import-Model'
        'Measure-ModelPerformance'
        'about_ModelOptimization'
        'about_ModelOptimization_Errors'
    )
}
