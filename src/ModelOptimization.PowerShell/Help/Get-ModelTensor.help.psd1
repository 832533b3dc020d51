@{
    Synopsis    = 'Lists the tensors of a model.'
    Description = @(
        'Get-ModelTensor writes one object per tensor of the model: its subgraph and index, name, shape and shape signature (-1 marks a dynamic dimension), element type, its role (input, output, constant, variable), its quantization parameters (scales, zero points, quantized dimension, granularity), a sparsity summary, and its size in bytes.'
        'SizeBytes is the length of the constant data for constant tensors (weights), and the dense size of the shape and type for the others (the memory the activation takes at run time).'
        '-Name and -Subgraph filter the tensors. Names accept wildcards and are case-insensitive; a name without wildcards that matches no tensor is reported as a TensorNotFound error (a layer is named by its first output tensor, so layer names are tensor names too).'
    )
    Parameters  = @{
        InputObject = 'The model whose tensors to list, usually from Import-Model through the pipeline.'
        Name        = 'Tensor names to list. Wildcards are allowed; a name without wildcards that matches no tensor is a non-terminating TensorNotFound error. Tab completion offers the tensor names of the model given to -InputObject.'
        Subgraph    = 'Only the tensors of this subgraph (0 is the main graph). A subgraph the model does not have is reported as SubgraphNotFound.'
    }
    Inputs      = @(
        @{ Type = 'ModelOptimization.Core.Graph.Model'; Description = 'Models, to -InputObject.' }
    )
    Outputs     = @(
        @{ Type = 'ModelOptimization.PowerShell.Model.ModelTensor'; Description = 'One object per tensor: Index, Subgraph, Name, Shape, ShapeSignature, DataType, IsInput, IsOutput, IsConstant, IsVariable, Scale, ZeroPoint, QuantizedDimension, Granularity, Quantization, Sparsity, SizeBytes, Model.' }
    )
    Notes       = @(
        'Scale and ZeroPoint hold one value for per-tensor quantization and one per channel for per-channel quantization; QuantizedDimension is set only for per-channel tensors.'
    )
    Examples    = @(
        @{
            Title   = 'List the tensors of a model'
            Code    = 'Import-Model ./tests/Assets/conv_fc_mnist_float.tflite | Get-ModelTensor'
            Remarks = 'One row per tensor with its type, shape, role, quantization and size.'
        }
        @{
            Title   = 'Show the inputs and outputs of a model'
            Code    = 'Import-Model ./tests/Assets/conv_fc_mnist_float.tflite | Get-ModelTensor | Where-Object { $_.IsInput -or $_.IsOutput } | Format-List Name, DataType, Shape, ShapeSignature'
            Remarks = 'The shape signature shows the dynamic batch dimension (-1) that the static shape fixes to 1.'
        }
        @{
            Title   = 'Add up the bytes of the weights'
            Code    = 'Import-Model ./tests/Assets/conv_fc_mnist_float.tflite | Get-ModelTensor | Where-Object IsConstant | Measure-Object SizeBytes -Sum'
            Remarks = 'Constant tensors hold the weights, biases and constant shapes; their sizes add up to nearly the whole file.'
        }
    )
    Links       = @(
        'Get-ModelLayer'
        'Set-ModelInputShape'
        'about_ModelOptimization'
    )
}
