@{
    Synopsis    = 'Saves a model''s quantization plan as a JSON recipe.'
    Description = @(
        'Export-QuantizationRecipe writes the plan of a model (or a plan object) as JSON in the spirit of AI Edge Quantizer''s recipes: {"format":"ModelOptimization.QuantizationRecipe","version":1,"rules":[...]}, each rule with name (wildcards), regex, opType, index, subgraph, action (exclude or include), mode and reason. Import-QuantizationRecipe reads it back, onto any model.'
        'The file is written through a temporary sibling and moved into place, so a failure never leaves half a file. An existing file is not replaced without -Force (OutputFileExists). Supports -WhatIf and -Confirm.'
    )
    Parameters  = @{
        InputObject = 'The model whose plan is saved; usually through the pipeline.'
        Plan        = 'A plan object to save instead, for example from Import-QuantizationRecipe without -InputObject.'
        Path        = 'The recipe file to write. Taken literally (no wildcards).'
        Force       = 'Replace an existing file.'
        PassThru    = 'Write the FileInfo of the recipe.'
    }
    Inputs      = @(
        @{ Type = 'ModelOptimization.Core.Graph.Model'; Description = 'Models, to -InputObject.' }
        @{ Type = 'ModelOptimization.Core.Quantization.QuantizationPlan'; Description = 'Plans, to -Plan.' }
    )
    Outputs     = @(
        @{ Type = 'None'; Description = 'Nothing by default.' }
        @{ Type = 'System.IO.FileInfo'; Description = 'With -PassThru: the recipe file.' }
    )
    Notes       = @(
        'ErrorIds: OutputFileExists, ModelWriteFailed. See about_ModelOptimization_Errors.'
    )
    Examples    = @(
        @{
            Title   = 'Save the exclusions of a model'
            Code    = @'
$model = Import-Model ./tests/Assets/conv_fc_mnist_float.tflite
$model | Set-LayerExclusion -OpType SOFTMAX -Reason 'exact probabilities'
$model | Export-QuantizationRecipe ./mnist-recipe.json -PassThru
Get-Content ./mnist-recipe.json
'@
            Remarks = 'The recipe can be applied to the model again later, or to another model, with Import-QuantizationRecipe.'
        }
    )
    Links       = @(
        'Import-QuantizationRecipe'
        'Set-LayerExclusion'
    )
}
