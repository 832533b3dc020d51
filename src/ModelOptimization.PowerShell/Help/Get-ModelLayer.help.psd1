@{
    Synopsis    = 'Lists the layers (operators) of a model.'
    Description = @(
        'Get-ModelLayer writes one object per operator of the model, in execution order: its subgraph and index, its name, op type and version, its input and output tensors (name, shape, type, quantization), the number of weights it holds (elements of its constant inputs), and what the model''s quantization plan decides for it.'
        'A layer is named by its first output tensor, as AI Edge Quantizer names layers in its recipes, so the names shown here are the names that selective quantization rules match.'
        'Decision is Quantize, Float, or a mode set by a plan rule (for example Int16x8); DecisionRule is the plan rule that decided, or empty when no rule matches and the default applies.'
        '-Name, -OpType and -Subgraph filter the layers. Names and op types accept wildcards and are case-insensitive; a -Name without wildcards that matches no layer is reported as a LayerNotFound error. Tab completion offers the layer names of the model given to -InputObject and every TFLite op type.'
        'For a SavedModel the layers are the TensorFlow nodes its signatures run that compute with a float weight (a variable): Name is the node name, OpType the TensorFlow op (MatMul, Conv2D, BiasAdd, ...), ParameterCount the elements of the weights the node reads, and Decision what Invoke-Quantization -Mode DynamicRange will do with them (Float when a rule excludes the layer or one of its weights). Such layers have subgraph 0, version 0 and no tensors listed.'
    )
    Parameters  = @{
        InputObject = 'The model whose layers to list, usually from Import-Model through the pipeline.'
        Name        = 'Layer names to list (the name of each operator''s first output tensor). Wildcards are allowed; a name without wildcards that matches no layer is a non-terminating LayerNotFound error.'
        OpType      = 'Op types to list, for example CONV_2D or FULLY_CONNECTED (the custom code for custom ops). Case-insensitive; wildcards are allowed.'
        Subgraph    = 'Only the layers of this subgraph (0 is the main graph). A subgraph the model does not have is reported as SubgraphNotFound.'
    }
    Inputs      = @(
        @{ Type = 'ModelOptimization.Core.Graph.Model'; Description = 'Models, to -InputObject.' }
    )
    Outputs     = @(
        @{ Type = 'ModelOptimization.PowerShell.Model.ModelLayer'; Description = 'One object per operator: Index, Subgraph, Name, OpType, Version, Inputs, Outputs, ParameterCount, Decision, DecisionRule, Layer, Model.' }
    )
    Notes       = @(
        'Inputs and Outputs keep the operator''s tensor order; an absent optional input (such as a missing bias) keeps its place with Index -1.'
    )
    Examples    = @(
        @{
            Title   = 'List the layers of a model'
            Code    = 'Import-Model ./tests/Assets/conv_fc_mnist_float.tflite | Get-ModelLayer'
            Remarks = 'One row per operator: op type and version, first output, weights, the plan''s decision and the layer name.'
        }
        @{
            Title   = 'List the layers that hold weights'
            Code    = 'Import-Model ./tests/Assets/conv_fc_mnist_float.tflite | Get-ModelLayer -OpType CONV_2D, FULLY_CONNECTED | Select-Object Index, OpType, ParameterCount, Name'
            Remarks = 'Filters by op type; the two FULLY_CONNECTED layers hold almost all of the parameters.'
        }
        @{
            Title   = 'Find layers by name and look at their tensors'
            Code    = @'
$model = Import-Model ./tests/Assets/conv_fc_mnist_float.tflite
$model | Get-ModelLayer -Name '*dense*'
($model | Get-ModelLayer -Name 'StatefulPartitionedCall:0').Inputs
'@
            Remarks = 'Wildcards select every layer whose name contains "dense". A literal name selects one layer (here the final SOFTMAX); its Inputs property lists the tensors it reads.'
        }
    )
    Links       = @(
        'Get-ModelTensor'
        'Import-Model'
        'about_ModelOptimization'
    )
}
