@{
    Synopsis    = 'Writes a model to a TFLite file or a SavedModel folder.'
    Description = @(
        'Export-Model writes the model it is given to -Path. The output is first written to a temporary file beside the target and then moved into place, so a failure (a full disk, Ctrl+C) never leaves half a file and never damages an existing one.'
        'The format is -Format when given; otherwise TFLite for a path ending in .tflite, and the model''s own format for any other path. -BufferLayout chooses where a TFLite file keeps its weights: inside the FlatBuffer (Inline), after it (External, the layout TFLite uses for models over 2 GB), or whichever fits (Auto, the default).'
        'An existing file or folder is not overwritten unless -Force is given (OutputFileExists); this includes the file the model was read from. -WhatIf shows what would be written and writes nothing; -Confirm asks first. -PassThru writes the FileInfo (or DirectoryInfo) of the output, which can be piped to Import-Model.'
        'A SavedModel that a transformation changed (for example Invoke-Quantization -Mode DynamicRange, which makes weights int8 and adds Cast and Mul nodes) is written with its edited graph in saved_model.pb and the new variables in the checkpoint; the folder imports again and runs in TensorFlow. An unchanged SavedModel is written byte for byte as it was read.'
        'SavedModel output is serving-only after a transformation (a model from Invoke-Quantization, an edited graph, or layer rules from Set-LayerExclusion): only the nodes the signatures reach are kept, with what loading needs (the saver, main/init ops, assets, the initializers of kept variables), and the functions they call. Training ops (gradients, ApplyMomentum/ApplyAdam, the loss) and optimizer slot variables (Momentum, Adam m/v ...) are dropped, the TF1 saver (RestoreV2/SaveV2 names, dtypes and the restore group) is rewritten to the kept variables, and the checkpoint holds only those. -ServingOnly does the same for a model as read; -KeepTrainingState keeps everything after a transformation, so training can resume from the export. In a TF2 model the training state no signature reads (optimizer slots and iterations, Keras metrics) leaves the traced save/restore functions and the checkpoint; the object graphs keep their node ids but lose the edges and slot references to those variables. -Verbose reports what was dropped.'
    )
    Parameters  = @{
        InputObject  = 'The model to write, usually from Import-Model through the pipeline. Each model in the pipeline is written to -Path in turn.'
        Path         = 'The output file (TFLite) or folder (SavedModel). Relative paths are relative to the current location. The path is taken literally: wildcard characters are not expanded.'
        Format       = 'The output format, Tflite or SavedModel. By default TFLite for a path ending in .tflite, otherwise the format the model was read from.'
        BufferLayout = 'Where a TFLite file keeps its buffers: Auto (inline when the file stays under 2 GB, otherwise external), Inline (inside the FlatBuffer) or External (after the FlatBuffer, addressed by offset). Applies to TFLite output only; with SavedModel output it is a ParameterCombinationInvalid error.'
        Force        = 'Overwrite an existing file or folder at -Path, including the file the model was read from. The old content is replaced only once the new file is complete.'
        ServingOnly       = 'SavedModel output only: drop what no signature reaches (training ops, optimizer slot variables and their checkpoint entries), also for a model as read. This is the default after a transformation such as Invoke-Quantization. With TFLite output, or together with -KeepTrainingState, it is a ParameterCombinationInvalid error.'
        KeepTrainingState = 'SavedModel output only: keep every node, function and variable (training ops, optimizer state), also after a transformation, so training can resume from the exported folder. With TFLite output, or together with -ServingOnly, it is a ParameterCombinationInvalid error.'
        PassThru     = 'Write the FileInfo (TFLite) or DirectoryInfo (SavedModel) of the written output. By default Export-Model writes nothing.'
    }
    Inputs      = @(
        @{ Type = 'ModelOptimization.Core.Graph.Model'; Description = 'Models to write, to -InputObject.' }
    )
    Outputs     = @(
        @{ Type = 'None'; Description = 'By default Export-Model writes nothing.' }
        @{ Type = 'System.IO.FileInfo'; Description = 'With -PassThru, the written TFLite file.' }
        @{ Type = 'System.IO.DirectoryInfo'; Description = 'With -PassThru, the written SavedModel folder.' }
    )
    Notes       = @(
        'ErrorIds: OutputFileExists (the target exists and -Force was not given), ModelWriteFailed (writing failed; nothing was left behind), ParameterCombinationInvalid (-BufferLayout with SavedModel output), OperationCancelled. See about_ModelOptimization_Errors.'
    )
    Examples    = @(
        @{
            Title   = 'Write a copy of a model'
            Code    = @'
$model = Import-Model ./tests/Assets/conv_fc_mnist_float.tflite
$model | Export-Model ./conv_fc_mnist_copy.tflite -PassThru
'@
            Remarks = 'Reads the bundled model and writes it to a new file in the current folder; -PassThru shows the file written.'
        }
        @{
            Title   = 'See what would be written, without writing'
            Code    = 'Import-Model ./tests/Assets/hello_world_float.tflite | Export-Model ./hello_world_copy.tflite -WhatIf'
            Remarks = '-WhatIf prints the operation and its target; no file is created.'
        }
        @{
            Title   = 'Replace an existing file, and read the result back'
            Code    = @'
$model = Import-Model ./tests/Assets/hello_world_float.tflite
$model | Export-Model ./hello_world_copy.tflite
$model | Export-Model ./hello_world_copy.tflite -Force -BufferLayout Inline -PassThru | Import-Model
'@
            Remarks = 'The second export would fail with OutputFileExists without -Force. The FileInfo written by -PassThru pipes straight into Import-Model.'
        }
        @{
            Title   = 'Export a SavedModel for serving, without its training state'
            Code    = @'
$model = Import-Model ./tests/Assets/half_plus_two_tf1
$model | Export-Model ./half_plus_two_serving -ServingOnly -Verbose -PassThru
'@
            Remarks = 'Keeps what the signatures reach and what loading needs; -Verbose says how many nodes and variables (and bytes) were dropped. After Invoke-Quantization this is the default; add -KeepTrainingState to keep everything.'
        }
    )
    Links       = @(
        'Import-Model'
        'about_ModelOptimization'
        'about_ModelOptimization_Errors'
    )
}
