@{
    Synopsis    = 'Adds a rule to a model''s quantization plan: the layers it selects stay float (or, with -Include, get their own mode).'
    Description = @(
        'Set-LayerExclusion selects layers by name (wildcards), regular expression, op type or index (all given criteria must hold) and adds a rule to the plan of the model object it is given. Invoke-Quantization then leaves those layers in float, with QUANTIZE/DEQUANTIZE ops at their boundaries; Get-ModelLayer shows each layer''s decision and the rule that made it.'
        'Rules are ordered; for each layer the last rule that matches decides (as in AI Edge Quantizer recipes). -Include adds a rule that quantizes the layers it matches (undoing a broader exclusion), and -Mode gives them their own mode, for example one layer in Int16x8 inside a FullInteger model.'
        'Like every Set-* command of the module it changes the plan of the given model and writes nothing unless -PassThru. The plan is not part of the model file: save it with Export-QuantizationRecipe.'
        'A -Name without wildcards that names no layer, an -OpType the model does not use and an -Index it does not have are LayerNotFound errors (nothing is added); a wildcard or -Pattern that matches nothing is a warning.'
        'On a SavedModel (Import-Model of a SavedModel folder) the layers are the TensorFlow nodes its signatures run that compute with a float weight, as Get-ModelLayer lists them: -Name and -Pattern match node names (for example MatMul_1 or model/dense_1/MatMul), -OpType matches TensorFlow op names (MatMul, Conv2D, DepthwiseConv2dNative, BiasAdd ...), -Index the position Get-ModelLayer shows. A rule may also name a weight itself by its checkpoint key or variable name (op type Variable). Invoke-Quantization -Mode DynamicRange keeps every weight float that an excluded layer reads; the report gives the rule.'
    )
    Parameters  = @{
        InputObject = 'The model whose plan gets the rule; usually from Import-Model through the pipeline.'
        Name        = 'Layer names (the name of each operator''s first output tensor, as Get-ModelLayer shows); wildcards allowed. Tab completion offers the layers of the model given to -InputObject.'
        LayerName   = 'Literal layer names, usually bound from piped records that have a LayerName property (Measure-QuantizationError -SuggestExclusion), whose Reason binds to -Reason; give the model with -InputObject then. A name that matches no layer is LayerNotFound.'
        Pattern     = 'A regular expression searched in layer names (AI Edge Quantizer''s regex).'
        OpType      = 'Op types, for example SOFTMAX or FULLY_CONNECTED (case-insensitive). Tab completion offers the TFLite op names.'
        Index       = 'Operator indices (as Get-ModelLayer shows them).'
        Subgraph    = 'The subgraph -Index refers to; by default the rule applies in every subgraph.'
        Reason      = 'Why the rule exists; shown beside every decision it makes. Taken from piped records that have a Reason property.'
        Include     = 'Quantize the selected layers instead of excluding them.'
        Mode        = 'With -Include: the quantization mode of the selected layers (DynamicRange, FullInteger, Int16x8, Float16, BFloat16 or WeightOnly).'
        PassThru    = 'Write the model after changing its plan, so the pipeline can go on (for example to Invoke-Quantization).'
    }
    Inputs      = @(
        @{ Type = 'ModelOptimization.Core.Graph.Model'; Description = 'Models, to -InputObject.' }
    )
    Outputs     = @(
        @{ Type = 'None'; Description = 'Nothing by default.' }
        @{ Type = 'ModelOptimization.Core.Graph.Model'; Description = 'With -PassThru: the model whose plan was changed (the same object).' }
    )
    Notes       = @(
        'ErrorIds: LayerNotFound, ParameterCombinationInvalid (no selector, -Mode without -Include, a bad -Pattern). See about_ModelOptimization_Errors.'
    )
    Examples    = @(
        @{
            Title   = 'Keep the softmax float'
            Code    = @'
$model = Import-Model ./tests/Assets/conv_fc_mnist_float.tflite
$model | Set-LayerExclusion -OpType SOFTMAX -Reason 'exact probabilities'
$model.Plan.Rules
'@
            Remarks = 'The rule is added to $model''s plan; nothing is written to the pipeline.'
        }
        @{
            Title   = 'Exclude by name, then give one layer 16-bit activations'
            Code    = @'
$model = Import-Model ./tests/Assets/conv_fc_mnist_float.tflite
$model | Set-LayerExclusion -Name 'sequential/dense_1*'
$model | Set-LayerExclusion -Index 0 -Include -Mode Int16x8 -PassThru | Get-ModelLayer
'@
            Remarks = 'Get-ModelLayer shows which layers stay float and which rule decided.'
        }
    )
    Links       = @(
        'Clear-LayerExclusion'
        'Invoke-Quantization'
        'Export-QuantizationRecipe'
        'Get-ModelLayer'
    )
}
