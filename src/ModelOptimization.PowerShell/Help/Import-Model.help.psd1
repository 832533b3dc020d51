@{
    Synopsis    = 'Reads TFLite model files and SavedModel folders into model objects.'
    Description = @(
        'Import-Model reads each file or folder it is given and writes one model object per input. The format is decided from the content, not from the extension: a FlatBuffer with the TFL3 identifier is a TensorFlow Lite model, a folder holding saved_model.pb is a SavedModel.'
        'The model object holds the whole graph (subgraphs, operators, tensors, buffers, signatures, metadata) and remembers the file it came from. Weights are views over the file, not copies. Pipe it to Get-ModelLayer or Get-ModelTensor to inspect it, or to Export-Model to write it.'
        'A path that does not exist, a file that is not a model, a damaged file and an inconsistent graph are reported as non-terminating errors (ModelFileNotFound, UnsupportedModelFormat, ModelParseFailed, ModelValidationFailed), so the other inputs are still imported.'
    )
    Parameters  = @{
        Path        = 'Paths of model files (.tflite) or SavedModel folders. Wildcards are expanded; a pattern that matches nothing is reported as ModelFileNotFound. Accepts strings from the pipeline.'
        LiteralPath = 'Paths taken exactly as written, with no wildcard expansion: use it for names that contain [, ], * or ?. Binds the PSPath property of pipeline input, so Get-ChildItem output can be piped to Import-Model.'
    }
    Inputs      = @(
        @{ Type = 'System.String[]'; Description = 'Paths, to -Path.' }
        @{ Type = 'System.IO.FileSystemInfo'; Description = 'Files and folders from Get-ChildItem or Get-Item, bound to -LiteralPath by their PSPath property.' }
    )
    Outputs     = @(
        @{ Type = 'ModelOptimization.Core.Graph.Model'; Description = 'One model per file or folder read.' }
    )
    Notes       = @(
        'Import-Model validates the graph after reading it (indices in range, buffers long enough for their tensors, a valid execution order); a model that fails is reported as ModelValidationFailed and not written.'
        'See about_ModelOptimization_Errors for every ErrorId and what to do about it.'
    )
    Examples    = @(
        @{
            Title   = 'Import a TFLite model'
            Code    = 'Import-Model ./tests/Assets/conv_fc_mnist_float.tflite'
            Remarks = 'Reads the bundled MNIST model and shows its summary: name, format, subgraphs, operators, parameters, size and the types of its weights.'
        }
        @{
            Title   = 'Import every model of a folder'
            Code    = 'Get-ChildItem ./tests/Assets -Filter *.tflite | Import-Model'
            Remarks = 'Get-ChildItem writes FileInfo objects; their PSPath property binds to -LiteralPath, so each file becomes one model.'
        }
        @{
            Title   = 'Import a file whose name is taken literally'
            Code    = 'Import-Model -LiteralPath ./tests/Assets/hello_world_float.tflite | Format-List Name, Format, SourcePath, FileSize, OperatorCount, ParameterCount'
            Remarks = 'With -LiteralPath no character of the path is a wildcard.'
        }
    )
    Links       = @(
        'Export-Model'
        'Get-ModelLayer'
        'Get-ModelTensor'
        'about_ModelOptimization'
        'about_ModelOptimization_Errors'
    )
}
