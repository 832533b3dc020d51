BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $fqid = ',ModelOptimization.PowerShell.Commands.InvokeModelCommand'
    $MnistImages = Join-Path $AssetsPath 'mnist-first100-images-idx3-ubyte.gz'
    $mnist = Import-Model -LiteralPath $MnistPath
    $hello = Import-Model -LiteralPath $HelloPath

    $helloInput = 'serving_default_dense_input:0'
}

Describe 'Invoke-Model' {
    Context 'Binding and output' {
        It 'runs one sample of random data when -Input is not given' {
            $r = $hello | Invoke-Model
            $r | Should -HaveCount 1
            $r | Should -BeOfType ModelOptimization.PowerShell.Model.InferenceResult
            $r.SampleIndex | Should -Be 0
            $r.ModelName | Should -Be 'hello_world_float'
            $r.Outputs | Should -HaveCount 1
            $r.Outputs[0].DataType | Should -Be 'Float32'
            $r.Outputs[0].Shape | Should -Be @(1, 1)
            $r.Outputs[0].Data.GetType() | Should -Be ([float[]])
            $r.Milliseconds | Should -BeGreaterOrEqual 0
            $r.Label | Should -BeNullOrEmpty
        }

        It 'takes one sample as a flat array for a one-input model, by position' {
            $r = $hello | Invoke-Model @(1.5)
            $r | Should -HaveCount 1
            $r.Outputs[0].Data[0] | Should -BeGreaterThan 0.8
            $r.Outputs[0].Data[0] | Should -BeLessThan 1.2
        }

        It 'takes a hashtable from input name to data, by tensor name or signature name' {
            $byTensor = $hello | Invoke-Model -Input @{ $helloInput = @(0.5) }
            $bySignature = $hello | Invoke-Model -Input @{ dense_input = [float[]]@(0.5) }
            $byIndex = $hello | Invoke-Model -Input @{ 0 = 0.5 }
            $byTensor.Outputs[0].Data[0] | Should -Be $bySignature.Outputs[0].Data[0]
            $byIndex.Outputs[0].Data[0] | Should -Be $byTensor.Outputs[0].Data[0]
        }

        It 'writes one result per sample of an array of samples, in order' {
            $r = $hello | Invoke-Model -Input @(@(0.0), @(1.0), @(2.0))
            $r | Should -HaveCount 3
            $r.SampleIndex | Should -Be @(0, 1, 2)
            [math]::Abs($r[0].Outputs[0].Data[0]) | Should -BeLessThan 0.2
        }

        It 'accepts a dataset from Import-Dataset piped in, with the model given by name' {
            $r = Import-Dataset $MnistImages -Scale (1 / 255) -Shape 1, 28, 28, 1 -First 5 | Invoke-Model -Model $mnist
            $r | Should -HaveCount 5
            $r.SampleIndex | Should -Be @(0, 1, 2, 3, 4)
            $r.Label | Should -Be @(1, 2, 8, 3, 4)
            $r[0].Outputs[0].Shape | Should -Be @(1, 10)
            $r[0].Predicted | Should -BeOfType [int]
            $r[0].Outputs[0].Data.Length | Should -Be 10
            [math]::Abs(($r[0].Outputs[0].Data | Measure-Object -Sum).Sum - 1) | Should -BeLessThan 1e-4
        }

        It 'accepts a dataset given to -Input with the model from the pipeline' {
            $ds = Import-Dataset $MnistImages -Scale (1 / 255) -First 3
            $r = $mnist | Invoke-Model -Input $ds
            $r | Should -HaveCount 3
            $r.IsCorrect | Should -Not -Contain $null
        }

        It 'runs each piped model on the same input' {
            $r = $hello, $hello | Invoke-Model -Input @(@(0.25), @(0.75))
            $r | Should -HaveCount 4
        }

        It 'numbers samples on across piped samples for one model' {
            $r = @(@(0.1), @(0.2), @(0.3)) | ForEach-Object { , $_ } | Invoke-Model -Model $hello
            $r.SampleIndex | Should -Be @(0, 1, 2)
        }

        It 'returns every tensor with -IncludeIntermediate' {
            $r = $hello | Invoke-Model -Input @(1.0) -IncludeIntermediate
            $r.Tensors.Count | Should -BeGreaterThan $r.Outputs.Count
            $r.Tensors | Should -BeOfType ModelOptimization.Runtime.TensorValue
            $r.Tensors.Name | Should -Contain $helloInput
            $plain = $hello | Invoke-Model -Input @(1.0)
            $plain.Tensors | Should -BeNullOrEmpty
            $plain.Outputs[0].Data[0] | Should -Be $r.Outputs[0].Data[0]
        }

        It 'runs the signature given by -Signature' {
            ($hello | Invoke-Model -Input @(1.0) -Signature serving_default).Outputs | Should -HaveCount 1
        }

        It 'classifies at least 95 of the 100 bundled MNIST digits correctly' {
            $r = Import-Dataset $MnistImages -Scale (1 / 255) -Shape 1, 28, 28, 1 | Invoke-Model -Model $mnist
            $r | Should -HaveCount 100
            @($r | Where-Object IsCorrect).Count | Should -BeGreaterOrEqual 95
        }

        It 'gives the same outputs with one thread and with two' {
            $ds = Import-Dataset $MnistImages -Scale (1 / 255) -First 2
            $one = $mnist | Invoke-Model -Input $ds -ThreadCount 1
            $two = $mnist | Invoke-Model -Input $ds -ThreadCount 2
            $one[1].Outputs[0].Data | Should -Be $two[1].Outputs[0].Data
        }
    }

    Context 'Errors' {
        It 'reports a sample of the wrong length as InputDataInvalid' {
            $hello | Invoke-Model -Input @(@(1, 2)) -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be "InputDataInvalid$fqid"
            $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $err[0].Exception.Message | Should -BeLike '*needs 1 values*'
        }

        It 'reports a value that is not a number as InputDataInvalid' {
            { $hello | Invoke-Model -Input @('abc') -ErrorAction Stop } | Should -Throw -ErrorId "InputDataInvalid$fqid"
        }

        It 'reports a hashtable key that names no input as InputNotFound' {
            { $hello | Invoke-Model -Input @{ nope = @(1.0) } -ErrorAction Stop } | Should -Throw -ErrorId "InputNotFound$fqid"
        }

        It 'reports a signature the model does not have as ParameterCombinationInvalid' {
            { $hello | Invoke-Model -Input @(1.0) -Signature nope -ErrorAction Stop } | Should -Throw -ErrorId "ParameterCombinationInvalid$fqid"
        }

        It 'reports a dataset that does not fit the model, after the samples that did run' {
            $csv = Join-Path $TestDrive 'mixed.csv'
            Set-Content -LiteralPath $csv -Value "1`n2`n"
            $r = $hello | Invoke-Model -Input (Import-Dataset $csv) -ErrorVariable err -ErrorAction SilentlyContinue
            $r | Should -HaveCount 2
            $err | Should -BeNullOrEmpty
            $r = $hello | Invoke-Model -Input (Import-Dataset $MnistImages -First 2) -ErrorVariable err -ErrorAction SilentlyContinue
            $r | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be "InputDataInvalid$fqid"
            $err[0].Exception.Message | Should -BeLike 'Sample 0 of*'
        }

        It 'rejects -ThreadCount 0' {
            { $hello | Invoke-Model -ThreadCount 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ModelOptimization.PowerShell.Commands.InvokeModelCommand'
        }
    }

    Context 'Formatting and help' {
        It 'has table views for its results and their tensors' {
            (Get-FormatData -TypeName ModelOptimization.PowerShell.Model.InferenceResult) | Should -Not -BeNullOrEmpty
            (Get-FormatData -TypeName ModelOptimization.Runtime.TensorValue) | Should -Not -BeNullOrEmpty
        }

        It 'shows sample, label, prediction and output in the table' {
            $text = Import-Dataset $MnistImages -Scale (1 / 255) -First 1 | Invoke-Model -Model $mnist | Out-String
            $text | Should -Match 'Sample\s+Label\s+Predicted'
            $text | Should -Match 'float32\[1,10\]'
        }

        It 'has help with a synopsis, a description and examples' {
            $help = Get-Help Invoke-Model -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty
            $help.Examples.Example.Count | Should -BeGreaterOrEqual 1
        }
    }
}
