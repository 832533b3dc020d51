BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $fqid = ',ModelOptimization.PowerShell.Commands.ExportModelCommand'
    $mnist = Import-Model $MnistPath
    $hello = Import-Model $HelloPath

    function Assert-SameModel($Expected, $Actual) {
        [ModelOptimization.Core.Graph.ModelComparer]::FindFirstDifference($Expected, $Actual) | Should -BeNullOrEmpty
    }
}

Describe 'Export-Model' {
    BeforeEach {
        $dir = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
        $null = New-Item -ItemType Directory -Path $dir
    }

    Context 'Writing' {
        It 'writes a model that reads back equal, field by field' {
            $out = Join-Path $dir 'mnist.tflite'
            Export-Model -InputObject $mnist -Path $out
            Test-Path -LiteralPath $out | Should -BeTrue
            Assert-SameModel $mnist (Import-Model -LiteralPath $out)
        }

        It 'takes the model from the pipeline and the path by position' {
            $out = Join-Path $dir 'hello.tflite'
            $hello | Export-Model $out
            Assert-SameModel $hello (Import-Model -LiteralPath $out)
        }

        It 'writes nothing to the pipeline without -PassThru' {
            $hello | Export-Model (Join-Path $dir 'quiet.tflite') | Should -BeNullOrEmpty
        }

        It 'writes the FileInfo of the output with -PassThru' {
            $out = Join-Path $dir 'passthru.tflite'
            $file = $hello | Export-Model $out -PassThru
            $file | Should -BeOfType System.IO.FileInfo
            $file.FullName | Should -Be $out
            $file.PSPath | Should -Not -BeNullOrEmpty
            $file.Length | Should -BeGreaterThan 0
        }

        It 'resolves a relative path against the current location' {
            Push-Location $dir
            try { $hello | Export-Model ./relative.tflite } finally { Pop-Location }
            Test-Path -LiteralPath (Join-Path $dir 'relative.tflite') | Should -BeTrue
        }

        It 'writes TFLite for another extension when the model was read from TFLite' {
            $out = Join-Path $dir 'model.bin'
            $hello | Export-Model $out
            Assert-SameModel $hello (Import-Model -LiteralPath $out)
        }

        It 'writes with -BufferLayout <_>' -ForEach 'Auto', 'Inline', 'External' {
            $out = Join-Path $dir "layout-$_.tflite"
            $mnist | Export-Model $out -BufferLayout $_
            Assert-SameModel $mnist (Import-Model -LiteralPath $out)
        }

        It 'leaves no temporary file beside the output' {
            $hello | Export-Model (Join-Path $dir 'clean.tflite')
            @(Get-ChildItem -LiteralPath $dir -Force).Name | Should -Be @('clean.tflite')
        }

        It 'writes with -Confirm:$false' {
            $out = Join-Path $dir 'confirmed.tflite'
            $hello | Export-Model $out -Confirm:$false
            Test-Path -LiteralPath $out | Should -BeTrue
        }

        It 'says what it writes with -Verbose' {
            $out = Join-Path $dir 'verbose.tflite'
            $verbose = $hello | Export-Model $out -Verbose 4>&1
            ($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message | Should -BeLike "*$out*"
        }
    }

    Context '-WhatIf and -Force' {
        It 'writes nothing with -WhatIf' {
            $out = Join-Path $dir 'whatif.tflite'
            $hello | Export-Model $out -WhatIf
            Test-Path -LiteralPath $out | Should -BeFalse
            @(Get-ChildItem -LiteralPath $dir -Force) | Should -HaveCount 0
        }

        It 'refuses to overwrite an existing file without -Force (OutputFileExists) and leaves it unchanged' {
            $out = Join-Path $dir 'exists.tflite'
            Set-Content -LiteralPath $out -Value 'keep me'
            $hello | Export-Model $out -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be "OutputFileExists$fqid"
            $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
            $err[0].TargetObject | Should -Be $out
            $err[0].ErrorDetails.RecommendedAction | Should -BeLike '*-Force*'
            (Get-Content -LiteralPath $out -Raw).Trim() | Should -Be 'keep me'
        }

        It 'overwrites an existing file with -Force' {
            $out = Join-Path $dir 'replace.tflite'
            Set-Content -LiteralPath $out -Value 'replace me'
            $hello | Export-Model $out -Force
            Assert-SameModel $hello (Import-Model -LiteralPath $out)
        }

        It 'does not overwrite with -Force -WhatIf' {
            $out = Join-Path $dir 'still.tflite'
            Set-Content -LiteralPath $out -Value 'still here'
            $hello | Export-Model $out -Force -WhatIf
            (Get-Content -LiteralPath $out -Raw).Trim() | Should -Be 'still here'
        }

        It 'refuses to write onto the file the model was read from without -Force' {
            $source = Join-Path $dir 'source.tflite'
            Copy-Item -LiteralPath $HelloPath -Destination $source
            $before = Get-FileHash -LiteralPath $source
            $m = Import-Model -LiteralPath $source
            $m | Export-Model $source -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be "OutputFileExists$fqid"
            $err[0].Exception.Message | Should -BeLike '*read from*'
            (Get-FileHash -LiteralPath $source).Hash | Should -Be $before.Hash
        }

        It 'writes onto the file the model was read from with -Force, and the result reads back equal' {
            $source = Join-Path $dir 'own.tflite'
            Copy-Item -LiteralPath $MnistPath -Destination $source
            $m = Import-Model -LiteralPath $source
            $m | Export-Model $source -Force
            Assert-SameModel $mnist (Import-Model -LiteralPath $source)
            Assert-SameModel $mnist $m
        }

        It 'writes the first of several piped models and refuses the next without -Force' {
            $out = Join-Path $dir 'many.tflite'
            $hello, $mnist | Export-Model $out -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be "OutputFileExists$fqid"
            Assert-SameModel $hello (Import-Model -LiteralPath $out)
        }
    }

    Context 'Errors' {
        It 'reports a missing output folder as ModelWriteFailed and leaves nothing' {
            $out = Join-Path $dir 'no/such/folder/model.tflite'
            { $hello | Export-Model $out -ErrorAction Stop } | Should -Throw -ErrorId "ModelWriteFailed$fqid"
            Test-Path -LiteralPath (Join-Path $dir 'no') | Should -BeFalse
        }

        It 'stops on -BufferLayout with SavedModel output (ParameterCombinationInvalid)' {
            { $hello | Export-Model (Join-Path $dir 'saved') -Format SavedModel -BufferLayout Inline } |
                Should -Throw -ErrorId "ParameterCombinationInvalid$fqid"
            Test-Path -LiteralPath (Join-Path $dir 'saved') | Should -BeFalse
        }

        It 'stops on an output path that is not on a file-system drive (ParameterCombinationInvalid)' {
            { $hello | Export-Model 'Env:/MODELOPT_TEST' } | Should -Throw -ErrorId "ParameterCombinationInvalid$fqid"
        }

        It 'reports a format the writer cannot produce, leaving nothing' {
            $out = Join-Path $dir 'as-saved-model'
            $hello | Export-Model $out -Format SavedModel -ErrorVariable err -ErrorAction SilentlyContinue
            if (-not $err) { Set-ItResult -Skipped -Because 'SavedModel export is available'; return }
            $err[0].FullyQualifiedErrorId | Should -Be "UnsupportedModelFormat$fqid"
            Test-Path -LiteralPath $out | Should -BeFalse
        }
    }

    Context 'SavedModel' {
        BeforeAll {
            $savedModelPath = Join-Path $SharedModels 'savedmodel/half_plus_two_tf2'
            $savedModel = if (Test-Path -LiteralPath $savedModelPath) { Import-Model -LiteralPath $savedModelPath }
        }

        It 'writes a SavedModel as a SavedModel folder by default, and -PassThru writes its DirectoryInfo' {
            if (-not $savedModel) { Set-ItResult -Skipped -Because $NoSharedModels; return }
            $out = Join-Path $dir 'half_plus_two'
            $folder = $savedModel | Export-Model $out -PassThru
            $folder | Should -BeOfType System.IO.DirectoryInfo
            Test-Path -LiteralPath (Join-Path $out 'saved_model.pb') | Should -BeTrue
            $copy = $folder | Import-Model
            $copy.Format | Should -Be 'SavedModel'
            Assert-SameModel $savedModel $copy
        }

        It 'refuses to replace an existing folder without -Force, and replaces it with -Force' {
            if (-not $savedModel) { Set-ItResult -Skipped -Because $NoSharedModels; return }
            $out = Join-Path $dir 'existing'
            $null = New-Item -ItemType Directory -Path $out
            $savedModel | Export-Model $out -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be "OutputFileExists$fqid"
            Test-Path -LiteralPath (Join-Path $out 'saved_model.pb') | Should -BeFalse
            $savedModel | Export-Model $out -Force
            Assert-SameModel $savedModel (Import-Model -LiteralPath $out)
        }

        It 'writes no folder with -WhatIf' {
            if (-not $savedModel) { Set-ItResult -Skipped -Because $NoSharedModels; return }
            $out = Join-Path $dir 'whatif-folder'
            $savedModel | Export-Model $out -WhatIf
            Test-Path -LiteralPath $out | Should -BeFalse
        }
    }

    Context 'SavedModel serving-only export' {
        BeforeAll {
            $tf1Path = Join-Path $AssetsPath 'half_plus_two_tf1'
            $tf1 = Import-Model -LiteralPath $tf1Path
            $mnistTfPath = Join-Path $SharedModels 'savedmodel/mnist_conv_tf1'
            $mnistTf = if (Test-Path -LiteralPath $mnistTfPath) { Import-Model -LiteralPath $mnistTfPath }
            function Get-FolderBytes([string] $Path) { (Get-ChildItem -LiteralPath $Path -Recurse -File | Measure-Object Length -Sum).Sum }
        }

        It 'writes an unchanged SavedModel byte for byte by default, and prunes it with -ServingOnly, saying what it dropped' {
            $same = Join-Path $dir 'tf1-same'
            $tf1 | Export-Model $same
            foreach ($rel in 'saved_model.pb', 'variables/variables.index', 'variables/variables.data-00000-of-00001') {
                (Get-FileHash (Join-Path $same $rel)).Hash | Should -Be (Get-FileHash (Join-Path $tf1Path $rel)).Hash
            }
            $pruned = Join-Path $dir 'tf1-serving'
            $verbose = $tf1 | Export-Model $pruned -ServingOnly -Verbose 4>&1
            "$verbose" | Should -Match 'serving-only: 4 nodes, 0 functions, 0 variables'
            $back = Import-Model -LiteralPath $pruned
            $back.TensorFlowGraph.FindNode('init') | Should -BeNullOrEmpty
            $back.TensorFlowGraph.Variables.Count | Should -Be $tf1.TensorFlowGraph.Variables.Count
            (Invoke-Model -InputObject $back -Input (, [float[]] @(5)) -Signature regress_x2_to_y3).Outputs[0].Data |
                Should -Be (Invoke-Model -InputObject $tf1 -Input (, [float[]] @(5)) -Signature regress_x2_to_y3).Outputs[0].Data
        }

        It 'drops the Momentum slots and training ops of a quantized TF1 model by default, and keeps them with -KeepTrainingState' {
            if (-not $mnistTf) { Set-ItResult -Skipped -Because $NoSharedModels; return }
            $q = $mnistTf | Invoke-Quantization -Mode DynamicRange
            $serving = Join-Path $dir 'mnist-q'
            $full = Join-Path $dir 'mnist-q-full'
            $q | Export-Model $serving
            $q | Export-Model $full -KeepTrainingState
            $a = Import-Model -LiteralPath $serving
            $b = Import-Model -LiteralPath $full
            @($a.TensorFlowGraph.Variables | Where-Object IsTrainingState).Count | Should -Be 0
            @($b.TensorFlowGraph.Variables | Where-Object IsTrainingState).Count | Should -Be 10
            @($a.TensorFlowGraph.Nodes | Where-Object Op -Like 'Apply*').Count | Should -Be 0
            (Get-FolderBytes $mnistTfPath) / (Get-FolderBytes $serving) | Should -BeGreaterThan 3.5
            (Get-FolderBytes $full) | Should -BeGreaterThan (2 * (Get-FolderBytes $serving))
        }

        It 'stops on -ServingOnly with -KeepTrainingState, or with TFLite output (ParameterCombinationInvalid)' {
            { $tf1 | Export-Model (Join-Path $dir 'both') -ServingOnly -KeepTrainingState } | Should -Throw -ErrorId "ParameterCombinationInvalid$fqid"
            { $tf1 | Export-Model (Join-Path $dir 'x.tflite') -ServingOnly } | Should -Throw -ErrorId "ParameterCombinationInvalid$fqid"
            { Import-Model $HelloPath | Export-Model (Join-Path $dir 'h2.tflite') -KeepTrainingState } | Should -Throw -ErrorId "ParameterCombinationInvalid$fqid"
            Test-Path -LiteralPath (Join-Path $dir 'both') | Should -BeFalse
        }
    }
}
