@{
    Synopsis    = 'Fixes the shape of a model input and propagates it through the graph, as a new model.'
    Description = @(
        'Set-ModelInputShape gives a model input a new static shape, for example a batch of 4 instead of 1, or a fixed size where the shape signature has -1, and recomputes the shapes of the tensors that depend on it.'
        'Models are immutable: the command never changes the model it is given. It writes a new model whose Source is the input model, so it always writes its result (unlike the Set-* commands that edit a model''s quantization plan, which write nothing unless -PassThru). Assign the result or pipe it on, for example to Export-Model.'
        'An input name that the model does not have is reported as InputNotFound, and a shape that does not fit the input (wrong rank, a dimension the graph cannot accept) as ShapeMismatch.'
    )
    Parameters  = @{
        InputObject = 'The model to reshape, usually from Import-Model through the pipeline. It is not changed.'
        Shape       = 'The new shape, one positive value per dimension, for example 1,28,28,1.'
        Name        = 'The name of the input tensor to reshape. May be omitted when the model has exactly one input. Tab completion offers the input names of the model given to -InputObject.'
    }
    Inputs      = @(
        @{ Type = 'ModelOptimization.Core.Graph.Model'; Description = 'Models, to -InputObject.' }
    )
    Outputs     = @(
        @{ Type = 'ModelOptimization.Core.Graph.Model'; Description = 'The reshaped model (a new object; the input model is unchanged).' }
    )
    Notes       = @(
        'ErrorIds: InputNotFound, ShapeMismatch. See about_ModelOptimization_Errors.'
    )
    Examples    = @(
        @{
            Title   = 'Give a model a batch of four'
            Code    = @'
$model = Import-Model ./tests/Assets/conv_fc_mnist_float.tflite
$batch4 = $model | Set-ModelInputShape 4, 28, 28, 1
$batch4 | Get-ModelTensor | Where-Object { $_.IsInput -or $_.IsOutput } | Select-Object Name, Shape
'@
            Remarks = 'The new model takes four images at once; the output shape follows ([4, 10]). $model keeps its original shapes.'
        }
        @{
            Title   = 'Reshape a named input and save the result'
            Code    = @'
Import-Model ./tests/Assets/hello_world_float.tflite |
    Set-ModelInputShape -Name 'serving_default_dense_input:0' -Shape 8, 1 |
    Export-Model ./hello_world_batch8.tflite -PassThru
'@
            Remarks = 'Names the input explicitly and writes the reshaped model to a new file.'
        }
    )
    Links       = @(
        'Get-ModelTensor'
        'Export-Model'
        'about_ModelOptimization'
    )
}
