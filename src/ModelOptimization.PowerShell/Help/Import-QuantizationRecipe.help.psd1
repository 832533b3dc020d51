@{
    Synopsis    = 'Reads a JSON quantization recipe, as a plan or as the plan of the given models.'
    Description = @(
        'Import-QuantizationRecipe reads recipes written by Export-QuantizationRecipe. A bare JSON array of rules is read too, and AI Edge Quantizer''s rule keys are understood: regex, operation (an op type, * for every op) and algorithm_key (no_quantize excludes, any other algorithm includes).'
        'With -InputObject the recipe becomes the plan of each model: it replaces the model''s rules, or follows them with -Append. Like the Set-* commands it then writes nothing unless -PassThru. Without -InputObject it writes the plan object, which Export-QuantizationRecipe -Plan can save again.'
        'A malformed recipe — not JSON, unknown keys, an invalid regular expression, an unknown mode or action — is a RecipeInvalid error that names the rule.'
    )
    Parameters  = @{
        Path        = 'Recipe files; wildcards are expanded.'
        LiteralPath = 'Recipe files taken exactly as written; binds the PSPath of Get-ChildItem output.'
        InputObject = 'Models that get the recipe as their plan; usually through the pipeline.'
        Append      = 'Add the recipe''s rules after the model''s existing rules instead of replacing them.'
        PassThru    = 'With -InputObject: write each model after setting its plan.'
    }
    Inputs      = @(
        @{ Type = 'ModelOptimization.Core.Graph.Model'; Description = 'Models, to -InputObject.' }
        @{ Type = 'System.IO.FileInfo'; Description = 'Recipe files, to -LiteralPath (by property name).' }
    )
    Outputs     = @(
        @{ Type = 'ModelOptimization.Core.Quantization.QuantizationPlan'; Description = 'Without -InputObject: one plan per recipe file.' }
        @{ Type = 'ModelOptimization.Core.Graph.Model'; Description = 'With -InputObject and -PassThru: the models (the same objects).' }
    )
    Notes       = @(
        'ErrorIds: RecipeInvalid, ModelFileNotFound. See about_ModelOptimization_Errors.'
    )
    Examples    = @(
        @{
            Title   = 'Apply a saved recipe before quantizing'
            Code    = @'
'{"format":"ModelOptimization.QuantizationRecipe","version":1,"rules":[{"opType":"SOFTMAX","action":"exclude","reason":"exact probabilities"}]}' |
    Set-Content ./recipe.json
Import-Model ./tests/Assets/conv_fc_mnist_float.tflite |
    Import-QuantizationRecipe ./recipe.json -PassThru |
    Invoke-Quantization DynamicRange |
    ForEach-Object QuantizationReport
'@
            Remarks = 'The softmax is reported as excluded by the recipe''s rule.'
        }
        @{
            Title   = 'Read an AI Edge Quantizer-style rule list as a plan'
            Code    = @'
'[{"regex": ".*", "operation": "*", "algorithm_key": "min_max_uniform_quantize"}, {"regex": "dense_1", "operation": "FULLY_CONNECTED", "algorithm_key": "no_quantize"}]' |
    Set-Content ./aeq-recipe.json
$plan = Import-QuantizationRecipe ./aeq-recipe.json
$plan.Rules
'@
            Remarks = 'The second rule excludes the FULLY_CONNECTED layers whose name contains dense_1.'
        }
    )
    Links       = @(
        'Export-QuantizationRecipe'
        'Set-LayerExclusion'
        'Invoke-Quantization'
    )
}
