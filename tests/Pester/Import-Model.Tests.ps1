BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $fqid = ',ModelOptimization.PowerShell.Commands.ImportModelCommand'
}

Describe 'Import-Model' {
    Context 'Binding' {
        It 'imports a file given by position' {
            $m = Import-Model $MnistPath
            $m | Should -HaveCount 1
            $m | Should -BeOfType ModelOptimization.Core.Graph.Model
            $m.Name | Should -Be 'conv_fc_mnist_float'
            $m.Format | Should -Be 'Tflite'
            $m.SourcePath | Should -Be $MnistPath
            $m.FileSize | Should -Be (Get-Item $MnistPath).Length
            $m.OperatorCount | Should -Be 6
        }

        It 'expands wildcards to one model per file' {
            $models = Import-Model (Join-Path $AssetsPath '*.tflite')
            $models | Should -HaveCount 2
            $models.Name | Should -Be @('conv_fc_mnist_float', 'hello_world_float')
        }

        It 'takes several paths' {
            (Import-Model -Path $MnistPath, $HelloPath).Name | Should -Be @('conv_fc_mnist_float', 'hello_world_float')
        }

        It 'binds strings from the pipeline to -Path' {
            ($MnistPath, $HelloPath | Import-Model).Name | Should -Be @('conv_fc_mnist_float', 'hello_world_float')
        }

        It 'binds Get-ChildItem output to -LiteralPath by its PSPath property' {
            $models = Get-ChildItem $AssetsPath -Filter *.tflite | Import-Model
            $models | Should -HaveCount 2
            $models.SourcePath | Should -Be @($MnistPath, $HelloPath)
        }

        It 'binds an object with a PSPath property (the alias of -LiteralPath)' {
            $m = [pscustomobject]@{ PSPath = $HelloPath } | Import-Model
            $m.Name | Should -Be 'hello_world_float'
        }

        It 'takes -LiteralPath names that contain wildcard characters literally' {
            $odd = Join-Path $TestDrive 'model[1].tflite'
            Copy-Item -LiteralPath $HelloPath -Destination $odd
            (Import-Model -LiteralPath $odd).Name | Should -Be 'model[1]'
            Import-Model -Path $odd -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be "ModelFileNotFound$fqid"
        }

        It 'resolves relative paths against the current location' {
            Push-Location $AssetsPath
            try { (Import-Model ./hello_world_float.tflite).SourcePath | Should -Be $HelloPath } finally { Pop-Location }
        }

        It 'says what it imports with -Verbose' {
            $verbose = Import-Model $HelloPath -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            $verbose.Message | Should -Contain "Importing model '$HelloPath'."
        }
    }

    Context 'Errors' {
        It 'reports a missing path as ModelFileNotFound, naming it, and goes on with the next path' {
            $missing = Join-Path $TestDrive 'missing.tflite'
            $models = Import-Model -Path $missing, $HelloPath -ErrorVariable err -ErrorAction SilentlyContinue
            $models.Name | Should -Be 'hello_world_float'
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be "ModelFileNotFound$fqid"
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].TargetObject | Should -Be $missing
            $err[0].Exception.Message | Should -BeLike "*$missing*"
            $err[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        }

        It 'reports a missing -LiteralPath as ModelFileNotFound' {
            { Import-Model -LiteralPath (Join-Path $TestDrive 'nothing.tflite') -ErrorAction Stop } |
                Should -Throw -ErrorId "ModelFileNotFound$fqid"
        }

        It 'reports a pattern that matches nothing as ModelFileNotFound' {
            { Import-Model (Join-Path $TestDrive 'nothing*.tflite') -ErrorAction Stop } | Should -Throw -ErrorId "ModelFileNotFound$fqid"
        }

        It 'reports a path on another provider as ModelFileNotFound' {
            { Import-Model -LiteralPath 'Env:/PATH' -ErrorAction Stop } | Should -Throw -ErrorId "ModelFileNotFound$fqid"
        }

        It 'reports a file that is not a model as UnsupportedModelFormat' {
            $garbage = Join-Path $TestDrive 'garbage.bin'
            Set-Content -LiteralPath $garbage -Value ('not a model ' * 100)
            { Import-Model $garbage -ErrorAction Stop } | Should -Throw -ErrorId "UnsupportedModelFormat$fqid"
        }

        It 'reports garbage in a .tflite file as ModelParseFailed' {
            $garbage = Join-Path $TestDrive 'garbage.tflite'
            [System.IO.File]::WriteAllBytes($garbage, [byte[]](1..255 * 8))
            { Import-Model $garbage -ErrorAction Stop } | Should -Throw -ErrorId "ModelParseFailed$fqid"
        }

        It 'reports a truncated model as ModelParseFailed with category InvalidData' {
            $truncated = Join-Path $TestDrive 'truncated.tflite'
            $bytes = [System.IO.File]::ReadAllBytes($MnistPath)
            [System.IO.File]::WriteAllBytes($truncated, $bytes[0..4095])
            Import-Model $truncated -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be "ModelParseFailed$fqid"
            $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $err[0].TargetObject | Should -Be $truncated
        }

        It 'reports an empty file as a failure, not a model' {
            $empty = Join-Path $TestDrive 'empty.tflite'
            $null = New-Item -ItemType File -Path $empty
            Import-Model $empty -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeIn @("ModelParseFailed$fqid", "UnsupportedModelFormat$fqid")
        }

        It 'reports a model whose graph is inconsistent as ModelValidationFailed' {
            # A weight buffer shorter than its tensor needs: well-formed FlatBuffer, inconsistent graph.
            $bad = (Import-Model $HelloPath).Clone()
            $weights = $bad.Subgraphs[0].Tensors | Where-Object { $_.Name -eq 'sequential/dense_1/MatMul' }
            $bad.Buffers[[int]$weights.Buffer] = [ModelOptimization.Core.Graph.ModelBuffer]::new([byte[]](1..16))
            $file = Join-Path $TestDrive 'inconsistent.tflite'
            $bad | Export-Model $file -ErrorAction SilentlyContinue
            if (-not (Test-Path -LiteralPath $file)) { Set-ItResult -Skipped -Because 'the writer refuses inconsistent models'; return }
            Import-Model -LiteralPath $file -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be "ModelValidationFailed$fqid"
            $err[0].Exception.Message | Should -BeLike '*sequential/dense_1/MatMul*'
        }

        It 'reports a folder without saved_model.pb as UnsupportedModelFormat' {
            $folder = Join-Path $TestDrive 'not-a-saved-model'
            $null = New-Item -ItemType Directory -Path $folder
            Set-Content -LiteralPath (Join-Path $folder 'readme.txt') -Value 'hello'
            { Import-Model -LiteralPath $folder -ErrorAction Stop } | Should -Throw -ErrorId "UnsupportedModelFormat$fqid"
        }
    }

    Context 'Shared models' {
        It 'imports the shared model <Name>' -ForEach @(
            if ($HasSharedModels) { Get-ChildItem (Join-Path $SharedModels 'tflite') -Filter *.tflite | ForEach-Object { @{ Name = $_.Name; File = $_.FullName } } }
            else { @{ Name = '(none)'; File = $null } }
        ) {
            if (-not $File) { Set-ItResult -Skipped -Because $NoSharedModels; return }
            $m = Import-Model -LiteralPath $File
            $m.Format | Should -Be 'Tflite'
            $m.OperatorCount | Should -BeGreaterThan 0
        }
    }
}
