@{
    Synopsis    = 'Removes every rule from a model''s quantization plan.'
    Description = @(
        'Clear-LayerExclusion empties the plan of the model object it is given, exclusions and includes alike, so Invoke-Quantization quantizes every layer with the run''s mode again.'
        'It writes nothing unless -PassThru, and supports -WhatIf and -Confirm.'
    )
    Parameters  = @{
        InputObject = 'The model whose plan is cleared; usually from Import-Model through the pipeline.'
        PassThru    = 'Write the model after clearing its plan.'
    }
    Inputs      = @(
        @{ Type = 'ModelOptimization.Core.Graph.Model'; Description = 'Models, to -InputObject.' }
    )
    Outputs     = @(
        @{ Type = 'None'; Description = 'Nothing by default.' }
        @{ Type = 'ModelOptimization.Core.Graph.Model'; Description = 'With -PassThru: the model (the same object).' }
    )
    Examples    = @(
        @{
            Title   = 'Start the plan over'
            Code    = @'
$model = Import-Model ./tests/Assets/conv_fc_mnist_float.tflite
$model | Set-LayerExclusion -OpType SOFTMAX
$model | Clear-LayerExclusion -PassThru | Select-Object Name, Plan
'@
            Remarks = 'The plan shows "no rules" again.'
        }
    )
    Links       = @(
        'Set-LayerExclusion'
        'Invoke-Quantization'
    )
}
